"""LSGAN (Mao et al. 2017, arXiv 1611.04076): least squares losses with the 0-1-1 coding
(Eq. 9; "-1-1-0" selects Eq. 8), DCGAN-style networks, Adam 2e-4 with beta1 0.5 as in the
paper. On images the squares act on sigma(D(x)) (`output` "sigmoid", compare_gan's
least-squares loss, with which Lucic et al. 2018 compare LSGAN); the paper's linear output is
--config.hparams.output=linear.

Usage: --config=configs/lsgan.py:<dataset>
"""
from tfgan_variants import config_base, data


def get_config(dataset="fashion_mnist"):
    config = config_base.base_config("lsgan", dataset)
    config.hparams.coding = "0-1-1"
    if dataset in data.DATASETS_2D:
        # n_critic 2 and instance noise, std 0.5 annealed to 0 (Sonderby et al. 2016): without
        # them grid25 stays at 14 modes; each helps, both together most (docs/TUNING.md).
        config.hparams.n_critic = 2
        config.train.instance_noise = 0.5
    else:
        # A linear D's output, and with it G's gradient 2 (D - c) D', is unbounded: at 2e-4
        # the samples were rough with checkerboard noise after 3,000 updates (FID 74; 124 at
        # 1e-4, 44 ± 6 at 4e-4 over three seeds); on sigma(D) FID 37 ± 4 (docs/TUNING.md).
        config.hparams.output = "sigmoid"
    return config
