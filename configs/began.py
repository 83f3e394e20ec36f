"""BEGAN (Berthelot et al. 2017): an autoencoder discriminator with the L1 loss
L(v) = mean |v - D(v)|, gamma 0.5, lambda_k 1e-3, k_0 0, Adam 1e-4 (0.5, 0.999); on
28x28 grey images gamma 0.75 and Adam 2e-4, which the 3,000-step budget needs (below).
The paper's own networks are `--config.networks.name=began` (networks/began.py).

Both learning rates are halved when the convergence measure stalls (Section 4.1): after a
window of `stall_window` steps whose mean M_global is no new lowest (models/energy.py).

Usage: --config=configs/began.py:<dataset>
"""
from tfgan_variants import config_base


def get_config(dataset="fashion_mnist"):
    config = config_base.base_config("began", dataset)
    config.hparams.update({"gamma": 0.5, "lambda_k": 1e-3, "k_0": 0.0,
                           "stall_window": 1000, "stall_tolerance": 0.0})
    config.networks.code_dim = 64
    # BEGAN's autoencoder has no batch normalisation.
    config.networks.d_norm = "none"
    config_base.use_optimizer(config, config_base.adam(1e-4))
    if dataset in config_base.TWO_D:
        # BEGAN collapses on grid25: G settles on one real mode, where D cannot raise the
        # fakes' energy without raising the real one's. After 3,000 steps (modes / high-quality
        # fraction): the paper's gamma and lambda_k 1 / 0.40; lambda_k 0.01, gamma 1: 3 / 0.09;
        # gamma 0.75 and a 2-d code: 1 / 0.25; a 1-d code: 0 and 2; G at 1e-4 against D at
        # 1e-3: 1 / 0.99; lambda_k 0.1, gamma 1: 1 / 0.12; instance noise s_0 0.5: 2 / 0.04;
        # n_critic 5, lambda_k 0.01: 0 / 0.0; lambda_k 1, gamma 1: 2 / 0.05. After 10,000
        # steps: instance noise s_0 1 (which lifts EBGAN and MAGAN above 20 modes): 1 / 0.71,
        # k_t peaking at 0.09 and falling to 0.015; s_0 1, gamma 1, lambda_k 0.01: 7 / 0.31.
        # The collapse fits BEGAN's equilibrium: G on one real mode makes L(G(z)) ~ L(x), so
        # the controller keeps k_t small and D barely pushes the fakes. Halving the learning
        # rate on stalls does not change it (10,000 steps, XLA): with this linear decay M kept
        # falling and no window stalled, 1 / 1.0; with a constant 1e-3 the rate was halved
        # once, near step 8,000, 1 / 0.85. EBGAN's working 2-D setting (a 2-d code, instance
        # noise s_0 1) does not carry over: 1 / 1.0, and with gamma 1 4 / 0.60 (10,000 steps,
        # XLA). It collapses on ring8 too: 1 / 8 modes with this config (10,000 steps, XLA).
        # A gamma below the paper's, to make k_t rise and D push the fakes (10,000 steps,
        # XLA): gamma 0.3, 1 / 0.47, k_t falling to 0; gamma 0.15, 1 / 1.0, k_t 0.009.
        # The paper's values are kept.
        config.networks.code_dim = 16
        config_base.use_optimizer(config, config_base.adam(1e-3, decay="linear"))
    elif dataset in config_base.GRAYSCALE_28:
        # At the paper's gamma 0.5, L(G(z)) never falls to gamma L(x) early on, so k_t stays
        # at 0, D is a plain autoencoder of the real data and G collapses onto images it
        # reconstructs well (as others found on MNIST, carpedm20/BEGAN-tensorflow issue 12).
        # 3,000 steps (FID / IS / precision / recall on the domain classifier, 2,000 samples):
        # gamma 0.5, lr 1e-4: one grey texture after 1,500 steps (FID 1395, P/R 0 / 0); gamma
        # 0.5, lr 2e-4: nearly all sneakers, 725 / 1.74 / 0.94 / 0.02; gamma 0.75, lr 1e-4:
        # one image at step 1,000, 446 / 2.46 / 0.84 / 0.005 at step 2,000; gamma 0.75, lr 2e-4:
        # 280 / 2.92 / 0.89 / 0.08; gamma 1, lr 2e-4: 292 / 3.35 / 0.89 / 0.13. BEGAN's own
        # architecture (networks.name 'began', width 32) collapsed like the DCGAN one at the
        # paper's values (one image at step 1,000) and runs 6x slower on CPU.
        config.hparams.gamma = 0.75
        config_base.use_optimizer(config, config_base.adam(2e-4))
    return config
