"""Softmax GAN (Lin 2017, arXiv 1704.06191): softmax cross-entropy over the batch, D's
output an energy; the DCGAN networks and Adam 2e-4, beta1 0.5 the paper builds on.

The generator's loss needs D's energies on real data: a step's batch holds one slice for
the discriminator and one for the generator, so each update sees half of data.batch_size.

Usage: --config=configs/softmax_gan.py:<dataset>
"""
from tfgan_variants import config_base


def get_config(dataset="fashion_mnist"):
    config = config_base.base_config("softmax_gan", dataset)
    if dataset in config_base.TWO_D:
        # Instance noise, std 0.5 annealed to 0 (Sonderby et al. 2016): on grid25 in the
        # shared 10k-step budget 13/25 modes without it, 21/25 (0.70 high quality) with it.
        # Tried and worse: lr 2e-4 (10), 5e-4 (17), 2e-3 (19), n_critic 2 (12), noise 1.0 (20).
        config.train.instance_noise = 0.5
    return config
