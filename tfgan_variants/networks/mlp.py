"""Multilayer perceptrons for low-dimensional data (the 2-D mixtures of PacGAN / VEEGAN)."""
import keras

from tfgan_variants.errors import ConfigError
from tfgan_variants.networks import common


def generator(latent_dim, data_dim=2, width=128, depth=3):
    x = z = keras.Input((latent_dim,), name="z")
    for _ in range(depth):
        x = keras.layers.Dense(width, activation="relu")(x)
    samples = keras.layers.Dense(data_dim, dtype="float32")(x)
    return keras.Model(z, samples, name="mlp_generator")


def discriminator(data_dim=2, output_dim=1, width=128, depth=3, norm="none", dropout=0.0):
    """Dense layers with LeakyReLU 0.2; `dropout` > 0 adds Dropout after each activation."""
    if norm not in ("none", "spectral", "layer"):
        raise ConfigError(f"MLP norm must be 'none', 'spectral' or 'layer', got {norm!r}")
    x = samples = keras.Input((data_dim,), name="samples")
    for _ in range(depth):
        x = common.weight_layer(keras.layers.Dense(width), norm)(x)
        if norm == "layer":
            x = keras.layers.LayerNormalization()(x)
        x = common.apply(x, keras.layers.LeakyReLU(0.2), common.dropout(dropout))
    out = common.weight_layer(keras.layers.Dense(output_dim, dtype="float32"), norm)(x)
    return keras.Model(samples, out, name="mlp_discriminator")
