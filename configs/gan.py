"""Minimax GAN (Goodfellow et al. 2014, arXiv 1406.2661, Eq. 1): the saturating generator
loss log(1 - sigma(D(G(z)))). The paper trained maxout MLPs with SGD and momentum; as for
ns_gan we use the DCGAN networks and Adam 2e-4, beta1 0.5 (Radford et al. 2015).

Usage: --config=configs/gan.py:<dataset>
"""
from tfgan_variants import config_base, data


def get_config(dataset="fashion_mnist"):
    config = config_base.base_config("gan", dataset)
    if dataset in data.DATASETS_2D:
        # Instance noise, std 0.5 annealed to 0 (Sonderby et al. 2016): grid25's modes (std 0.05)
        # and G's samples barely overlap, and without it G spreads between them (docs/TUNING.md).
        config.train.instance_noise = 0.5
    return config
