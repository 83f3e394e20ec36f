"""SN-GAN (Miyato et al. 2018): hinge loss, spectral norm on every D layer, the standard CNN
with setting B of Table 1 (Adam 1e-4, beta (0.5, 0.999), n_dis 1) on images; on cifar10,
stl10 and lsun_bedroom the paper's ResNet and its settings.

Usage: --config=configs/sngan.py:<dataset>
"""
from tfgan_variants import config_base, data


def get_config(dataset="fashion_mnist"):
    config = config_base.base_config("sngan", dataset)
    config.networks.d_norm = "spectral"
    if dataset in data.DATASETS_2D:
        # n_dis 5 as in the paper's settings A and D-F (with n_dis 1 G collapsed on ring8). A
        # spectrally normalised MLP is at most 1-Lipschitz, so the hinge stays linear and D moves
        # G's samples as slowly as a WGAN critic: lr 2e-3, as 2e-4 left them spread over grid25's
        # square (docs/TUNING.md).
        config.hparams.n_critic = 5
        config_base.use_optimizer(config, config_base.adam(2e-3, 0.5, 0.999, "linear"))
        config.train.steps = 6000
    elif config.data.name in config_base.PAPER_DATASETS:
        # The ResNets of Tables 4 (CIFAR-10: G 256, D 128 channels) and 5 (STL-10), D with
        # global sum pooling; Appendix B and the authors' sn_cifar10_unconditional.yml:
        # Adam 2e-4 (0, 0.9) decayed linearly to 0, n_dis 5, D batch 64, G batch 128,
        # 50,000 generator updates. The paper has no LSUN run: the same settings, with the
        # authors' 64 px ResNet (sngan_projection resnet_64 / snresnet_64).
        config_base.paper_resnet(config, d_norm="spectral", pooling="sum",
                                 cifar10_widths=(256, 128))
        config_base.use_optimizer(config, config_base.adam(2e-4, 0.0, 0.9, "linear"))
        config.hparams.update({"n_critic": 5, "generator_batch_multiplier": 2})
        config.train.steps = 50_000
    else:
        config.networks.name = "sngan_cnn"
        config_base.use_optimizer(config, config_base.adam(1e-4, 0.5, 0.999))
    return config
