"""InfoGAN (Chen et al. 2016, arXiv 1606.03657, Appendix C.1): NS-GAN losses, lambda 1, one
categorical code Cat(10), two continuous codes U(-1, 1), 62 noise variables (latent_dim 74 =
62 + 10 + 2, read as in `models/infogan.py`), Adam beta1 0.5 with lr 2e-4 for D (and Q) and
1e-3 for G, batch 128; the DCGAN networks of this package with the Q head on D's features.
On MNIST and Fashion-MNIST the config takes G at D's rate and lambda 0.2 (below).

Usage: --config=configs/infogan.py:<dataset>
"""
from tfgan_variants import config_base, data


def get_config(dataset="fashion_mnist"):
    config = config_base.base_config("infogan", dataset)
    config.hparams.update({"information_weight": 1.0})
    config.networks.update({"categories": 10, "continuous_codes": 2, "q_width": 128})
    config.latent_dim = 62 + 10 + 2
    config.data.batch_size = 128
    config.optimizer.g = config_base.adam(1e-3)
    config.optimizer.d = config_base.adam(2e-4)
    if dataset in data.KERAS_DATASETS:
        # The authors' G rate, 5x D's, was paired with a D that has a 1,024-unit BatchNorm
        # layer; against this package's smaller D it drew alike samples within each category
        # (Fashion-MNIST recall 0.13). G at D's rate, and lambda 0.2, the smaller weight the
        # paper (Section 5) gives L_I when codes are continuous: recall 0.64 (docs/TUNING.md).
        # The authors' setting: --config.optimizer.g.learning_rate=1e-3
        # --config.hparams.information_weight=1.
        config.optimizer.g = config_base.adam(2e-4)
        config.hparams.information_weight = 0.2
    if dataset in data.DATASETS_2D:
        # The 2-D defaults (MLP, batch 256, Adam 1e-3 decayed linearly to 0, 10,000 steps):
        # 12 noise variables, a categorical code of 5 values and 2 continuous codes.
        config.latent_dim = 12 + 5 + 2
        config.networks.update({"categories": 5, "continuous_codes": 2, "q_width": 128})
        config.data.batch_size = 256
        config_base.use_optimizer(config, config_base.adam(1e-3, decay="linear"))
    return config
