"""Autoencoder discriminators of the energy family (EBGAN, BEGAN, MAGAN).

Each builder returns one `keras.Model` mapping samples to `[reconstruction, code]`: the
encoder's code is an output so that EBGAN's pulling-away term (Zhao et al. 2016, Eq. 4) can
use it, and the reconstruction gives the energy.

* `mlp`: for 2-D points. Dense layers with LeakyReLU 0.2 down to a `code_dim` code, the
  mirror image back up, a linear output.
* `conv`: for square images (28x28x1, 32x32x3, any size `upsampling_plan` accepts). The
  encoder is the DCGAN discriminator's body (4x4 stride-2 convolutions doubling the width),
  a dense code; the decoder is the DCGAN generator's body ending in tanh (data lie in
  [-1, 1]), as in EBGAN's and BEGAN's convolutional autoencoders, which shrink to a code and
  grow back.
* BEGAN's own encoder-decoder (`networks.began`: 3x3 ELU convolutions, no normalisation)
  with the architecture name 'began'.
"""
import keras

from tfgan_variants.errors import ConfigError
from tfgan_variants.networks import began, common

#: Code size when `config.networks.code_dim` is not set.
DEFAULT_CODE_DIM = 32


def mlp(data_dim=2, code_dim=DEFAULT_CODE_DIM, width=128, depth=3, norm="none"):
    if norm not in ("none", "spectral", "layer"):
        raise ConfigError(f"MLP norm must be 'none', 'spectral' or 'layer', got {norm!r}")
    samples = keras.Input((data_dim,), name="samples")
    x = samples
    for _ in range(depth):
        x = common.weight_layer(keras.layers.Dense(width), norm)(x)
        if norm == "layer":
            x = keras.layers.LayerNormalization()(x)
        x = keras.layers.LeakyReLU(0.2)(x)
    code = keras.layers.Dense(code_dim, dtype="float32", name="code")(x)
    x = code
    for _ in range(depth):
        x = keras.layers.LeakyReLU(0.2)(keras.layers.Dense(width)(x))
    reconstruction = keras.layers.Dense(data_dim, dtype="float32", name="reconstruction")(x)
    return keras.Model(samples, [reconstruction, code], name="mlp_autoencoder")


def conv(image_shape, code_dim=DEFAULT_CODE_DIM, width=64, norm="batch"):
    common.check_norm(norm)
    size = common.check_square(image_shape)
    base, steps = common.upsampling_plan(size)
    images = keras.Input(image_shape, name="images")
    x = images
    for i in range(steps):
        conv_layer = keras.layers.Conv2D(width * 2 ** i, 4, 2, "same")
        x = common.apply(x, common.weight_layer(conv_layer, norm),
                         common.normalization(norm) if i > 0 else None,
                         keras.layers.LeakyReLU(0.2))
    x = keras.layers.Flatten()(x)
    code = keras.layers.Dense(code_dim, dtype="float32", name="code")(x)
    decoder_norm = "batch" if norm == "batch" else "none"
    x = keras.layers.Dense(base * base * width * 2 ** steps)(code)
    x = common.apply(x, common.normalization(decoder_norm), keras.layers.ReLU())
    x = keras.layers.Reshape((base, base, width * 2 ** steps))(x)
    for i in reversed(range(1, steps)):
        x = keras.layers.Conv2DTranspose(width * 2 ** i, 4, 2, "same")(x)
        x = common.apply(x, common.normalization(decoder_norm), keras.layers.ReLU())
    x = keras.layers.Conv2DTranspose(image_shape[-1], 4, 2, "same")(x)
    reconstruction = keras.layers.Activation("tanh", dtype="float32", name="reconstruction")(x)
    return keras.Model(images, [reconstruction, code], name="conv_autoencoder")


def build(config, data_shape):
    """The autoencoder for data of `data_shape` from a `config.networks` block: `mlp` for
    vectors; for images BEGAN's own (`networks.began`) with architecture 'began', else `conv`
    (any other image architecture name: 'dcgan', 'sngan_cnn')."""
    code_dim = int(config.get("code_dim", DEFAULT_CODE_DIM))
    if len(data_shape) == 1:
        return mlp(data_shape[0], code_dim, config.width, config.depth, config.d_norm)
    if config.name == "began":
        return began.autoencoder(tuple(data_shape), code_dim, config.width)
    return conv(tuple(data_shape), code_dim, config.width, config.d_norm)

