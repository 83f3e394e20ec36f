"""The energy-family variants that learn grid25 within the shared budget (`GRID25_STEPS`),
each with its own 2-D config: `GRID25_MODES` of the 25 modes (EBGAN collapses to one mode on
some seeds: docs/RESULTS.md). BEGAN does not reach it (1-7 modes in every tried setting, see
configs/began.py); on Fashion-MNIST its config gives garments of several classes."""
import pytest

from test_learning import learns_grid25, train_and_evaluate


@pytest.mark.slow
@pytest.mark.parametrize("variant", ["ebgan", "magan", "loss_sensitive_gan"])
def test_variant_covers_grid25(tmp_path, variant):
    learns_grid25(tmp_path, variant)


@pytest.mark.slow
def test_began_learns_varied_fashion_mnist(tmp_path):
    """2,000 steps of the config (gamma 0.75): a collapsed BEGAN (the paper's gamma 0.5 at
    this budget, or lr 1e-4) scores IS 1.0-1.7 and precision 0 or recall ~0."""
    result = train_and_evaluate(tmp_path, "began", "fashion_mnist", train__steps=2000,
                                train__jit_compile=True, eval__every=0)
    assert result["inception_score"] > 2.3, result
    assert result["precision"] > 0.5 and result["recall"] > 0.01, result
