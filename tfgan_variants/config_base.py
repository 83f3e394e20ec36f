"""The defaults every variant's config starts from, chosen per dataset.

`configs/<variant>.py` calls `base_config(variant, dataset)` and sets what its paper
prescribes (objective hyperparameters, optimizers, n_critic, discriminator head). The
sizes here are CPU-friendly; the paper-scale settings are named config entries.
"""
import importlib.util
import os

import ml_collections

#: The repository's configs/ folder (one `<variant>.py` per variant).
CONFIG_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "configs")

TWO_D = ("ring8", "grid25")
GRAYSCALE_28 = ("mnist", "fashion_mnist")


def adam(learning_rate, beta_1=0.5, beta_2=0.999, decay="none"):
    """Adam settings; decay 'linear' takes the learning rate linearly to 0 by the last step."""
    return ml_collections.ConfigDict({"name": "adam", "learning_rate": learning_rate,
                                      "beta_1": beta_1, "beta_2": beta_2, "decay": decay})


def rmsprop(learning_rate, rho=0.99, decay="none"):
    """RMSProp settings; rho 0.99 is PyTorch's default, which the WGAN authors' code used."""
    return ml_collections.ConfigDict({"name": "rmsprop", "learning_rate": learning_rate,
                                      "rho": rho, "decay": decay})


def use_optimizer(config, settings):
    """The same optimizer `settings` (from `adam` or `rmsprop`) for G and D."""
    config.optimizer.g = settings
    config.optimizer.d = ml_collections.ConfigDict(settings.to_dict())


def base_config(variant, dataset):
    config = ml_collections.ConfigDict()
    config.variant = variant
    config.seed = 0

    config.data = ml_collections.ConfigDict({
        "name": dataset, "batch_size": 64, "image_size": 0, "data_dir": "", "split": "train"})
    config.latent_dim = 64
    # Keyword arguments of the variant's constructor (objective weights, n_critic, ...).
    config.hparams = ml_collections.ConfigDict()
    config.networks = ml_collections.ConfigDict({
        "name": "dcgan", "width": 64, "depth": 3, "d_out": 1, "d_norm": "batch",
        "pooling": "flatten", "d_dropout": 0.0})
    config.optimizer = ml_collections.ConfigDict({"g": adam(2e-4), "d": adam(2e-4)})
    config.train = ml_collections.ConfigDict({
        "steps": 5000,
        "log_every": 100,          # TensorBoard scalars and a progress line
        "sample_every": 500,       # sample grid PNG + TensorBoard image
        "checkpoint_every": 500,   # a multiple of log_every
        "keep_checkpoints": 3,
        # XLA-compile the training step.
        "jit_compile": False,
        # 'float32', or a Keras mixed policy: 'mixed_float16' (with dynamic loss scaling) or
        # 'mixed_bfloat16'. Weights and checkpoints stay float32; networks output float32.
        "precision": "float32",
        # Training steps per call into the graph (Keras' steps_per_execution), cut to the
        # greatest common divisor of this and the logging, sample, checkpoint and evaluation
        # intervals so that those still happen at their exact steps. 1 with several replicas.
        "steps_per_execution": 50,
        "num_samples_grid": 64,
        # Initial std of the instance noise added to D's inputs, annealed linearly to 0 over
        # the run (Sonderby et al. 2016); 0 is off.
        "instance_noise": 0.0,
        # Deterministic graphs for the whole process (`training.make_deterministic`): needed
        # for a bit-exact resume of wgan_ct; slower on GPUs, where some ops then refuse.
        "deterministic": False,
    })

    # Evaluation during training (`every` 0: off): metrics to TensorBoard and eval.jsonl,
    # the best generator by FID kept in best_checkpoint/. An empty `metrics`: all that apply.
    config.eval = ml_collections.ConfigDict({
        "every": 0, "num_samples": 2000, "metrics": "", "feature_extractor": "auto"})

    if dataset in TWO_D:
        config.eval.update({"every": 2000, "num_samples": 2500})
        config.data.batch_size = 256
        config.latent_dim = 16
        config.networks.update({"name": "mlp", "width": 128, "depth": 3, "d_norm": "none"})
        use_optimizer(config, adam(1e-3, decay="linear"))
        # ring8's modes have std 0.01: samples must settle, which the decay to 0 helps.
        config.train.update({"steps": 10000, "sample_every": 2000, "checkpoint_every": 2000,
                             "num_samples_grid": 2500})
    elif dataset in GRAYSCALE_28:
        config.eval.every = 500   # on the domain classifier (features.py)
        config.networks.width = 32
        config.train.steps = 3000
    return config


def load(variant, dataset):
    """`configs/<variant>.py`'s `get_config(dataset)`, as `--config=configs/<variant>.py:<dataset>`
    gives it (for benchmarks and tests, which build runs without the flag)."""
    spec = importlib.util.spec_from_file_location(f"configs.{variant}",
                                                  os.path.join(CONFIG_DIR, f"{variant}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.get_config(dataset)
