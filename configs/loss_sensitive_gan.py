"""Loss-sensitive GAN (Qi 2017): L_theta = softplus(D(x)) >= 0 (the paper's ReLU dies on
Fashion-MNIST, below), margin Delta = tau ‖x - G(z)‖_1 with tau 2e-4, lambda 1, gamma 0 (the
authors' unconditional code), weight decay 5e-4 on L_theta, nu 0 (LS-GAN; nu 1 is WGAN),
Adam 1e-4 (beta1 0.5).

Usage: --config=configs/loss_sensitive_gan.py:<dataset>
"""
from tfgan_variants import config_base


def get_config(dataset="fashion_mnist"):
    config = config_base.base_config("loss_sensitive_gan", dataset)
    # Fashion-MNIST, 3,000 steps, width 32, 10,000 samples (the benchmark's run): with the
    # paper's ReLU every sample is noise from step 1,000 on (FID 1240, IS 1.04, recall 0: L_theta
    # died, D < 0 everywhere, so L and G had no gradient); softplus, smooth and also >= 0,
    # gives garments: FID 96, IS 4.17, precision 0.82, recall 0.60. Softplus with the
    # gradient-norm penalty (gp 1) instead of weight decay: FID 123, IS 3.91.
    config.hparams.update({"tau": 2e-4, "lambda_weight": 1.0, "gamma": 0.0, "slope": 0.0,
                           "weight_decay": 5e-4, "activation": "softplus", "gp_weight": 0.0})
    config_base.use_optimizer(config, config_base.adam(1e-4))
    if dataset in config_base.TWO_D:
        # Two coordinates instead of 784 pixels: tau 2e-4 makes Delta ~1e-3, no margin.
        # grid25 after 3,000 steps (modes / high-quality fraction), weight decay as the
        # paper's Lipschitz regulariser: with tau 0.5 and the paper's ReLU, L_theta died (D < 0
        # on every sample, so L, its hinge and G's loss all had zero gradient; 1 / 25 modes);
        # softplus (smooth, also >= 0) kept the gradient, but G escaped to where L ~ 0, far
        # from the data (tau 0.5: 2 / 25; with weight decay 1e-2: 0 / 25; tau 0.1: 3 / 25;
        # tau 0.1 with instance noise 0.5: 3 / 0.001).
        # The paper's other Lipschitz regulariser, the gradient-norm penalty on L_theta
        # (gp_weight, arXiv 1701.06264v1 Section 5, the authors' LS-GAN-GP code), without
        # weight decay, after 3,000 steps: tau 0.1, gp 10: softplus 0 modes (G escaped to
        # x ~ -6), ReLU 1 / 0.002; tau 1 (Delta = ‖x - G(z)‖_1 >= ‖x - G(z)‖_2, so a slope-1
        # L_theta cannot satisfy every hinge and the margin keeps acting): softplus 7 / 0.010,
        # ReLU 1 / 0.002 (dead); tau 2, softplus: 4 / 0.011. With WGAN-GP's 2-D schedule
        # (n_critic 5, Adam 5e-4 (0.5, 0.9)), softplus, tau 1: gp 1: 24 / 0.077, gp 0.1:
        # 24 / 0.066 after 3,000 steps; gp 1 after 10,000 steps: 25 / 0.429 (420 s).
        config.hparams.update({"tau": 1.0, "weight_decay": 0.0, "gp_weight": 1.0,
                               "n_critic": 5})
        config_base.use_optimizer(config, config_base.adam(5e-4, 0.5, 0.9, decay="linear"))
    return config
