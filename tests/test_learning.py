"""Every variant learns: on ring8 the foundation variants cover at least 6 of the 8 modes;
on grid25 every variant is trained for the same `GRID25_STEPS` (the benchmark table's budget).
"""
import json
import os
import subprocess
import sys

import pytest

from test_training import ROOT, load_config
from tfgan_variants import evaluation, training

FOUNDATION = ("ns_gan", "wgan_gp", "sngan", "sphere_gan")
#: One budget for every variant on grid25: generator updates at the 2-D batch of 256.
GRID25_STEPS = 10000


def train_and_evaluate(workdir, variant, dataset, **overrides):
    """Trains `variant` with its own config for `dataset`; returns eval.py's metrics dict."""
    config = load_config(variant, dataset, **overrides)
    config.train.update({"log_every": 500, "sample_every": 2000, "checkpoint_every": 2000})
    training.train(config, workdir, verbose=0)
    result = evaluation.evaluate_workdir(str(workdir))
    print(variant, dataset, json.dumps(result))
    return result


def train_on_grid25(workdir, variant):
    return train_and_evaluate(workdir, variant, "grid25", train__steps=GRID25_STEPS)


@pytest.mark.slow
@pytest.mark.parametrize("variant", FOUNDATION)
def test_variant_covers_ring8(tmp_path, variant):
    result = train_and_evaluate(tmp_path, variant, "ring8")
    assert result["modes_covered"] >= 6, result


def test_eval_cli_reports_mode_coverage_and_rejects_bad_workdirs(tmp_path):
    config = load_config("ns_gan", "ring8", train__steps=2, data__batch_size=8)
    training.train(config, tmp_path / "run", verbose=0)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    run = [sys.executable, os.path.join(ROOT, "eval.py"), "--num_samples=100"]
    good = subprocess.run(run + [f"--workdir={tmp_path / 'run'}"], capture_output=True,
                          text=True, env=env, timeout=300)
    assert good.returncode == 0, good.stderr[-2000:]
    result = json.loads(good.stdout.strip().splitlines()[-1])
    assert result["num_modes"] == 8 and result["num_samples"] == 100
    assert 0 <= result["modes_covered"] <= 8 and 0 <= result["high_quality_fraction"] <= 1
    assert json.loads((tmp_path / "run" / "eval.json").read_text()) == result
    for workdir in (tmp_path / "missing", tmp_path):
        bad = subprocess.run(run + [f"--workdir={workdir}"], capture_output=True, text=True,
                             env=env, timeout=300)
        assert bad.returncode == 2 and "Traceback" not in bad.stderr
        assert bad.stderr.strip().splitlines()[-1].startswith("error: ")


#: Issue 7's bar on grid25 for the critics held near 1-Lipschitz (a gradient penalty,
#: spectral norm), seed 0 in the benchmark's budget and with its XLA switch. Sphere GAN
#: does not reach it (docs/RESULTS.md).
@pytest.mark.slow
@pytest.mark.parametrize("variant", ("wgan_gp", "sngan"))
def test_smooth_critics_cover_grid25_with_high_quality(tmp_path, variant):
    result = train_and_evaluate(tmp_path, variant, "grid25", train__steps=GRID25_STEPS,
                                train__jit_compile=True)
    assert result["modes_covered"] >= 24 and result["high_quality_fraction"] >= 0.8, result
