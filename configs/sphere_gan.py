"""Sphere GAN (Park & Kwon, CVPR 2019): R = 3 moments, D features projected onto S^1024,
the authors' ConvNet (LayerNorm in D, global average pooling, Dense(1024)), Adam 1e-4
(0, 0.9), one D step per G step, no penalty, no clipping.

Usage: --config=configs/sphere_gan.py:<dataset>   (the default run: fashion_mnist)
"""
from tfgan_variants import config_base


def get_config(dataset="fashion_mnist"):
    config = config_base.base_config("sphere_gan", dataset)
    config.hparams.moments = 3
    config.networks.d_out = 1024  # n: the sphere is S^n, embedded in R^(n+1)
    config_base.use_optimizer(config, config_base.adam(1e-4, 0.0, 0.9))
    if dataset in config_base.TWO_D:
        config.networks.d_norm = "layer"
        config_base.use_optimizer(config, config_base.adam(5e-4, 0.0, 0.9, "linear"))
    else:
        config.networks.update({"name": "sngan_cnn", "d_norm": "layer",
                                "pooling": "global_average"})
    if dataset in config_base.GRAYSCALE_28:
        # The default run: sized to finish on a 2-core CPU in about 10 minutes.
        config.networks.width = 16
        config.train.steps = 2000
    return config
