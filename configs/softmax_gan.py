"""Softmax GAN (Lin 2017, arXiv 1704.06191): softmax cross-entropy over the batch, D's
output an energy; the DCGAN networks and Adam 2e-4, beta1 0.5 the paper builds on.

The generator's loss needs D's energies on real data, so a step loads data.batch_size *
real_slices rows (n_critic + 1; `training.Run.dataset`): each discriminator update and the
generator update get a slice of data.batch_size rows of their own.

Usage: --config=configs/softmax_gan.py:<dataset>
"""
from tfgan_variants import config_base, data


def get_config(dataset="fashion_mnist"):
    config = config_base.base_config("softmax_gan", dataset)
    if dataset in data.DATASETS_2D:
        # Instance noise, std 0.5 annealed to 0 (Sonderby et al. 2016): it lifts grid25 from 13 to
        # 21 modes; other rates, n_critic 2 and noise 1.0 did worse (docs/TUNING.md).
        config.train.instance_noise = 0.5
    return config
