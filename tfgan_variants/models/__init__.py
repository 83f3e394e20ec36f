"""Variant classes, one module per family, all on `base.GAN`."""
from tfgan_variants.models.base import GAN
from tfgan_variants.models.divergence import FGAN, LSGAN, NSGAN, MinimaxGAN, SoftmaxGAN
from tfgan_variants.models.ipm import DRAGAN, SNGAN, WGAN, WGANCT, WGANGP, WGANLP, SphereGAN
from tfgan_variants.models.mmd import MMDGAN, CramerGAN

__all__ = ["CramerGAN", "DRAGAN", "FGAN", "GAN", "LSGAN", "MinimaxGAN", "MMDGAN", "NSGAN",
           "SNGAN", "SoftmaxGAN", "SphereGAN", "WGAN", "WGANCT", "WGANGP", "WGANLP"]
