"""The "standard CNN" of SN-GAN (Miyato et al. 2018, Table 3), also Sphere GAN's ConvNet.

G: Dense to a base map of 8w channels (w = width; 4x4x512 at 32 px with w = 64), BatchNorm
+ ReLU, 4x4 stride-2 transposed convolutions to 4w, 2w, w channels with BatchNorm + ReLU,
a 3x3 convolution to the image channels, tanh.
D: blocks [3x3 stride-1 conv, 4x4 stride-2 conv] of widths w, 2w, 4w with LeakyReLU 0.2,
then a 3x3 conv of 8w channels. SN-GAN: spectral norm on every layer, flatten, Dense(1).
Sphere GAN (Park & Kwon 2019, authors' code): LayerNorm after every conv, global average
pooling, Dense(n) with n = 1024 features to be projected onto the sphere.
With num_classes > 0, G takes [z, label] with class-conditional BatchNorm and D [images,
label] with the projection head (`common.output_head`), as the projection paper's networks.
"""
import keras

from tfgan_variants.errors import ConfigError
from tfgan_variants.networks import common


def generator(latent_dim, image_shape, width=64, num_classes=0):
    base, steps = common.upsampling_plan(common.check_square(image_shape))
    z, label = keras.Input((latent_dim,), name="z"), common.label_input(num_classes)
    batch_norm = common.generator_batch_norm(label, num_classes)
    x = keras.layers.Dense(base * base * width * 2 ** steps, use_bias=False)(z)
    x = keras.layers.ReLU()(batch_norm(x))
    x = keras.layers.Reshape((base, base, width * 2 ** steps))(x)
    for i in reversed(range(steps)):
        x = keras.layers.Conv2DTranspose(width * 2 ** i, 4, 2, "same", use_bias=False)(x)
        x = keras.layers.ReLU()(batch_norm(x))
    x = keras.layers.Conv2D(image_shape[-1], 3, 1, "same")(x)
    images = keras.layers.Activation("tanh", dtype="float32")(x)
    return keras.Model(common.model_inputs(z, label), images, name="sngan_cnn_generator")


def discriminator(image_shape, output_dim=1, width=64, norm="spectral", pooling="flatten",
                  dropout=0.0, num_classes=0):
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
    label = common.label_input(num_classes)
    for i in range(steps):
        x = conv(conv(x, width * 2 ** i, 3, 1), width * 2 ** i, 4, 2)
    x = conv(x, width * 2 ** steps, 3, 1)
    x = (keras.layers.Flatten() if pooling == "flatten" else
         keras.layers.GlobalAveragePooling2D())(x)
    out = common.output_head(x, label, output_dim, norm, num_classes)
    return keras.Model(common.model_inputs(images, label), out, name="sngan_cnn_discriminator")
