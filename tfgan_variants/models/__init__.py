"""Variant classes, one module per family, all on `base.GAN`."""
from tfgan_variants.models.base import GAN
from tfgan_variants.models.divergence import NSGAN
from tfgan_variants.models.ipm import SNGAN, WGANGP, SphereGAN

__all__ = ["GAN", "NSGAN", "SNGAN", "SphereGAN", "WGANGP"]
