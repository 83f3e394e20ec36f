"""The "standard CNN" of SN-GAN (Miyato et al. 2018, Table 3), also Sphere GAN's ConvNet.

G: Dense to a base map of 8w channels (w = width; 4x4x512 at 32 px with w = 64), BatchNorm
+ ReLU, 4x4 stride-2 transposed convolutions to 4w, 2w, w channels with BatchNorm + ReLU,
a 3x3 convolution to the image channels, tanh.
D: blocks [3x3 stride-1 conv, 4x4 stride-2 conv] of widths w, 2w, 4w with LeakyReLU 0.2,
then a 3x3 conv of 8w channels. SN-GAN: spectral norm on every layer, flatten, Dense(1).
Sphere GAN (Park & Kwon 2019, authors' code): LayerNorm after every conv, global average
pooling, Dense(n) with n = 1024 features to be projected onto the sphere.
"""
import keras

from tfgan_variants.errors import ConfigError
from tfgan_variants.networks import common


def generator(latent_dim, image_shape, width=64):
    base, steps = common.upsampling_plan(common.check_square(image_shape))
    z = keras.Input((latent_dim,), name="z")
    x = keras.layers.Dense(base * base * width * 2 ** steps, use_bias=False)(z)
    x = keras.layers.ReLU()(common.normalization("batch")(x))
    x = keras.layers.Reshape((base, base, width * 2 ** steps))(x)
    for i in reversed(range(steps)):
        x = keras.layers.Conv2DTranspose(width * 2 ** i, 4, 2, "same", use_bias=False)(x)
        x = keras.layers.ReLU()(common.normalization("batch")(x))
    x = keras.layers.Conv2D(image_shape[-1], 3, 1, "same")(x)
    images = keras.layers.Activation("tanh", dtype="float32")(x)
    return keras.Model(z, images, name="sngan_cnn_generator")


def discriminator(image_shape, output_dim=1, width=64, norm="spectral", pooling="flatten",
                  dropout=0.0):
    """The critic; `dropout` > 0 adds Dropout after each activation (CT-GAN)."""
    common.check_norm(norm)
    if pooling not in ("flatten", "global_average"):
        raise ConfigError(f"pooling must be 'flatten' or 'global_average', got {pooling!r}")
    _, steps = common.upsampling_plan(common.check_square(image_shape))

    def conv(x, filters, kernel, stride):
        layer = keras.layers.Conv2D(filters, kernel, stride, "same")
        return common.apply(x, common.weight_layer(layer, norm), common.normalization(norm),
                            keras.layers.LeakyReLU(0.2), common.dropout(dropout))

    x = images = keras.Input(image_shape, name="images")
    for i in range(steps):
        x = conv(conv(x, width * 2 ** i, 3, 1), width * 2 ** i, 4, 2)
    x = conv(x, width * 2 ** steps, 3, 1)
    x = (keras.layers.Flatten() if pooling == "flatten" else
         keras.layers.GlobalAveragePooling2D())(x)
    out = common.weight_layer(keras.layers.Dense(output_dim, dtype="float32"), norm)(x)
    return keras.Model(images, out, name="sngan_cnn_discriminator")
