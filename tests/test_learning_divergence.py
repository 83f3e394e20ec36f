"""The divergence family learns grid25: each variant, with its own config, covers at least
`GRID25_MODES` of the 25 modes within the shared budget `GRID25_STEPS`; for fgan, the
default divergence (squared Hellinger) and Jensen-Shannon. fgan's Fashion-MNIST config keeps
the FID its Adam beta2 0.9 gained.
"""
import pytest

from helpers import FidBelow, learns, learns_grid25


@pytest.mark.slow
@pytest.mark.parametrize("variant", ["gan", "lsgan", "softmax_gan", "fgan"])
def test_variant_covers_grid25(tmp_path, variant):
    learns_grid25(tmp_path, variant)


@pytest.mark.slow
def test_fgan_jensen_shannon_covers_grid25(tmp_path):
    learns_grid25(tmp_path, "fgan", hparams__divergence="jensen_shannon")


@pytest.mark.slow
@pytest.mark.long   # 6 minutes on 2 cores: run by hand (pyproject.toml)
def test_fgan_learns_fashion_mnist_to_the_benchmarks_bar(tmp_path):
    """The benchmark's run (3,000 steps, width 32, XLA), one seed of three under FID 44.
    Measured on the AVX-512 machine: FID 38.5 / 41.7 / 41.8 on seeds 0, 1, 2 (recall 0.74 to
    0.79); with the paper's beta2 0.999 seed 0 gives 46.7 here, and seeds 1, 2 gave 55.2 and 49.6
    in the benchmark's earlier record: every seed above the bar."""
    learns(tmp_path, "fgan", "fashion_mnist", FidBelow(44.0, recall=0.6), train__steps=3000,
           train__jit_compile=True, eval__every=0)
