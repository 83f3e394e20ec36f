"""BEGAN (Berthelot et al. 2017): an autoencoder discriminator with the L1 loss
L(v) = mean |v - D(v)|, gamma 0.5, lambda_k 1e-3, k_0 0, Adam 1e-4 (0.5, 0.999); on
28x28 grey images hwalsuklee/tensorflow-generative-model-collections' BEGAN (below).
The paper's own networks are `--config.networks.name=began` (networks/began.py; on images
with `--config.networks.d_norm=none`, as they have no normalisation).

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
    # BEGAN's autoencoder has no batch normalisation (but on images, below).
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
        # With the paper's L1 energy and unnormalised D, G collapsed onto a few classes that D
        # reconstructs well at every gamma and rate tried (FID 255 to 1395 on Fashion-MNIST).
        # hwalsuklee's BEGAN, which draws every class there, differs in three things, and each
        # is needed (without one: FID 154 to 345, docs/TUNING.md): the batch's L2 energy,
        # D batch-normalised (real and fake batches apart) and G at 5x D's rate, Adam 2e-4.
        # gamma 1 (theirs 0.75) lifted recall from 0.20 to 0.63. lambda_k 1.75e-3 is their gain
        # on k_t: their energy is sqrt(784 / 64) = 3.5 times this RMS, of [0, 1] images (half
        # the error of [-1, 1] ones): FID 48.5 -> 40.0.
        config.hparams.update({"energy": "batch_l2", "gamma": 1.0, "lambda_k": 1.75e-3})
        config.networks.d_norm = "batch"
        config_base.use_optimizer(config, config_base.adam(2e-4))
        config.optimizer.g.learning_rate = 1e-3
    return config
