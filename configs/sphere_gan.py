"""Sphere GAN (Park & Kwon, CVPR 2019): R = 3 moments, D features projected onto S^1024,
the authors' ConvNet (LayerNorm in D, global average pooling, Dense(1024)), Adam 1e-4
(0, 0.9), one D step per G step, no penalty, no clipping; on cifar10, stl10 and lsun_bedroom
the ResNet.

Where the sources differ: R = 3 is the paper's, where the authors' code
(SWPark92/SphereGAN) sets `moments = 1  # [3] is suggested but [1] is enough`
(--config.hparams.moments=1); the moments are unweighted in both, the default of the code's
`dist_weight_mode`, whose other settings divide the r-th moment by (pi / 3)^r or pi^r
(--config.hparams.moment_weighting=normalization or half).

Usage: --config=configs/sphere_gan.py:<dataset>
(`python train.py` trains configs/sphere_gan_stable.py, this objective on a spectrally
normalised critic: the paper's critic saturates, docs/RESULTS.md.)
"""
from tfgan_variants import config_base, data


def get_config(dataset="fashion_mnist"):
    config = config_base.base_config("sphere_gan", dataset)
    config.hparams.moments = 3
    config.hparams.moment_weighting = "none"
    config.hparams.n_critic = 1
    config.networks.d_out = 1024  # n: the sphere is S^n, embedded in R^(n+1)
    config_base.use_optimizer(config, config_base.adam(1e-4, 0.0, 0.9))
    if dataset in data.DATASETS_2D:
        # LayerNorm as in the paper's D, and the other critics' 2-D rate (wgan_gp, sngan): ring8
        # is covered. grid25 is not (docs/RESULTS.md): LayerNorm after Dense(2 -> width) sees
        # little of a point's distance from the origin, but without it G collapsed on ring8
        # (docs/TUNING.md).
        config.networks.d_norm = "layer"
        config_base.use_optimizer(config, config_base.adam(2e-3, 0.0, 0.9, "linear"))
    elif config.data.name in config_base.PAPER_DATASETS:
        # The ResNet of the reference TF code (taki0112/SphereGAN-Tensorflow):
        # G 256, D 128 channels at 32 px, LayerNorm and LeakyReLU 0.2 in D, global average
        # pooling, Dense(1024); batch 64, Adam 1e-4 (0, 0.9) as above, one D step per G
        # step, its default 10 x 10,000 = 100,000 iterations.
        config_base.paper_resnet(config, d_norm="layer", pooling="global_average",
                                 cifar10_widths=(256, 128), d_activation="leaky_relu")
        config.train.steps = 100_000
    else:
        config.networks.update({"name": "sngan_cnn", "d_norm": "layer",
                                "pooling": "global_average"})
    if dataset in data.KERAS_DATASETS:
        # Sized to finish on a 2-core CPU in about 7 minutes (the benchmarks train width 32 for
        # 3,000 steps). The default run is configs/sphere_gan_stable.py.
        config.networks.width = 16
        config.train.steps = 2000
    return config
