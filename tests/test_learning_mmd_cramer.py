"""MMD GAN and Cramér GAN work on grid25 (`helpers.WORKS`)."""
import pytest

from helpers import works_on


@pytest.mark.slow
@pytest.mark.long   # 8 minutes on 2 cores, with XLA: run by hand, not in CI
def test_mmd_gan_works_on_grid25(tmp_path):
    works_on(tmp_path, "mmd_gan", "grid25")


@pytest.mark.slow
@pytest.mark.long   # 7 minutes on 2 cores, with XLA: run by hand, not in CI
def test_cramer_gan_works_on_grid25(tmp_path):
    works_on(tmp_path, "cramer_gan", "grid25")
