"""LSGAN (Mao et al. 2017, arXiv 1611.04076): least squares losses with the 0-1-1 coding
(Eq. 9; "-1-1-0" selects Eq. 8), DCGAN-style networks, Adam with beta1 0.5 as in the paper.

Usage: --config=configs/lsgan.py:<dataset>
"""
from tfgan_variants import config_base


def get_config(dataset="fashion_mnist"):
    config = config_base.base_config("lsgan", dataset)
    config.hparams.coding = "0-1-1"
    if dataset in config_base.TWO_D:
        # On grid25 in the shared 10k-step budget: 14/25 modes as is (-1-1-0: 14, lr 2e-4:
        # 14), 19 with n_critic 2, 22 with instance noise of std 0.5 annealed to 0
        # (Sonderby et al. 2016), 24 (0.84 high quality) with both.
        config.hparams.n_critic = 2
        config.train.instance_noise = 0.5
    return config
