"""The defaults every variant's config starts from, chosen per dataset.

`configs/<variant>.py` calls `base_config(variant, dataset)` and sets what its paper
prescribes (objective hyperparameters, optimizers, n_critic, discriminator head). The
sizes here are CPU-friendly; the paper-scale settings are named config entries.
"""
import importlib.util
import os

import ml_collections

from tfgan_variants import data

#: The repository's configs/ folder (one `<variant>.py` per variant).
CONFIG_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "configs")

#: Config names of datasets whose data name differs (TFDS names hold a '/').
DATASET_ALIASES = {"lsun_bedroom": "lsun/bedroom"}
#: The data of the papers' ResNet experiments, named as `config.data.name` (their training
#: sizes, 32, 48 and 64 px, are `data.DEFAULT_IMAGE_SIZE`'s or native).
PAPER_DATASETS = ("cifar10", "stl10", "lsun/bedroom")


def adam(learning_rate, beta_1=0.5, beta_2=0.999, decay="none"):
    """Adam settings; decay 'linear' takes the learning rate linearly to 0 by the last step."""
    return ml_collections.ConfigDict({"name": "adam", "learning_rate": learning_rate,
                                      "beta_1": beta_1, "beta_2": beta_2, "decay": decay})


def rmsprop(learning_rate, rho=0.99, epsilon=1e-16, decay="none"):
    """RMSProp settings as PyTorch's, which the WGAN and MMD-GAN authors' code used: rho 0.99,
    and a step lr g / (sqrt(v) + 1e-8). Keras adds its epsilon inside the root, lr g /
    sqrt(v + epsilon), so its default 1e-7 puts a floor of 3e-4 under the denominator, which
    shrinks the steps of the tiny gradients behind a clipped critic (1e-6 to 1e-4) 10 to 300
    times. 1e-16 inside the root floors it at PyTorch's 1e-8 (the steps agree to 10% at a
    gradient of 1e-6, to 1% from 1e-5 up)."""
    return ml_collections.ConfigDict({"name": "rmsprop", "learning_rate": learning_rate,
                                      "rho": rho, "epsilon": epsilon, "decay": decay})


def use_optimizer(config, settings):
    """The same optimizer `settings` (from `adam` or `rmsprop`) for G and D."""
    config.optimizer.g = settings
    config.optimizer.d = ml_collections.ConfigDict(settings.to_dict())


def base_config(variant, dataset):
    config = ml_collections.ConfigDict()
    config.variant = variant
    config.seed = 0

    # `conditional`: train on (image, class) pairs, G and D conditioned on the class (the
    # variants of `build.conditional_variants`); the labels come from the data (`data.py`).
    config.data = ml_collections.ConfigDict({
        "name": DATASET_ALIASES.get(dataset, dataset), "batch_size": 64, "image_size": 0,
        "data_dir": "", "split": "train", "conditional": False,
        # Train on this share of the training split, a subset drawn with the run's seed
        # (in-memory data: mnist, fashion_mnist, .npz files; and image folders).
        "fraction": 1.0})
    config.latent_dim = 64
    # Keyword arguments of the variant's constructor (objective weights, n_critic, ...).
    config.hparams = ml_collections.ConfigDict()
    config.networks = ml_collections.ConfigDict({
        "name": "dcgan", "width": 64, "depth": 3, "d_out": 1, "d_norm": "batch",
        "pooling": "flatten", "d_dropout": 0.0,
        # The generator's width where it differs from `width` (0: the same).
        "g_width": 0,
        # resnet only ('relu' or 'leaky_relu'); dcgan and sngan_cnn use LeakyReLU 0.2.
        "d_activation": "relu"})
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
        # Deterministic graphs for the whole process (`build.make_deterministic`): needed
        # for a bit-exact resume of wgan_ct; slower on GPUs, where some ops then refuse.
        "deterministic": False,
        # DiffAugment (Zhao et al. 2020) of every input of D in training, a policy such as
        # 'translation,cutout,color' (`augment.py`); '' is off.
        "augment": "",
        # An exponential moving average of G's weights (Yazici et al. 2019; `averaging.py`),
        # sampled, evaluated and exported in place of G (the raw G too, as
        # serving_default_raw): its decay (0: off), the step it starts from (a copy of G
        # before), and the batches its batch-norm statistics are recomputed on before use.
        "ema_decay": 0.0,
        "ema_start": 0,
        "ema_standing_batches": 64,
    })

    # Evaluation during training (`every` 0: off): metrics to TensorBoard and eval.jsonl,
    # the best generator by FID kept in best_checkpoint/. An empty `metrics`: all that apply.
    # `inception_weights`: a local weights file for inception_v3 ('': Keras' download).
    config.eval = ml_collections.ConfigDict({
        "every": 0, "num_samples": 2000, "metrics": "", "feature_extractor": "auto",
        "inception_weights": ""})

    if dataset in data.DATASETS_2D:
        config.eval.update({"every": 2000, "num_samples": 2500})
        config.data.batch_size = 256
        config.latent_dim = 16
        config.networks.update({"name": "mlp", "width": 128, "depth": 3, "d_norm": "none"})
        use_optimizer(config, adam(1e-3, decay="linear"))
        # ring8's modes have std 0.01: samples must settle, which the decay to 0 helps.
        config.train.update({"steps": 10000, "sample_every": 2000, "checkpoint_every": 2000,
                             "num_samples_grid": 2500})
    elif dataset in data.KERAS_DATASETS:
        config.eval.every = 500   # on the domain classifier (features.py)
        config.networks.width = 32
        config.train.steps = 3000
    return config


def active_settings(config):
    """The config as a dict without the settings of the training recipes that are off (no
    DiffAugment, no average of G, the whole training split): a config without them trains
    as one from before they existed, so that recorded benchmark runs stay current."""
    values = config.to_dict()
    train, data_settings = values["train"], values["data"]
    if not train.get("augment"):
        train.pop("augment", None)
    if not train.get("ema_decay"):
        for name in ("ema_decay", "ema_start", "ema_standing_batches"):
            train.pop(name, None)
    if data_settings.get("fraction") == 1.0:
        data_settings.pop("fraction")
    return values


def paper_resnet(config, *, d_norm, pooling, cifar10_widths, d_activation="relu"):
    """The settings the ResNet papers share on `PAPER_DATASETS`; the variant's config sets its
    objective, optimizer, n_critic, G batch multiplier and steps.

    - networks: `networks/resnet.py`; cifar10_widths = (G width, D width) of the paper's
      32 px networks; at 48 and 64 px both are 64, the channels of SN-GAN's Table 5 and of
      its authors' 64 px code.
    - latent_dim 128, batch 64 (every one of these papers and codes).
    - stl10: the 100,000 unlabelled images at 48 px (SN-GAN's STL-10 setting, Miyato et al.
      2018, Section 4).
    - evaluation during training: Inception Score and FID on Inception-v3 features of
      10,000 samples every 5,000 steps; report final numbers with `eval.py
      --num_samples=50000`, the sample count of the papers' Inception Scores.
    """
    g_width, width = cifar10_widths if config.data.name == "cifar10" else (64, 64)
    config.networks.update({"name": "resnet", "width": width, "g_width": g_width,
                            "d_norm": d_norm, "pooling": pooling,
                            "d_activation": d_activation})
    config.latent_dim = 128
    config.data.batch_size = 64
    if config.data.name == "stl10":
        config.data.split = "unlabelled"
    config.train.update({"sample_every": 1000, "checkpoint_every": 5000})
    config.eval.update({"every": 5000, "num_samples": 10000, "metrics": "fid,inception_score",
                        "feature_extractor": "inception_v3"})


def wgan_gp_resnet(config):
    """`paper_resnet` with the settings of WGAN-GP's ResNet runs (Gulrajani et al. 2017: its
    CIFAR-10 ResNet, IS 7.86, and the authors' scripts), also used for WGAN-LP (Petzka et
    al. 2017) and CT-GAN (Wei et al. 2018, whose ResNet scripts copy these):

    - 32 and 48 px (gan_cifar_resnet.py): a critic without normalisation, global mean
      pooling, 128 channels in G and D at 32 px; lambda 10, n_critic 5, Adam 2e-4 (0, 0.9)
      decayed linearly to 0, D batch 64, G batch 128, 100,000 generator iterations. The
      paper has no STL-10 run: the CIFAR-10 settings.
    - 64 px (gan_64x64.py): layer norm in the critic, lambda 10, n_critic 5, Adam 1e-4
      (0, 0.9) without decay, batch 64 for D and G, 200,000 generator iterations.
    """
    lsun = config.data.name == "lsun/bedroom"
    paper_resnet(config, d_norm="layer" if lsun else "none", pooling="global_average",
                 cifar10_widths=(128, 128))
    config.hparams.update({"gp_weight": 10.0, "n_critic": 5,
                           "generator_batch_multiplier": 1 if lsun else 2})
    use_optimizer(config, adam(1e-4, 0.0, 0.9) if lsun else adam(2e-4, 0.0, 0.9, "linear"))
    config.train.steps = 200_000 if lsun else 100_000


def load(variant, dataset):
    """`configs/<variant>.py`'s `get_config(dataset)`, as `--config=configs/<variant>.py:<dataset>`
    gives it (for benchmarks and tests, which build runs without the flag)."""
    spec = importlib.util.spec_from_file_location(f"configs.{variant}",
                                                  os.path.join(CONFIG_DIR, f"{variant}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.get_config(dataset)
