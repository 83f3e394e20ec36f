"""Networks of the autoencoding variants (BiGAN / ALI and VAE-GAN), built from a
`config.networks` block like the generator and discriminator of `networks.build`.

* `encoder`: data -> `output_dim` values. An MLP for 2-D data; for 28x28x1 and 32x32x3 images
  the DCGAN discriminator's downsampling stack (4x4 stride-2 convolutions, synchronised
  BatchNorm after all but the first, LeakyReLU 0.2) and a dense head, as the BiGAN and
  VAE-GAN encoders (Donahue et al. 2016, arXiv 1605.09782, Section 4; Larsen et al. 2016,
  arXiv 1512.09300, Section 5).
* `joint_discriminator`: D(x, z) on pairs (Donahue et al. 2016, Section 3; Dumoulin et al.
  2016, arXiv 1606.00704, Section 2): x through the discriminator's stack (an MLP or the
  convolutions), z through a dense layer, the two concatenated and a joint MLP to one logit.
* `feature_discriminator`: the discriminator of `networks.build` returning (D_l(x), logit),
  D_l its penultimate layer, for VAE-GAN's learned similarity (Larsen et al. 2016, Eq. 6-7).
"""
import keras

from tfgan_variants import networks
from tfgan_variants.networks import common


def _image_features(x, width, norm, dropout, first_norm=False):
    """The DCGAN discriminator's convolution stack, flattened."""
    _, steps = common.upsampling_plan(common.check_square(tuple(x.shape[1:])))
    for i in range(steps):
        conv = keras.layers.Conv2D(width * 2 ** i, 4, 2, "same")
        x = common.apply(x, common.weight_layer(conv, norm),
                         common.normalization(norm) if (i > 0 or first_norm) else None,
                         keras.layers.LeakyReLU(0.2), common.dropout(dropout))
    return keras.layers.Flatten()(x)


def _dense_features(x, width, depth, norm, dropout):
    """Dense layers with LeakyReLU 0.2 (the MLP discriminator's hidden stack)."""
    for _ in range(depth):
        x = common.weight_layer(keras.layers.Dense(width), norm)(x)
        if norm == "layer":
            x = keras.layers.LayerNormalization()(x)
        x = common.apply(x, keras.layers.LeakyReLU(0.2), common.dropout(dropout))
    return x


def encoder(config, data_shape, output_dim):
    """E: data of `data_shape` -> [batch, output_dim] (a code, or (mu, log var) stacked).
    Call after `networks.build` has checked `config` against the data."""
    x = samples = keras.Input(tuple(data_shape), name="samples")
    if len(data_shape) == 1:
        x = _dense_features(x, config.width, config.depth, "none", 0.0)
    else:
        x = _image_features(x, config.width, "batch", 0.0)
    out = keras.layers.Dense(output_dim, dtype="float32")(x)
    return keras.Model(samples, out, name="encoder")


def joint_discriminator(config, data_shape, latent_dim):
    """D(x, z) -> one logit per pair, called as `D([x, z])`. Call after `networks.build`."""
    norm = config.d_norm
    dropout = config.get("d_dropout", 0.0)
    samples = keras.Input(tuple(data_shape), name="samples")
    z = keras.Input((latent_dim,), name="z")
    if len(data_shape) == 1:
        x_features = _dense_features(samples, config.width, 1, norm, dropout)
        width, depth = config.width, max(config.depth - 1, 1)
    else:
        x_features = _image_features(samples, config.width, norm, dropout)
        width, depth = config.width * 8, 2
    z_features = _dense_features(z, width, 1, "none" if norm == "batch" else norm, dropout)
    joint = keras.layers.Concatenate()([x_features, z_features])
    joint = _dense_features(joint, width, depth, "none" if norm == "batch" else norm, dropout)
    out = common.weight_layer(keras.layers.Dense(1, dtype="float32"), norm)(joint)
    return keras.Model([samples, z], out, name="joint_discriminator")


def feature_discriminator(config, data_shape, latent_dim):
    """(G, D) of `networks.build`, with D returning (D_l(x), logit): D_l = the input of its
    output layer (the last hidden layer of the MLP, the flattened convolutions)."""
    generator, discriminator = networks.build(config, data_shape, latent_dim)
    features = keras.Model(discriminator.inputs[0],  # one input, not a list of one
                           [discriminator.layers[-1].input, discriminator.outputs[0]],
                           name=f"{discriminator.name}_with_features")
    return generator, features
