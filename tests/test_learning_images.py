"""The Fashion-MNIST configs whose setting departs from the paper's keep their gain: 1,000
steps of the config (width 32, XLA) against the bar below, on the domain classifier with
2,000 samples.

Measured (seed 0, AVX-512): `lsgan` with the squares on sigma(D) FID 127.6, recall 0.48; the
paper's linear output 214.3, 0.26. `dragan` at Adam 4e-4 (0.5, 0.999) 118.5, 0.47; the
notebook's 1e-4 (0.5, 0.9) 183.0, 0.30. `infogan` with G at D's rate and lambda 0.2 115.0,
0.60; the authors' G at 5x D's rate with lambda 1 161.5, 0.09. After 3,000 steps these are the
FIDs 37, 36 and 31 against 74, 89 and 58 of docs/RESULTS.md.
"""
import json

import pytest

from helpers import cli, long, train_and_evaluate

FID_BAR, RECALL_BAR = 160.0, 0.38


# lsgan's run (2.7 minutes on 2 cores) is CI's check that an image config learns; dragan's and
# infogan's are `long`, to fit CI's time.
@pytest.mark.slow
@pytest.mark.parametrize("variant", ["lsgan", long("dragan"), long("infogan")])
def test_fixed_image_config_learns_fashion_mnist(tmp_path, variant):
    result = train_and_evaluate(tmp_path, variant, "fashion_mnist", train__steps=1000,
                                train__jit_compile=True, eval__every=0)
    assert result["fid"] < FID_BAR and result["recall"] > RECALL_BAR, result


@pytest.mark.slow
@pytest.mark.long   # 23 minutes on 2 cores on a slow host, which took .ci/run past 90: run by hand
def test_default_run_draws_garments(tmp_path):
    """`python train.py` with no flag but the workdir: sphere_gan_stable on Fashion-MNIST,
    3,000 steps at width 32 with XLA. Its FID on eval.py's 10,000 samples must be at most 60
    (docs/RESULTS.md has the measured values and times)."""
    workdir = str(tmp_path / "default")
    trained = cli(f"--workdir={workdir}", timeout=3600)
    assert trained.returncode == 0, trained.stderr[-3000:]
    assert "sphere_gan_stable on fashion_mnist: steps 0 -> 3000" in trained.stdout
    evaluated = cli(f"--workdir={workdir}", script="eval.py", timeout=1200)
    assert evaluated.returncode == 0, evaluated.stderr[-3000:]
    result = json.loads(evaluated.stdout.strip().splitlines()[-1])
    assert result["num_samples"] == 10000 and result["fid"] <= 60.0, result
