"""WGAN-GP (Gulrajani et al. 2017): lambda 10, n_critic 5, Adam 1e-4 (0.5, 0.9) as in the
authors' DCGAN scripts (the paper's Algorithm 1 uses beta1 = 0), no BatchNorm in the critic.

Usage: --config=configs/wgan_gp.py:<dataset>
"""
from tfgan_variants import config_base


def get_config(dataset="fashion_mnist"):
    config = config_base.base_config("wgan_gp", dataset)
    config.hparams.gp_weight = 10.0
    config.hparams.n_critic = 5
    lr = 1e-4 if dataset not in config_base.TWO_D else 5e-4
    config.optimizer.g = config_base.adam(lr, 0.5, 0.9)
    config.optimizer.d = config_base.adam(lr, 0.5, 0.9)
    if dataset not in config_base.TWO_D:
        config.networks.d_norm = "layer"
    return config
