"""BiGAN (Donahue et al. 2016) / ALI (Dumoulin et al. 2016): a deterministic encoder E(x), a
joint discriminator D(x, z), G and E trained together; Adam 2e-4, beta1 0.5 (both papers use
1e-4 or 2e-4 with beta1 0.5); BiGAN's latent size 50 for MNIST-like data.

Usage: --config=configs/bigan.py:<dataset>
"""
from tfgan_variants import config_base, data


def get_config(dataset="fashion_mnist"):
    config = config_base.base_config("bigan", dataset)
    config_base.use_optimizer(config, config_base.adam(2e-4, beta_1=0.5))
    if dataset in data.KERAS_DATASETS:
        config.latent_dim = 50
    if dataset in data.DATASETS_2D:
        # The 2-D defaults (Adam 1e-3 decayed to 0, batch 256, MLPs of width 128), but a 2-D
        # latent space: with 16, the codes E(x) of 2-D data fill a 2-D sheet of R^16 that D tells
        # from N(0, I) by z alone, and G left a diffuse cloud (docs/TUNING.md).
        config.latent_dim = 2
        config_base.use_optimizer(config, config_base.adam(1e-3, decay="linear"))
    return config
