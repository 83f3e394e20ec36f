"""SN-GAN (Miyato et al. 2018): hinge loss, spectral norm on every D layer, the standard CNN
with setting B of Table 1 (Adam 1e-4, beta (0.5, 0.999), n_dis 1) on images.

Usage: --config=configs/sngan.py:<dataset>
"""
from tfgan_variants import config_base


def get_config(dataset="fashion_mnist"):
    config = config_base.base_config("sngan", dataset)
    config.networks.d_norm = "spectral"
    if dataset in config_base.TWO_D:
        # n_dis 5 as in the paper's settings A and D-F; with n_dis 1 and lr 1e-3 the MLP
        # generator collapses to one wandering mode on ring8.
        config.hparams.n_critic = 5
        config_base.use_optimizer(config, config_base.adam(2e-4, 0.5, 0.999, "linear"))
        config.train.steps = 6000
    else:
        config.networks.name = "sngan_cnn"
        config_base.use_optimizer(config, config_base.adam(1e-4, 0.5, 0.999))
    return config
