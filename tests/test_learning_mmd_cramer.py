"""MMD GAN learns grid25 within the shared budget (`GRID25_STEPS`); Cramér GAN works on it
(`helpers.WORKS`)."""
import pytest

from helpers import learns_grid25, works_on


@pytest.mark.slow
@pytest.mark.long   # 18 minutes on 2 cores: run by hand, not in CI
def test_mmd_gan_covers_grid25(tmp_path):
    learns_grid25(tmp_path, "mmd_gan")


@pytest.mark.slow
@pytest.mark.long   # 7 minutes on 2 cores, with XLA: run by hand, not in CI
def test_cramer_gan_works_on_grid25(tmp_path):
    works_on(tmp_path, "cramer_gan", "grid25")
