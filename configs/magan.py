"""MAGAN (Wang et al. 2017): EBGAN's autoencoder energy (per-example L2 error), the
margin set to the mean real energy after pre-training the autoencoder on real data for two
epochs, then adapted after each epoch; Adamax 5e-4 (beta1 0.5).

An "epoch" is `epoch_steps` training steps (models.energy.MAGAN): 250 on images, not the
dataset's 938 (60,000 images at batch 64), so that the margin adapts within the 3,000-step
budget: at 938 pre-training took 1,876 steps and the first comparison fell after the last
step (FID 227 against 53.5; docs/TUNING.md). The paper trains 200 epochs.

Usage: --config=configs/magan.py:<dataset>
"""
import ml_collections

from tfgan_variants import config_base, data
from tfgan_variants.models import energy

#: Steps per margin epoch on images (above).
EPOCH_STEPS = 250


def adamax(learning_rate, beta_1=0.5, beta_2=0.999, decay="none"):
    return ml_collections.ConfigDict({"name": "adamax", "learning_rate": learning_rate,
                                      "beta_1": beta_1, "beta_2": beta_2, "decay": decay})


def get_config(dataset="fashion_mnist"):
    config = config_base.base_config("magan", dataset)
    config.hparams.update({"epoch_steps": EPOCH_STEPS, "pretrain_epochs": 2,
                           "margin": 1.0})
    config.networks.code_dim = 64
    config_base.use_optimizer(config, adamax(5e-4))
    if dataset in data.DATASETS_2D:
        # EBGAN's 2-D setting (margin, instance noise, 2-d code, two D updates per G update,
        # Adam 2e-3 decayed to 0): with Adamax at that rate G stayed in the wells of the modes
        # it took early, on the square's border, and covered 15 to 19 of grid25's modes. No
        # pre-training: on 2-D data the autoencoder learns the plane's identity within 250
        # steps and m falls to ~4e-4. m starts at EBGAN's 2-D margin, and 2,500-step epochs
        # adapt it rarely, as shorter ones drove it to ~0 (docs/TUNING.md).
        energy.use_mixture_setting(config, dataset)
        config.hparams.update({"epoch_steps": 2500, "pretrain_epochs": 0})
    return config
