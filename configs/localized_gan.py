"""Localized GAN (Qi et al. 2018, arXiv 1711.06020) with the co-author's settings: N = 32
local coordinates, z ~ N(0, 3^2), theta 0.1 (GAN loss on G(x, 0)), orthonormality weight eta
0.01, and a locality weight of 20 on the per-entry error; this package's locality term is the
squared error summed over the entries (the paper's ||G(x, 0) - x||^2), so mu = 20 / entries.
DCGAN networks (the local generator: DCGAN discriminator stack as encoder, DCGAN generator as
decoder), Adam 2e-4, beta1 0.5. On images J_x is taken along 8 latent axes drawn at every
step, as the co-author's code did (with central differences; forward mode here), and the
penalty is the unbiased estimate of the full one from them: all 32 axes cost 4 times the
generator step (10 s against 1.5 s on this 2-core CPU, two runs at a time).

Usage: --config=configs/localized_gan.py:<dataset>
"""
from tfgan_variants import config_base, data

ENTRIES = {"mnist": 28 * 28, "fashion_mnist": 28 * 28}


def get_config(dataset="fashion_mnist"):
    config = config_base.base_config("localized_gan", dataset)
    config.latent_dim = 32
    config.hparams.update({"sigma": 3.0, "theta": 0.1, "orthonormality_weight": 0.01,
                           "locality_weight": 20.0 / ENTRIES.get(dataset, 32 * 32 * 3),
                           "anchor_count": 256, "jacobian_axes": 8})
    if dataset in data.DATASETS_2D:
        # Local coordinates of the plane: N = 2. With an isometric chart (what the
        # orthonormality term asks) z moves a sample by |z|, so sigma 3 would carry samples
        # across grid25's spacing of 2; sigma 0.05 is the modes' own std. mu 1 on the
        # squared error of 2 entries; J along both axes (exact). The other settings are the
        # 2-D defaults.
        config.latent_dim = 2
        config.hparams.update({"sigma": 0.05, "locality_weight": 1.0, "jacobian_axes": 2})
    return config
