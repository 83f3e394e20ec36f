"""MAGAN (Wang et al. 2017): EBGAN's autoencoder energy (per-example L2 error), the
margin set to the mean real energy after pre-training the autoencoder on real data for two
epochs, then adapted after each epoch; Adamax 5e-4 (beta1 0.5).

An "epoch" is `epoch_steps` training steps (models.energy.MAGAN): 938 for the 60,000
Fashion-MNIST / MNIST images at batch 64, 782 for CIFAR-10's 50,000.

Usage: --config=configs/magan.py:<dataset>
"""
import ml_collections

from tfgan_variants import config_base, data

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
    if dataset in data.DATASETS_2D:
        config.networks.code_dim = 2
        # No pre-training: on 2-D data the autoencoder learns the plane's identity within 250
        # steps and m falls to ~4e-4. m starts at EBGAN's 2-D margin, 0.5, and 2,500-step epochs
        # adapt it rarely, as shorter ones drove it to ~0; instance noise s_0 1 as EBGAN's
        # (docs/TUNING.md).
        config.hparams.update({"epoch_steps": 2500, "pretrain_epochs": 0, "margin": 0.5})
        config.train.instance_noise = 1.0
        config_base.use_optimizer(config, adamax(2e-3, decay="linear"))
    return config
