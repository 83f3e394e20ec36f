"""WGAN learns grid25 within the shared budget (GRID25_STEPS); WGAN-LP, DRAGAN and WGAN-CT
work on it (`helpers.WORKS`: 20 modes, half the samples on them).

Measured on the 2-core machine (seed 0, 2,500 samples, PacGAN's rule; wall times with other
jobs sharing the cores): see docs/PERFORMANCE.md.
"""
import pytest

from helpers import learns_grid25, long, works_on


@pytest.mark.slow
@pytest.mark.long   # 4.5 minutes on 2 cores: left out of CI to fit its time
def test_wgan_covers_grid25(tmp_path):
    learns_grid25(tmp_path, "wgan")


# wgan_ct's run (two dropout passes of the critic, without XLA for op determinism) takes 7
# minutes alone, wgan_lp's 5.5 in the mode benchmark: `long`, not in CI (pyproject.toml).
@pytest.mark.slow
@pytest.mark.parametrize("variant", [long("wgan_lp"), "dragan", long("wgan_ct")])
def test_variant_works_on_grid25(tmp_path, variant):
    works_on(tmp_path, variant, "grid25")
