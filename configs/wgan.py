"""WGAN with weight clipping (Arjovsky et al. 2017) as in the authors' code: clip 0.01,
n_critic 5, RMSProp 5e-5, batch 64, DCGAN networks with BatchNorm in the critic, and the
warm-up schedule of 100 critic updates for the first 25 generator updates and every 500th
(`critic_warmup`; how the engine runs it, and what it approximates: `models.warmup`).

Usage: --config=configs/wgan.py:<dataset>
"""
from tfgan_variants import config_base, data


def get_config(dataset="fashion_mnist"):
    config = config_base.base_config("wgan", dataset)
    config.hparams.update({"clip_value": 0.01, "n_critic": 5, "critic_warmup": True})
    lr, decay = 5e-5, "none"
    if dataset in data.DATASETS_2D:
        # The family's 2-D learning rate with linear decay. Neither it nor 5e-5 learns grid25: a
        # clipped 3 x 128 critic forms one smooth bump, and G a near-uniform cloud (docs/TUNING.md).
        lr, decay = 5e-4, "linear"
    config_base.use_optimizer(config, config_base.rmsprop(lr, decay=decay))
    return config
