"""The divergence family learns grid25: each variant, with its own config, covers at least
20 of the 25 modes within the shared budget `GRID25_STEPS`; for fgan, the default divergence
(squared Hellinger) and Jensen-Shannon.
"""
import pytest

from test_learning import GRID25_STEPS, train_and_evaluate, train_on_grid25


@pytest.mark.slow
@pytest.mark.parametrize("variant", ["gan", "lsgan", "softmax_gan", "fgan"])
def test_variant_covers_grid25(tmp_path, variant):
    result = train_on_grid25(tmp_path, variant)
    assert result["modes_covered"] >= 20, result


@pytest.mark.slow
def test_fgan_jensen_shannon_covers_grid25(tmp_path):
    result = train_and_evaluate(tmp_path, "fgan", "grid25", train__steps=GRID25_STEPS,
                                hparams__divergence="jensen_shannon")
    assert result["modes_covered"] >= 20, result
