"""EBGAN (Zhao et al. 2016): an autoencoder discriminator with the MSE energy, the
pulling-away term on the generated batch's codes with lambda_PT 0.1, Adam 2e-4 (beta1 0.5);
margin m 0.3 on images, not the paper's 10 (MNIST; 20 on CelebA, 80 on LSUN), below.

Usage: --config=configs/ebgan.py:<dataset>
"""
from tfgan_variants import config_base


def get_config(dataset="fashion_mnist"):
    config = config_base.base_config("ebgan", dataset)
    # The energy here is the per-pixel mean of (x - D(x))^2 on tanh images in [-1, 1], so it is
    # at most 4, and the paper's margins (10, 20, 80) keep the hinge max(0, m - D(G(z))) open
    # for ever: D pushes every sample's energy up, which stalls near 1, and G's samples are one
    # grey texture from step 1,000 on. Fashion-MNIST, 3,000 steps, width 32, 10,000 samples
    # (the benchmark's run): m 10: FID 1433, IS 1.00, precision and recall 0; m 1: the same
    # texture at step 1,000; m 0.5: FID 20.5, IS 5.57; m 0.3: FID 20.1, IS 5.64, precision
    # 0.88, recall 0.79. Not tried on CelebA or LSUN.
    config.hparams.update({"margin": 0.3, "pt_weight": 0.1})
    config.networks.code_dim = 64
    config_base.use_optimizer(config, config_base.adam(2e-4))
    if dataset in config_base.TWO_D:
        # 2-D energies: the mean squared error over two coordinates of points within +-4.
        # grid25 after 3,000 steps (modes / high-quality fraction):
        # m 1, 16-d code: 18 / 0.16, samples pushed out to the square's border; m 0.1: 15 /
        # 0.04; a 1-d code without PT collapsed to 2 modes; m 0.5 with a 2-d code: 19 / 0.07,
        # and after 10,000 steps 13 / 0.60 (sharper, fewer modes); lambda_PT 1: 18 / 0.54 after
        # 10,000 steps. PT on 2-d codes is a spread in angle: samples gathered on the grid's
        # border, the inner modes empty; lambda_PT 3: 12 / 0.75 after 10,000 steps. Without
        # PT: 20 / 0.05 after 3,000 steps, but 13 / 0.73 after 10,000.
        # More (modes / high-quality fraction): lambda_PT 1, n_critic 3: 13 / 0.81 after
        # 10,000 steps, the samples on one closed loop (PT spreads the 2-d codes' angles);
        # without PT, n_critic 5, Adam 5e-4 (0.5, 0.9): 2 / 0.10 after 3,000 steps (G on a
        # ray where the autoencoder extrapolates the identity); instance noise (std s_0 on
        # D's inputs, annealed to 0) with lambda_PT 1: s_0 0.5, 19 / 0.06 after 3,000 steps;
        # with a 16-d code and lambda_PT 0.1: 1 / 0.02; an 8-d code, lambda_PT 0.1, no noise:
        # 19 / 0.03 after 3,000. Without PT, after 10,000 steps: s_0 0.5: 19 / 0.57; s_0 1:
        # 24 / 0.31 (118 s), the setting kept (PT is optional in the paper: EBGAN vs
        # EBGAN-PT); s_0 1 with an 8-d code and lambda_PT 0.1 (EBGAN-PT): 24 / 0.18 after
        # 10,000 steps. Many samples still sit on the border of the grid's square.
        config.hparams.update({"margin": 0.5, "pt_weight": 0.0})
        config.networks.code_dim = 2
        config.train.instance_noise = 1.0
        config_base.use_optimizer(config, config_base.adam(1e-3, decay="linear"))
    return config
