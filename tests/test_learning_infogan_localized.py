"""InfoGAN and Localized GAN learn grid25 within the shared budget (`GRID25_STEPS`), and
InfoGAN's Q recovers the categorical code of generated samples."""
import numpy as np
import pytest
import tensorflow as tf

from helpers import learns_grid25, load_config, long
from tfgan_variants import training


# localized_gan's run (5.5 minutes on 2 cores) is `long`, to fit CI's time.
@pytest.mark.slow
@pytest.mark.parametrize("variant", ["infogan", long("localized_gan")])
def test_variant_covers_grid25(tmp_path, variant):
    learns_grid25(tmp_path, variant)


@pytest.mark.slow
def test_infogan_q_recovers_the_categorical_code(tmp_path):
    """After 2,000 steps on ring8, argmax Q(c | G(z, c)) = c for >= 90% of 5,000 samples: the
    generator made its categories distinguishable and Q learnt them (L_I near its maximum)."""
    config = load_config("infogan", "ring8", train__steps=2000)
    config.train.update({"log_every": 500, "sample_every": 2000, "checkpoint_every": 2000})
    model = training.train(config, tmp_path, verbose=0).model
    z = tf.random.stateless_normal([5000, config.latent_dim], [9, 9])
    _, category, _ = model.codes(z)
    logits, _ = model.predict_codes(model.generate(z))
    accuracy = float(np.mean(np.argmax(logits, -1) == category.numpy()))
    print("infogan Q accuracy on ring8", accuracy)
    assert accuracy >= 0.9, accuracy
