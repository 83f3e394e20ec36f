"""Every variant learns: on ring8 the foundation variants cover at least 6 of the 8 modes;
on grid25 every variant is trained for the same `helpers.GRID25_STEPS` (the benchmark table's
budget) and covers at least `helpers.GRID25_MODES` of the 25.

GAN training is chaotic. The seed picks a trajectory, and so does the machine: the same seed
gives other numbers on an AVX-512 CPU than on an AVX2 one (the vector width changes the order
of float sums), and with or without XLA. A config that learns on most trajectories collapses
on some (docs/RESULTS.md, three seeds per variant), so a bar met by seed 0 on one machine can
be missed on the next. `helpers.learns` therefore trains seeds 0, 1, 2 in turn and passes on
the first that meets the bar; a broken loss or update misses it on all three.
"""
import json
import os
import subprocess
import sys

import pytest

from helpers import GRID25_STEPS, ROOT, Covers, learns, load_config, long, works_on
from tfgan_variants import training

# sphere_gan's case is `long`: on an AVX-512 host its seed 0 misses the bar and seed 1
# doubles the run (7 minutes on 2 cores). ns_gan's and sngan's are `long` to fit CI's time:
# both train on grid25 in CI too (ns_gan's `works_on`, sngan's high-quality bar).
FOUNDATION = (long("ns_gan"), "wgan_gp", long("sngan"), long("sphere_gan"))


@pytest.mark.slow
@pytest.mark.parametrize("variant", FOUNDATION)
def test_variant_covers_ring8(tmp_path, variant):
    learns(tmp_path, variant, "ring8", Covers(6))


@pytest.mark.slow
@pytest.mark.long   # 4.4 minutes on 2 cores; its grid25 quality bar stays in CI
def test_stable_sphere_gan_covers_every_ring8_mode(tmp_path):
    """All 8 modes, as on every seed of the mode benchmark (0.96 of the samples on them)."""
    learns(tmp_path, "sphere_gan_stable", "ring8", Covers(8, 0.8), train__steps=GRID25_STEPS,
           train__jit_compile=True)


@pytest.mark.slow
def test_ns_gan_works_on_grid25(tmp_path):
    works_on(tmp_path, "ns_gan", "grid25")


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


#: The grid25 bar for the critics held near 1-Lipschitz (a gradient penalty,
#: spectral norm): >= 24 modes, >= 0.8 high quality, in the benchmark's budget and with its XLA
#: switch. WGAN-GP meets it on every seed; SN-GAN on two of three (0.87, 0.81, 0.60, and 0.76
#: for seed 0 on an AVX-512 machine), so its row asserts 0.55, below its lowest. The paper's
#: Sphere GAN does not reach it; `sphere_gan_stable`, its critic spectrally normalised, does
#: on every seed (docs/RESULTS.md).
#: wgan_gp's run (5.4 minutes on 2 cores) is `long`; its ring8 run stays in CI.
@pytest.mark.slow
@pytest.mark.parametrize("variant, quality", [long("wgan_gp", 0.8), ("sngan", 0.55),
                                              ("sphere_gan_stable", 0.8)])
def test_smooth_critics_cover_grid25_with_high_quality(tmp_path, variant, quality):
    learns(tmp_path, variant, "grid25", Covers(24, quality), train__steps=GRID25_STEPS,
           train__jit_compile=True)
