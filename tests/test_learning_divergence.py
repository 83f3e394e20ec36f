"""The divergence family learns grid25: each variant, with its own config, covers at least
`GRID25_MODES` of the 25 modes within the shared budget `GRID25_STEPS`; for fgan, the
default divergence (squared Hellinger) and Jensen-Shannon.
"""
import pytest

from helpers import learns_grid25


@pytest.mark.slow
@pytest.mark.parametrize("variant", ["gan", "lsgan", "softmax_gan", "fgan"])
def test_variant_covers_grid25(tmp_path, variant):
    learns_grid25(tmp_path, variant)


@pytest.mark.slow
def test_fgan_jensen_shannon_covers_grid25(tmp_path):
    learns_grid25(tmp_path, "fgan", hparams__divergence="jensen_shannon")
