"""The energy family on the mixtures, each variant with its own 2-D config and the shared
budget (`GRID25_STEPS`): the loss-sensitive GAN, EBGAN and MAGAN work on grid25
(`helpers.WORKS`), EBGAN and MAGAN on ring8 (docs/RESULTS.md). BEGAN does not (1-16 modes in
every tried setting, see docs/TUNING.md); on Fashion-MNIST its config gives garments of
every class."""
import pytest

from helpers import long, train_and_evaluate, works_on


# `long`, to fit CI's time (3.3 and 4.5 minutes on 2 cores); their grid25 runs stay in CI.
@pytest.mark.slow
@pytest.mark.parametrize("variant", [long("ebgan"), long("magan")])
def test_variant_works_on_ring8(tmp_path, variant):
    """With grid25's margin and noise both sat near ring8's centre on two seeds of three."""
    works_on(tmp_path, variant, "ring8")


# `long`, to fit CI's time: the loss-sensitive GAN on grid25 (4.3 minutes on 2 cores) and every
# Fashion-MNIST run of this module (BEGAN's over 8 minutes).
@pytest.mark.slow
@pytest.mark.parametrize("variant", [long("loss_sensitive_gan"), "ebgan", "magan"])
def test_variant_works_on_grid25(tmp_path, variant):
    works_on(tmp_path, variant, "grid25")


@pytest.mark.slow
@pytest.mark.long
def test_began_learns_varied_fashion_mnist(tmp_path):
    """2,000 steps of the config (hwalsuklee's batch L2 energy, batch-normalised D, fast G):
    garments of every class. With the paper's L1 energy G drew a few classes (recall 0.06 to
    0.13 after 3,000 steps, IS 2.9 to 3.4) or collapsed (IS 1.0 to 1.9)."""
    result = train_and_evaluate(tmp_path, "began", "fashion_mnist", train__steps=2000,
                                train__jit_compile=True, eval__every=0)
    assert result["inception_score"] > 4.0, result
    assert result["precision"] > 0.75 and result["recall"] > 0.3, result


@pytest.mark.slow
@pytest.mark.long
@pytest.mark.parametrize("variant", ["ebgan", "loss_sensitive_gan"])
def test_variant_learns_fashion_mnist(tmp_path, variant):
    """1,000 steps of the Fashion-MNIST config: garments of several classes (measured: EBGAN
    IS 4.57, precision 0.89, recall 0.49; LS-GAN 3.79, 0.82, 0.52). With the paper's margin 10
    (EBGAN) or its ReLU L_theta (LS-GAN) every sample is a grey texture or noise by then, and
    after 3,000 steps IS is 1.00 / 1.04, precision 0 / 0.49, recall 0 (configs/ebgan.py,
    configs/loss_sensitive_gan.py)."""
    result = train_and_evaluate(tmp_path, variant, "fashion_mnist", train__steps=1000,
                                train__jit_compile=True, eval__every=0)
    assert result["inception_score"] > 2.0, result
    assert result["precision"] > 0.6 and result["recall"] > 0.05, result
