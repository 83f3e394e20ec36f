"""The energy-family variants that learn grid25 within the shared budget (`GRID25_STEPS`),
each with its own 2-D config: >= 20 of 25 modes, confirmed at the full budget. BEGAN does
not reach it yet (1-7 modes in every tried setting, see configs/began.py)."""
import pytest

from test_learning import train_on_grid25


@pytest.mark.slow
@pytest.mark.parametrize("variant", ["ebgan", "magan", "loss_sensitive_gan"])
def test_variant_covers_grid25(tmp_path, variant):
    result = train_on_grid25(tmp_path, variant)
    assert result["modes_covered"] >= 20, result
