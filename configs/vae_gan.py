"""VAE-GAN (Larsen et al. 2016): encoder E(x) -> (mu, log var), decoder = G, the learned
similarity on the discriminator's last hidden layer; RMSProp 3e-4 (the paper). gamma (the
weight of L_llike in the decoder's loss) has no single value in the paper; 1 here.

Usage: --config=configs/vae_gan.py:<dataset>
"""
from tfgan_variants import config_base


def get_config(dataset="fashion_mnist"):
    config = config_base.base_config("vae_gan", dataset)
    config.hparams.update({"gamma": 1.0, "non_saturating": True})
    config_base.use_optimizer(config, config_base.rmsprop(3e-4))
    if dataset in config_base.TWO_D:
        # grid25, 3,000 steps: latent 16 and RMSProp 3e-4 covered 19/25 modes, 2% of samples
        # within 3 std of a mode (a diffuse cloud); latent 2, 22/25 and 3%; latent 2 with the
        # other variants' 2-D optimizer (Adam 1e-3 decayed to 0), 25/25 and 13%.
        config.latent_dim = 2
        config_base.use_optimizer(config, config_base.adam(1e-3, decay="linear"))
    return config
