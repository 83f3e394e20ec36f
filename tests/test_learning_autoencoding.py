"""BiGAN / ALI and VAE-GAN learn grid25 within the shared budget (`GRID25_STEPS`)."""
import pytest

from helpers import learns_grid25


@pytest.mark.slow
@pytest.mark.parametrize("variant", ["bigan", "vae_gan"])
def test_variant_covers_grid25(tmp_path, variant):
    learns_grid25(tmp_path, variant)
