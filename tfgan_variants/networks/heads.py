"""InfoGAN's Q head (Chen et al. 2016, arXiv 1606.03657, Section 5 and Appendix C.1).

Q shares the discriminator's body: it reads D's penultimate features (the input of D's last
layer, `common.with_features`) and adds one hidden layer (128 units and LeakyReLU 0.2 in the
paper's MNIST network; its BatchNorm is left out so that Q is a per-example function and the
update does not depend on the replica count) and two outputs: the logits of the categorical
code's posterior Q(c_cat | x) and the means of the factored Gaussian Q(c_cont | x), whose
standard deviation is fixed to 1 (Section 5: "we simply treat it as a factored Gaussian").
"""
import keras

from tfgan_variants.errors import ConfigError
from tfgan_variants.networks import common


def q_head(feature_dim, categories, continuous, width=128):
    """keras.Model: D's penultimate features [batch, feature_dim] ->
    (categorical logits [batch, categories], continuous means [batch, continuous])."""
    if categories < 2 or continuous < 1:
        raise ConfigError("InfoGAN needs >= 2 categories and >= 1 continuous code, got "
                         f"{categories} and {continuous}")
    features = keras.Input((feature_dim,), name="features")
    hidden = keras.layers.LeakyReLU(0.2)(keras.layers.Dense(width)(features))
    logits = keras.layers.Dense(categories, dtype="float32", name="categorical_logits")(hidden)
    means = keras.layers.Dense(continuous, dtype="float32", name="continuous_means")(hidden)
    return keras.Model(features, [logits, means], name="q_head")


def build_q_head(config, discriminator):
    """The Q head for `discriminator` from a `config.networks` block: `categories` (10) and
    `continuous_codes` (2), the paper's MNIST codes, and `q_width` (128) hidden units."""
    feature_dim = common.with_features(discriminator).outputs[0].shape[-1]
    return q_head(feature_dim, config.get("categories", 10), config.get("continuous_codes", 2),
                  config.get("q_width", 128))
