"""MAGAN (Wang et al. 2017): EBGAN's autoencoder energy (per-example L2 error), the
margin set to the mean real energy after pre-training the autoencoder on real data for two
epochs, then adapted after each epoch; Adamax 5e-4 (beta1 0.5).

An "epoch" is `epoch_steps` training steps (models.energy.MAGAN): 938 for the 60,000
Fashion-MNIST / MNIST images at batch 64, 782 for CIFAR-10's 50,000.

Usage: --config=configs/magan.py:<dataset>
"""
import ml_collections

from tfgan_variants import config_base

EPOCH_STEPS = {"mnist": 938, "fashion_mnist": 938, "cifar10": 782}


def adamax(learning_rate, beta_1=0.5, beta_2=0.999, decay="none"):
    return ml_collections.ConfigDict({"name": "adamax", "learning_rate": learning_rate,
                                      "beta_1": beta_1, "beta_2": beta_2, "decay": decay})


def get_config(dataset="fashion_mnist"):
    config = config_base.base_config("magan", dataset)
    config.hparams.update({"epoch_steps": EPOCH_STEPS.get(dataset, 1000), "pretrain_epochs": 2,
                           "margin": 1.0})
    config.networks.code_dim = 64
    config_base.use_optimizer(config, adamax(5e-4))
    if dataset in config_base.TWO_D:
        config.networks.code_dim = 2
        # Pre-training fails on 2-D data: the autoencoder learns the identity of the plane
        # within 250 steps, the mean real energy and so m fall to ~4e-4, and G collapsed
        # (2 / 25 modes after 3,000 steps). Without it, from m = 0.5 (EBGAN's 2-D margin),
        # with 250-step epochs (64,000 points), the adaptation rule takes m down to ~0.03 by
        # step 3,000 (14 / 25 modes); with instance noise s_0 0.5 (configs/ebgan.py): 12 / 0.04
        # (modes / high-quality fraction) after 3,000 steps; s_0 1: 12 / 0.27 after 10,000,
        # m down to 1e-4 as the real energy fell with it. Longer epochs adapt m less often:
        # with s_0 1, after 10,000 steps, 2,000-step epochs: 20 / 0.17; 2,500-step epochs
        # (640,000 points; m 0.5 until step 7,500, then ~0.19): 21 / 0.18 (125 s), kept.
        config.hparams.update({"epoch_steps": 2500, "pretrain_epochs": 0, "margin": 0.5})
        config.train.instance_noise = 1.0
        config_base.use_optimizer(config, adamax(2e-3, decay="linear"))
    return config
