"""DCGAN-style generator and discriminator (Radford et al. 2016, arXiv 1511.06434).

G: Dense to a base feature map, BatchNorm + ReLU, 4x4 stride-2 transposed convolutions
halving the width each time, tanh. D: 4x4 stride-2 convolutions doubling the width, LeakyReLU
0.2, the chosen normalisation after all but the first, optional dropout after each
activation (CT-GAN's critic), a dense head of `output_dim` units.
Image sizes 28, 32, 48 and 64 (any size 2^k times a base of 4 to 7). With num_classes > 0,
G takes [z, label] with class-conditional BatchNorm and D [images, label] with the projection
head (`common.output_head`).
"""
import keras

from tfgan_variants.networks import common


def generator(latent_dim, image_shape, width=64, num_classes=0):
    size = common.check_square(image_shape)
    base, steps = common.upsampling_plan(size)
    z, label = keras.Input((latent_dim,), name="z"), common.label_input(num_classes)
    batch_norm = common.generator_batch_norm(label, num_classes)
    x = keras.layers.Dense(base * base * width * 2 ** steps, use_bias=False)(z)
    x = keras.layers.ReLU()(batch_norm(x))
    x = keras.layers.Reshape((base, base, width * 2 ** steps))(x)
    for i in reversed(range(1, steps)):
        x = keras.layers.Conv2DTranspose(width * 2 ** i, 4, 2, "same", use_bias=False)(x)
        x = keras.layers.ReLU()(batch_norm(x))
    x = keras.layers.Conv2DTranspose(image_shape[-1], 4, 2, "same")(x)
    images = keras.layers.Activation("tanh", dtype="float32")(x)
    return keras.Model(common.model_inputs(z, label), images, name="dcgan_generator")


def discriminator(image_shape, output_dim=1, width=64, norm="batch", dropout=0.0,
                  num_classes=0):
    common.check_norm(norm)
    _, steps = common.upsampling_plan(common.check_square(image_shape))
    x = images = keras.Input(image_shape, name="images")
    label = common.label_input(num_classes)
    for i in range(steps):
        conv = keras.layers.Conv2D(width * 2 ** i, 4, 2, "same")
        x = common.apply(x, common.weight_layer(conv, norm),
                         common.normalization(norm) if i > 0 else None,
                         keras.layers.LeakyReLU(0.2), common.dropout(dropout))
    x = keras.layers.Flatten()(x)
    out = common.output_head(x, label, output_dim, norm, num_classes)
    return keras.Model(common.model_inputs(images, label), out, name="dcgan_discriminator")
