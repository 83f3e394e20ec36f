"""tfgan_variants: the GAN family on one TensorFlow 2 / Keras 3 training engine.

`VARIANTS`, the registry, maps each variant's snake_case name (`config.variant`) to its
`keras.Model` class in its family's module of `tfgan_variants.models`. A variant is its class,
its config (`configs/<name>.py`) and its line here; the tests, the command line and the
benchmarks take the list from this registry. `SEMI_SUPERVISED` names the semi-supervised
classifiers (`configs/semi_supervised.py`), which train on the same engine; `MODELS` is
every name `config.variant` may take.
"""
import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

from tfgan_variants.models import (  # noqa: E402
    autoencoding, divergence, energy, infogan, ipm, localized, mmd, semi_supervised)

VARIANTS = {
    "gan": divergence.MinimaxGAN,
    "ns_gan": divergence.NSGAN,
    "lsgan": divergence.LSGAN,
    "softmax_gan": divergence.SoftmaxGAN,
    "fgan": divergence.FGAN,
    "wgan": ipm.WGAN,
    "wgan_gp": ipm.WGANGP,
    "wgan_lp": ipm.WGANLP,
    "wgan_ct": ipm.WGANCT,
    "dragan": ipm.DRAGAN,
    "sngan": ipm.SNGAN,
    "sphere_gan": ipm.SphereGAN,
    "sphere_gan_stable": ipm.SphereGANStable,
    "mmd_gan": mmd.MMDGAN,
    "cramer_gan": mmd.CramerGAN,
    "ebgan": energy.EBGAN,
    "began": energy.BEGAN,
    "magan": energy.MAGAN,
    "loss_sensitive_gan": energy.LossSensitiveGAN,
    "vae_gan": autoencoding.VAEGAN,
    "bigan": autoencoding.BiGAN,
    "infogan": infogan.InfoGAN,
    "localized_gan": localized.LocalizedGAN,
}

SEMI_SUPERVISED = {
    "labels_only": semi_supervised.LabelsOnly,
    "improved_gan": semi_supervised.ImprovedGAN,
    "localized_gan_ssl": semi_supervised.LocalizedSemiSupervisedGAN,
}

MODELS = {**VARIANTS, **SEMI_SUPERVISED}

__all__ = ["MODELS", "SEMI_SUPERVISED", "VARIANTS"]
