"""tfgan_variants: the GAN family on one TensorFlow 2 / Keras 3 training engine.

`VARIANTS` maps each variant's snake_case name to its `keras.Model` class. Two-network
variants are built as `VARIANTS[name](generator=G, discriminator=D, latent_dim=k, **hparams)`.
"""
import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

from tfgan_variants import models  # noqa: E402

VARIANTS = {
    "ns_gan": models.NSGAN,
    "wgan_gp": models.WGANGP,
    "sngan": models.SNGAN,
    "sphere_gan": models.SphereGAN,
}

__all__ = ["VARIANTS"]
