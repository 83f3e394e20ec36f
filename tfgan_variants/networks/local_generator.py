"""The local generator of Localized GAN (Qi et al. 2018, arXiv 1711.06020, Section 3):
G(x, z) = Dec(Enc(x) + z), one `keras.Model` taking [x, z].

Enc maps a sample to an `latent_dim`-vector and Dec maps it back, so G(x, 0) is an
autoencoder of x (which the locality term pulls towards x) and z moves along the local
coordinates of the manifold at x.

* 2-D data (`mlp`): Enc is `depth` Dense+ReLU layers of `width` units and a linear Dense to
  latent_dim; Dec is the MLP generator of `networks.mlp`.
* Images (28x28x1, 32x32x3, any `dcgan`-compatible size): Enc is the DCGAN discriminator's
  convolution stack (4x4 stride 2, synchronised BatchNorm after all but the first,
  LeakyReLU 0.2) with a dense head of latent_dim units; Dec is the DCGAN generator. With
  BatchNorm in training mode G is a function of the whole batch; `local_jacobian` takes each
  row's derivative with the batch statistics held fixed.
"""
import keras

from tfgan_variants.errors import UserError
from tfgan_variants.networks import dcgan, mlp


def _mlp_encoder(data_dim, latent_dim, width, depth):
    x = samples = keras.Input((data_dim,), name="samples")
    for _ in range(depth):
        x = keras.layers.Dense(width, activation="relu")(x)
    codes = keras.layers.Dense(latent_dim, dtype="float32")(x)
    return keras.Model(samples, codes, name="mlp_encoder")


def build(config, data_shape, latent_dim):
    """G(x, z) for data of `data_shape` and z of `latent_dim` from a `config.networks` block."""
    data_shape = tuple(data_shape)
    if len(data_shape) == 1:
        encoder = _mlp_encoder(data_shape[0], latent_dim, config.width, config.depth)
        decoder = mlp.generator(latent_dim, data_shape[0], config.width, config.depth)
    else:
        try:
            encoder = dcgan.discriminator(data_shape, output_dim=latent_dim,
                                          width=config.width, norm="batch")
            decoder = dcgan.generator(latent_dim, data_shape, config.width)
        except ValueError as e:
            raise UserError(f"cannot build a local generator for data of shape {data_shape}: "
                            f"{e}") from None
    x = keras.Input(data_shape, name="x")
    z = keras.Input((latent_dim,), name="z")
    samples = decoder(keras.layers.Add()([encoder(x), z]))
    return keras.Model([x, z], samples, name="local_generator")
