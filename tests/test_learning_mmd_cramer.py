"""MMD GAN and Cramér GAN learn grid25 within the shared budget (`GRID25_STEPS`)."""
import pytest

from helpers import learns_grid25


@pytest.mark.slow
@pytest.mark.long   # 10 to 18 minutes each on 2 cores: run by hand, not in CI
@pytest.mark.parametrize("variant", ["mmd_gan", "cramer_gan"])
def test_variant_covers_grid25(tmp_path, variant):
    learns_grid25(tmp_path, variant)
