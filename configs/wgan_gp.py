"""WGAN-GP (Gulrajani et al. 2017): lambda 10, n_critic 5, Adam 1e-4 (0.5, 0.9) as in the
authors' DCGAN scripts (the paper's Algorithm 1 uses beta1 = 0), no BatchNorm in the critic;
on cifar10, stl10 and lsun_bedroom the authors' ResNet runs (`config_base.wgan_gp_resnet`).

Usage: --config=configs/wgan_gp.py:<dataset>
"""
from tfgan_variants import config_base, data


def get_config(dataset="fashion_mnist"):
    config = config_base.base_config("wgan_gp", dataset)
    config.hparams.gp_weight = 10.0
    config.hparams.n_critic = 5
    two_d = dataset in data.DATASETS_2D
    lr, decay = (2e-3, "linear") if two_d else (1e-4, "none")
    config_base.use_optimizer(config, config_base.adam(lr, 0.5, 0.9, decay))
    if two_d:
        # The authors' toy script (gan_toy.py): "Smaller lambda seems to help for toy tasks"; at
        # 10 the critic is too smooth for ring8's 0.01-std modes. lr 2e-3 (above): a critic near
        # 1-Lipschitz moves G's samples slowly, and 5e-4 left them spread over grid25's square
        # (docs/TUNING.md; the sweep: docs/RESULTS.md).
        config.hparams.gp_weight = 1.0
    elif config.data.name in config_base.PAPER_DATASETS:
        config_base.wgan_gp_resnet(config)
    else:
        config.networks.d_norm = "layer"
    return config
