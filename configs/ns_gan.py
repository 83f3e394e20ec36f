"""Non-saturating GAN (Goodfellow et al. 2014) with DCGAN networks: Adam 2e-4, beta1 0.5.

Usage: --config=configs/ns_gan.py:<dataset>
"""
from tfgan_variants import config_base


def get_config(dataset="fashion_mnist"):
    return config_base.base_config("ns_gan", dataset)
