"""Semi-supervised learning works: on one draw of 10 labels per class, Localized GAN's
classifier, which also learns from the unlabelled images, makes fewer test errors than the
same classifier trained on the 100 labelled images alone, at the benchmark's budget.

The budget cannot be cut to fit the CI: at 1,000 steps (the learning rate decayed to 0 over
them) labels only reaches 30.0 % and Localized GAN 30.2 %; the unlabelled data pays off only
over a longer run. Localized GAN's 6,000 steps take 40 to 55 minutes on 2 cores, so the test
is `long`: run by hand with `pytest -m long tests/test_learning_semi_supervised.py`. The
three draws of the benchmark are in docs/RESULTS.md."""
import pytest

from tfgan_variants import config_base, evaluation, training

#: The margin in test error (a fraction) that Localized GAN must win by on draw 0. It won by
#: 6.0 points there on an AVX2 host (24.7 % against 30.7 %, docs/SEMI_SUPERVISED.md); the
#: benchmark's run of draw 0 on an AVX-512 host ended at 26.8 %, so the margin leaves room
#: for another machine's trajectory.
MARGIN = 0.03


@pytest.mark.slow
@pytest.mark.long
def test_localized_gan_beats_labels_only_on_one_draw(tmp_path):
    errors = {}
    for method in ("labels_only", "localized_gan"):
        config = config_base.load("semi_supervised", method)
        config.train.update({"log_every": 500, "sample_every": config.train.steps})
        config.eval.every = 0
        training.train(config, tmp_path / method, verbose=0)
        errors[method] = evaluation.saved_model_test_error(
            str(tmp_path / method / "saved_model"), "fashion_mnist")
    assert errors["localized_gan"] <= errors["labels_only"] - MARGIN, errors
