"""tfgan_variants: the GAN family on one TensorFlow 2 / Keras 3 training engine.

`VARIANTS` maps each variant's snake_case name to its `keras.Model` class. Two-network
variants are built as `VARIANTS[name](generator=G, discriminator=D, latent_dim=k, **hparams)`.
"""
import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

from tfgan_variants import models  # noqa: E402

VARIANTS = {
    "gan": models.MinimaxGAN,
    "ns_gan": models.NSGAN,
    "lsgan": models.LSGAN,
    "softmax_gan": models.SoftmaxGAN,
    "fgan": models.FGAN,
    "wgan": models.WGAN,
    "wgan_gp": models.WGANGP,
    "wgan_lp": models.WGANLP,
    "wgan_ct": models.WGANCT,
    "dragan": models.DRAGAN,
    "sngan": models.SNGAN,
    "sphere_gan": models.SphereGAN,
    "mmd_gan": models.MMDGAN,
    "cramer_gan": models.CramerGAN,
    "ebgan": models.EBGAN,
    "began": models.BEGAN,
    "magan": models.MAGAN,
    "loss_sensitive_gan": models.LossSensitiveGAN,
    "vae_gan": models.VAEGAN,
    "bigan": models.BiGAN,
    "infogan": models.InfoGAN,
    "localized_gan": models.LocalizedGAN,
}

__all__ = ["VARIANTS"]
