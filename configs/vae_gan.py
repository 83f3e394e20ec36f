"""VAE-GAN (Larsen et al. 2016): encoder E(x) -> (mu, log var), decoder = G, the learned
similarity on the discriminator's last hidden layer; RMSProp 3e-4 (the paper). gamma, the
weight of L_llike in the decoder's loss, has no value in the paper; the authors' code weights
the reconstruction 1e-6 to 5e-5 against the GAN term (`recon_vs_gan_weight`). 1e-3 here on
images, where gamma 1 left a VAE in feature space with noisy samples (docs/TUNING.md).
Usage: --config=configs/vae_gan.py:<dataset>
"""
from tfgan_variants import config_base, data


def get_config(dataset="fashion_mnist"):
    config = config_base.base_config("vae_gan", dataset)
    config.hparams.update({"gamma": 1e-3, "non_saturating": True})
    config_base.use_optimizer(config, config_base.rmsprop(3e-4))
    if dataset in data.DATASETS_2D:
        # A 2-d latent space and the other variants' 2-D optimizer (Adam 1e-3 decayed to 0): with
        # latent 16 and RMSProp, G left a diffuse cloud over grid25. gamma 1, as tuned there
        # (docs/TUNING.md).
        config.latent_dim = 2
        config.hparams.gamma = 1.0
        config_base.use_optimizer(config, config_base.adam(1e-3, decay="linear"))
    return config
