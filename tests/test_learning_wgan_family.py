"""WGAN and WGAN-CT learn grid25 within the shared budget (GRID25_STEPS); WGAN-LP and DRAGAN
work on it (`helpers.WORKS`: 20 modes, half the samples on them).

Measured on the 2-core machine (seed 0, 2,500 samples, PacGAN's rule; wall times with other
jobs sharing the cores): see docs/PERFORMANCE.md.
"""
import pytest

from helpers import learns_grid25, works_on

# wgan_ct's run (dropout passes, 10k steps) takes over 10 minutes: `long`, not in CI.
FAMILY = ("wgan", pytest.param("wgan_ct", marks=pytest.mark.long))


@pytest.mark.slow
@pytest.mark.parametrize("variant", FAMILY)
def test_variant_covers_grid25(tmp_path, variant):
    learns_grid25(tmp_path, variant)


@pytest.mark.slow
@pytest.mark.parametrize("variant", ["wgan_lp", "dragan"])
def test_variant_works_on_grid25(tmp_path, variant):
    works_on(tmp_path, variant, "grid25")
