"""EBGAN, BEGAN, MAGAN and the loss-sensitive GAN learn grid25 within the shared budget
(`GRID25_STEPS`), each with its own 2-D config."""
import pytest

from test_learning import train_on_grid25


@pytest.mark.slow
@pytest.mark.parametrize("variant", ["ebgan", "began", "magan", "loss_sensitive_gan"])
def test_variant_covers_grid25(tmp_path, variant):
    result = train_on_grid25(tmp_path, variant)
    assert result["modes_covered"] >= 20, result
