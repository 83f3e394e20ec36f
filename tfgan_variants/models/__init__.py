"""Variant classes, one module per family, all on `base.GAN`."""
from tfgan_variants.models.base import GAN
from tfgan_variants.models.divergence import FGAN, LSGAN, NSGAN, MinimaxGAN, SoftmaxGAN
from tfgan_variants.models.ipm import DRAGAN, SNGAN, WGAN, WGANCT, WGANGP, WGANLP, SphereGAN
from tfgan_variants.models.mmd import MMDGAN, CramerGAN
from tfgan_variants.models.energy import BEGAN, EBGAN, MAGAN, LossSensitiveGAN
from tfgan_variants.models.autoencoding import BiGAN, VAEGAN
from tfgan_variants.models.infogan import InfoGAN
from tfgan_variants.models.localized import LocalizedGAN

__all__ = ["CramerGAN", "DRAGAN", "FGAN", "GAN", "LSGAN", "MinimaxGAN", "MMDGAN", "NSGAN",
           "SNGAN", "SoftmaxGAN", "SphereGAN", "WGAN", "WGANCT", "WGANGP", "WGANLP",
           "BiGAN", "VAEGAN", "BEGAN", "EBGAN", "MAGAN", "LossSensitiveGAN",
           "InfoGAN", "LocalizedGAN"]
