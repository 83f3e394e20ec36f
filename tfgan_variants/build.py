"""From a config to a compiled model: the checks that run before anything is built or
written, the variant with its networks and optimizers, and the process-wide determinism."""
import functools
import inspect
import os

import keras
import tensorflow as tf

from tfgan_variants import MODELS, augment, data, evaluation, features, optimizers
from tfgan_variants.errors import ConfigError, UserError

PRECISIONS = ("float32", "mixed_float16", "mixed_bfloat16")


def validate(config):
    """Raises UserError for settings that cannot work, before anything is built or written."""
    if config.variant not in MODELS:
        raise UserError(f"unknown variant {config.variant!r}; choose one of {sorted(MODELS)}")
    positive = {"train.steps": config.train.steps, "data.batch_size": config.data.batch_size,
                "train.log_every": config.train.log_every,
                "train.sample_every": config.train.sample_every,
                "train.checkpoint_every": config.train.checkpoint_every,
                "train.steps_per_execution": config.train.steps_per_execution,
                "latent_dim": config.latent_dim}
    for name, value in positive.items():
        if value <= 0:
            raise UserError(f"--config.{name} must be positive, got {value}")
    if config.train.checkpoint_every % config.train.log_every:
        raise UserError("--config.train.checkpoint_every must be a multiple of "
                        f"--config.train.log_every ({config.train.log_every})")
    if config.train.precision not in PRECISIONS:
        raise UserError(f"unknown --config.train.precision {config.train.precision!r}; "
                        f"choose one of {PRECISIONS}")
    if config.eval.every < 0:
        raise UserError(f"--config.eval.every must be >= 0 (0: off), got {config.eval.every}")
    if config.eval.feature_extractor not in features.EXTRACTORS:
        raise UserError(f"unknown --config.eval.feature_extractor "
                        f"{config.eval.feature_extractor!r}; choose one of {features.EXTRACTORS}")
    weights = config.eval.get("inception_weights")
    if weights and not os.path.isfile(weights):
        raise UserError(f"--config.eval.inception_weights={weights} is not a file")
    evaluation.parse_metrics(config.eval.metrics, config.data.name in data.DATASETS_2D)
    for role in ("g", "d"):
        optimizers.check(config.optimizer[role])
    if MODELS[config.variant].needs_labels:
        validate_labels(config)
    if config.data.get("conditional", False):
        validate_conditional(config)
    validate_recipes(config)
    unknown = sorted(set(config.hparams) - constructor_keywords(MODELS[config.variant]))
    if unknown:
        raise UserError(f"{config.variant} takes no hparams {unknown}")


def validate_labels(config):
    """The labelled-data settings of a semi-supervised run (`labelled.py`)."""
    if config.data.name not in data.KERAS_DATASETS:
        raise UserError(f"{config.variant} needs a labelled dataset, one of "
                        f"{data.KERAS_DATASETS}, not {config.data.name!r}")
    for name in ("labels_per_class", "labelled_batch_size"):
        value = config.data.get(name)
        if not isinstance(value, int) or value <= 0:
            raise UserError(f"--config.data.{name} must be a positive integer, got {value!r}")


def conditional_variants():
    """The names of the variants that train class-conditionally (`GAN.class_conditional`)."""
    return sorted(name for name, cls in MODELS.items() if cls.class_conditional)


def validate_conditional(config):
    """A class-conditional run's settings; its data's labels are checked when it is read
    (`data.describe` with labels)."""
    if not MODELS[config.variant].class_conditional:
        raise UserError(f"{config.variant} has no class-conditional form; "
                        "--config.data.conditional=true takes one of "
                        f"{', '.join(conditional_variants())}")
    if config.data.name in data.DATASETS_2D:
        raise UserError(f"{config.data.name} is a 2-D mixture without class labels: "
                        "--config.data.conditional=true needs labelled images")


def validate_recipes(config):
    """The averaged generator's and DiffAugment's settings, and the training subset."""
    train = config.train
    if not 0.0 <= train.ema_decay < 1.0:
        raise UserError(f"--config.train.ema_decay must be in [0, 1) (0: no average), got "
                        f"{train.ema_decay}")
    for name in ("ema_start", "ema_standing_batches"):
        if train[name] < 0:
            raise UserError(f"--config.train.{name} must be >= 0, got {train[name]}")
    if augment.parse_policy(train.augment) and config.data.name in data.DATASETS_2D:
        raise UserError(f"--config.train.augment transforms images; {config.data.name} is a "
                        "2-D mixture")
    fraction = config.data.fraction
    if not 0.0 < fraction <= 1.0:
        raise UserError(f"--config.data.fraction must be in (0, 1], got {fraction}")


def constructor_keywords(variant):
    """The keyword arguments `variant`'s constructor accepts, its bases' included (a
    constructor passes what it does not name on to its base with **kwargs)."""
    names = set()
    for cls in variant.__mro__:
        if cls is keras.Model:
            break
        if "__init__" not in vars(cls):
            continue
        parameters = inspect.signature(vars(cls)["__init__"]).parameters.values()
        names |= {p.name for p in parameters
                  if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD) and p.name != "self"}
        if not any(p.kind is p.VAR_KEYWORD for p in parameters):
            break
    return names


# Grappler passes that make a graph's float results depend on the run, turned off by
# `make_deterministic`.
NONDETERMINISTIC_GRAPH_PASSES = ("dependency_optimization", "constant_folding")


def make_deterministic():
    """Runs every later graph of this process deterministically, for a bit-exact resume.

    Op determinism alone is not enough on CPU, with or without XLA: two Grappler passes
    rewrite wgan_ct's step (dropout critic, gradient penalty, consistency term) differently
    from one run to the next. The dependency optimiser did so about one time in three on the
    2-D critic (last float bits); constant folding in every trial on the Fashion-MNIST critic
    at width 32 (weights a few 1e-6 apart after two steps, 1e-4 after five; found by switching
    passes off one at a time). With both on, one 2-D step changed by up to 5% of the update
    about one time in ten. With both off, the runs agree bit for bit.
    """
    tf.config.experimental.enable_op_determinism()
    tf.config.optimizer.set_experimental_options(
        {name: False for name in NONDETERMINISTIC_GRAPH_PASSES})


def build_model(config, data_shape, num_classes=0):
    """The compiled variant for `config`, to be called inside the strategy's scope;
    class-conditional on `num_classes` classes when > 0.

    Under a mixed precision policy the layers compute in float16 / bfloat16 with float32
    weights (the policy is set for the building only); mixed_float16 wraps both optimizers
    in Keras' dynamic LossScaleOptimizer, which `GAN.apply_update` scales the loss for.
    A setting the variant or its networks cannot use is a UserError; any other error is a
    bug and keeps its traceback.
    """
    variant = MODELS[config.variant]
    if config.train.jit_compile and not variant.xla_compiles:
        raise ConfigError(f"{config.variant} cannot be compiled with XLA: set "
                          "train.jit_compile=False")
    precision = config.train.precision
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(precision)
    try:
        # Only a conditional run passes num_classes, which a variant refusing it (validate)
        # need not accept.
        conditional = {"conditional_classes": int(num_classes)} if num_classes else {}
        build_networks = functools.partial(
            variant.build_networks, config.networks, data_shape, config.latent_dim,
            **({"num_classes": int(num_classes)} if num_classes else {}))
        nets = build_networks()
        train = config.train
        averaged = {}
        if train.ema_decay > 0:
            # A second G of the same architecture; built after the first, so that G and D
            # get the same initial weights with and without the average.
            averaged = {"averaged_generator": build_networks()["generator"],
                        "ema_decay": train.ema_decay, "ema_start": train.ema_start,
                        "ema_standing_batches": train.ema_standing_batches}
        model = variant(**nets, latent_dim=config.latent_dim, seed=config.seed,
                        instance_noise=train.instance_noise,
                        instance_noise_steps=train.steps, augment=train.augment,
                        **averaged, **conditional, **config.hparams)
    except UserError as e:
        raise UserError(f"cannot build {config.variant}: {e}") from None
    finally:
        keras.config.set_dtype_policy(previous)
    steps = config.train.steps
    scale = model.learning_rate_scale
    pair = [optimizers.make_optimizer(config.optimizer.g, steps, scale),
            optimizers.make_optimizer(config.optimizer.d, steps * model.n_critic, scale)]
    if precision == "mixed_float16":
        pair = [keras.optimizers.LossScaleOptimizer(o) for o in pair]
    model.compile(*pair, jit_compile=config.train.jit_compile)
    return model
