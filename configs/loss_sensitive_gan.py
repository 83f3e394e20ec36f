"""Loss-sensitive GAN (Qi 2017): L_theta = ReLU(D(x)) >= 0, margin Delta = tau ‖x - G(z)‖_1
with tau 2e-4, lambda 1, gamma 0 (the authors' unconditional code), weight decay 5e-4 on
L_theta, nu 0 (LS-GAN; nu 1 is WGAN), Adam 1e-4 (beta1 0.5).

Usage: --config=configs/loss_sensitive_gan.py:<dataset>
"""
from tfgan_variants import config_base


def get_config(dataset="fashion_mnist"):
    config = config_base.base_config("loss_sensitive_gan", dataset)
    config.hparams.update({"tau": 2e-4, "lambda_weight": 1.0, "gamma": 0.0, "slope": 0.0,
                           "weight_decay": 5e-4, "activation": "relu"})
    config_base.use_optimizer(config, config_base.adam(1e-4))
    if dataset in config_base.TWO_D:
        # Two coordinates instead of 784 pixels: tau 2e-4 makes Delta ~1e-3, no margin.
        # grid25 after 3,000 steps: with tau 0.5 and the paper's ReLU, L_theta died (D < 0
        # on every sample, so L, its hinge and G's loss all had zero gradient; 1 / 25 modes);
        # softplus (smooth, also >= 0) kept the gradient, but G escaped to where L ~ 0, far
        # from the data (tau 0.5: 2 / 25; with weight decay 1e-2: 0 / 25; tau 0.1: 3 / 25).
        config.hparams.tau = 0.1
        config.hparams.activation = "softplus"
        config_base.use_optimizer(config, config_base.adam(1e-3, decay="linear"))
    return config
