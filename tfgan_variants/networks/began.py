"""BEGAN's convolutional networks (Berthelot et al. 2017, arXiv 1703.10717, Section 3.5, Fig. 1).

* The decoder, which is also the generator: a linear dense map to a base x base x n map,
  then, per resolution, two 3x3 convolutions with ELU and a 2x nearest-neighbour upsampling
  (none after the last resolution), and a linear 3x3 convolution to the image channels. No
  batch normalisation and no tanh, as in the paper.
* The encoder: a 3x3 convolution with ELU, then, per resolution, two 3x3 convolutions with ELU
  whose width grows linearly (n, 2n, 3n, ...) and a stride-2 3x3 convolution with ELU to
  downsample (none at the last resolution), then a linear dense map to the code h.
* `discriminator`: the encoder with an `output_dim` head, for the other variants.
* `autoencoder`: `images -> [reconstruction, code]`, the shape the energy family expects
  (`networks.autoencoder`).

The base map is the paper's 8 x 8 where the size allows (`plan`: 32 -> 8 with two
upsamplings, 64 -> 8 with three, 28 -> 7 with two, 48 -> 12 with two); the paper's 64 px
model has n = 128 and h = 64.
"""
import keras

from tfgan_variants.errors import ConfigError
from tfgan_variants.networks import common


def plan(image_shape):
    """(base size, number of 2x upsamplings), the base as small as possible but >= 7."""
    return common.upsampling_plan(common.check_square(image_shape), smallest_base=7)


def _conv(filters, strides=1, activation="elu"):
    return keras.layers.Conv2D(filters, 3, strides, "same", activation=activation)


def decoder(input_dim, image_shape, width=64, name="began_generator"):
    """`input_dim`-vectors -> images of `image_shape`, BEGAN's G / decoder."""
    base, steps = plan(image_shape)
    inputs = keras.Input((input_dim,), name="z")
    x = keras.layers.Dense(base * base * width)(inputs)
    x = keras.layers.Reshape((base, base, width))(x)
    for i in range(steps + 1):
        x = _conv(width)(_conv(width)(x))
        if i < steps:
            x = keras.layers.UpSampling2D(2, interpolation="nearest")(x)
    images = _conv(image_shape[-1], activation=None)(x)
    images = keras.layers.Activation("linear", dtype="float32", name="images")(images)
    return keras.Model(inputs, images, name=name)


def generator(latent_dim, image_shape, width=64):
    return decoder(latent_dim, image_shape, width)


def encoder(image_shape, code_dim, width=64):
    """images -> codes [batch, code_dim], BEGAN's encoder."""
    _, steps = plan(image_shape)
    images = keras.Input(image_shape, name="images")
    x = _conv(width)(images)
    for i in range(steps + 1):
        filters = width * (i + 1)
        x = _conv(filters)(_conv(filters)(x))
        if i < steps:
            x = _conv(filters, strides=2)(x)
    x = keras.layers.Flatten()(x)
    code = keras.layers.Dense(code_dim, dtype="float32", name="code")(x)
    return keras.Model(images, code, name="began_encoder")


def discriminator(image_shape, output_dim=1, width=64, norm="none", dropout=0.0):
    """BEGAN's encoder with a linear head of `output_dim` units, for variants whose critic is
    not an autoencoder; BEGAN uses no normalisation and no dropout, so neither is offered."""
    if norm != "none" or dropout:
        raise ConfigError(f"the 'began' architecture has no normalisation or dropout, got "
                         f"norm {norm!r} and dropout {dropout}")
    return encoder(image_shape, output_dim, width)


def autoencoder(image_shape, code_dim, width=64):
    """images -> [reconstruction, code]: BEGAN's discriminator."""
    images = keras.Input(image_shape, name="images")
    code = encoder(image_shape, code_dim, width)(images)
    reconstruction = decoder(code_dim, image_shape, width, name="began_decoder")(code)
    reconstruction = keras.layers.Identity(dtype="float32", name="reconstruction")(reconstruction)
    return keras.Model(images, [reconstruction, code], name="began_autoencoder")
