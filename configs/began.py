"""BEGAN (Berthelot et al. 2017): an autoencoder discriminator with the L1 loss
L(v) = mean |v - D(v)|, gamma 0.5, lambda_k 1e-3, k_0 0, Adam 1e-4 (0.5, 0.999); on
28x28 grey images gamma 0.75 and Adam 2e-4, which the 3,000-step budget needs (below).
The paper's own networks are `--config.networks.name=began` (networks/began.py).

Both learning rates are halved when the convergence measure stalls (Section 4.1): after a
window of `stall_window` steps whose mean M_global is no new lowest (models/energy.py).

Usage: --config=configs/began.py:<dataset>
"""
from tfgan_variants import config_base, data


def get_config(dataset="fashion_mnist"):
    config = config_base.base_config("began", dataset)
    config.hparams.update({"gamma": 0.5, "lambda_k": 1e-3, "k_0": 0.0,
                           "stall_window": 1000, "stall_tolerance": 0.0})
    config.networks.code_dim = 64
    # BEGAN's autoencoder has no batch normalisation.
    config.networks.d_norm = "none"
    config_base.use_optimizer(config, config_base.adam(1e-4))
    if dataset in data.DATASETS_2D:
        # A 16-d code, the 2-D optimizer and the paper's gamma and lambda_k: BEGAN collapses on
        # ring8 and grid25 whatever was tried (gamma, lambda_k, code size, instance noise, rates;
        # docs/TUNING.md). G settles on one real mode, so L(G(z)) ~ L(x), the controller keeps
        # k_t small and D barely pushes the fakes.
        config.networks.code_dim = 16
        config_base.use_optimizer(config, config_base.adam(1e-3, decay="linear"))
    elif dataset in data.KERAS_DATASETS:
        # At the paper's gamma 0.5, L(G(z)) never falls to gamma L(x) early on, so k_t stays at 0
        # and G collapses onto images D reconstructs well; gamma 0.75 with Adam 2e-4 had the
        # lowest FID tried in 3,000 steps (docs/TUNING.md).
        config.hparams.gamma = 0.75
        config_base.use_optimizer(config, config_base.adam(2e-4))
    return config
