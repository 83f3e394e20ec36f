"""Training runs: strategy, model from config, resumable `fit`, logging, samples, export.

A workdir holds everything one run produces:

    config.json       the configuration the run was started with
    checkpoints/      tf.train checkpoints: step, G, D, optimizer slots, SN vectors, BN stats
    tensorboard/      scalars, sample images, the config as text
    samples/          sample grids (or 2-D scatter plots) as PNG, one per sample_every steps
    saved_model/      the exported generator (serving_default: z -> images)

Running the same command again resumes from the newest checkpoint. The data order and every
random draw are functions of (seed, step), so a resumed run continues exactly where the
interrupted one would have gone.
"""
import json
import math
import os
import re
import sys
import time
import warnings

import keras
import numpy as np
import tensorflow as tf

from tfgan_variants import VARIANTS, data, evaluation, export, features, files, models, visualize
from tfgan_variants.errors import UserError

# Our datasets are shuffled by data.py; Keras' fit warns that it cannot shuffle them.
warnings.filterwarnings("ignore", message="`shuffle=True` was passed")

STRATEGIES = ("default", "mirrored", "multi_worker", "tpu")
PRECISIONS = ("float32", "mixed_float16", "mixed_bfloat16")
OPTIMIZERS = {"adam": keras.optimizers.Adam, "rmsprop": keras.optimizers.RMSprop,
              "adamax": keras.optimizers.Adamax, "sgd": keras.optimizers.SGD}


# ------------------------------------------------------------------------ set-up
def make_strategy(name="default"):
    """The tf.distribute strategy by name (logical CPU devices are configured by the caller)."""
    if name == "default":
        return tf.distribute.get_strategy()
    if name == "mirrored":
        return tf.distribute.MirroredStrategy()
    if name == "multi_worker":  # the cluster comes from TF_CONFIG
        return tf.distribute.MultiWorkerMirroredStrategy()
    if name == "tpu":  # the TPU comes from the environment (Cloud TPU VM, TPU_NAME)
        try:
            resolver = tf.distribute.cluster_resolver.TPUClusterResolver()
            tf.config.experimental_connect_to_cluster(resolver)
            tf.tpu.experimental.initialize_tpu_system(resolver)
        except (ValueError, RuntimeError, tf.errors.OpError) as e:
            raise UserError(f"--strategy=tpu found no TPU: {str(e).splitlines()[0]}") from None
        return tf.distribute.TPUStrategy(resolver)
    raise UserError(f"unknown strategy {name!r}; choose one of {STRATEGIES}")


def is_chief(strategy):
    """True on the one worker that writes summaries, samples and exports."""
    resolver = getattr(strategy, "cluster_resolver", None)
    if resolver is None or not resolver.cluster_spec().as_dict():
        return True
    cluster = resolver.cluster_spec().as_dict()
    if "chief" in cluster:
        return resolver.task_type == "chief"
    return resolver.task_type == "worker" and resolver.task_id == 0


def validate(config):
    """Raises UserError for settings that cannot work, before anything is built or written."""
    if config.variant not in VARIANTS:
        raise UserError(f"unknown variant {config.variant!r}; choose one of {sorted(VARIANTS)}")
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
        if config.optimizer[role].name not in OPTIMIZERS:
            raise UserError(f"unknown optimizer {config.optimizer[role].name!r}; choose one of "
                            f"{sorted(OPTIMIZERS)}")


def make_deterministic():
    """Runs every later graph of this process deterministically, for a bit-exact resume.

    Op determinism alone is not enough on CPU: with Grappler's dependency optimiser on, two
    runs of wgan_ct's step (dropout critic, gradient penalty, consistency term) differed in
    the last float bits about one time in three; with it off, in none of 30 (found by
    switching Grappler's passes off one by one).
    """
    tf.config.experimental.enable_op_determinism()
    tf.config.optimizer.set_experimental_options({"dependency_optimization": False})


@keras.saving.register_keras_serializable(package="tfgan_variants")
class ScaledLearningRate(keras.optimizers.schedules.LearningRateSchedule):
    """A learning rate (a float or a schedule) times a scalar variable that the model
    changes as it trains (`GAN.learning_rate_scale`).

    Serialised, the scale is its current value: an optimizer rebuilt from its config
    (`from_config`) applies the learning rate of the moment, frozen at that scale.
    """

    def __init__(self, learning_rate, scale):
        self.learning_rate = learning_rate
        self.scale = scale

    def __call__(self, step):
        rate = self.learning_rate
        if isinstance(rate, keras.optimizers.schedules.LearningRateSchedule):
            rate = rate(step)
        return tf.cast(rate, tf.float32) * tf.cast(self.scale, tf.float32)

    def get_config(self):
        rate = self.learning_rate
        if isinstance(rate, keras.optimizers.schedules.LearningRateSchedule):
            rate = keras.optimizers.schedules.serialize(rate)
        return {"learning_rate": rate, "scale": float(keras.ops.convert_to_numpy(self.scale))}

    @classmethod
    def from_config(cls, config):
        rate = config["learning_rate"]
        if isinstance(rate, dict):
            rate = keras.optimizers.schedules.deserialize(rate)
        return cls(rate, config["scale"])


def make_optimizer(config, updates, scale=None):
    """The optimizer of `config`; with `decay: linear` its learning rate falls linearly to 0
    over `updates` applications (SN-GAN's schedule, Miyato et al. 2018, Appendix B). A
    `scale` variable multiplies the learning rate (`ScaledLearningRate`)."""
    kwargs = {k: v for k, v in config.items() if k not in ("name", "decay")}
    decay = config.get("decay", "none")
    if decay == "linear":
        kwargs["learning_rate"] = keras.optimizers.schedules.PolynomialDecay(
            kwargs["learning_rate"], decay_steps=updates, end_learning_rate=0.0)
    elif decay != "none":
        raise UserError(f"unknown learning-rate decay {decay!r}; use 'none' or 'linear'")
    if scale is not None:
        kwargs["learning_rate"] = ScaledLearningRate(kwargs["learning_rate"], scale)
    return OPTIMIZERS[config.name](**kwargs)


def build_model(config, data_shape):
    """The compiled variant for `config`, to be called inside the strategy's scope.

    Under a mixed precision policy the layers compute in float16 / bfloat16 with float32
    weights (the policy is set for the building only); mixed_float16 wraps both optimizers
    in Keras' dynamic LossScaleOptimizer, which `GAN._update` scales the loss for.
    """
    variant = VARIANTS[config.variant]
    precision = config.train.precision
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(precision)
    try:
        nets = variant.build_networks(config.networks, data_shape, config.latent_dim)
        model = variant(**nets, latent_dim=config.latent_dim, seed=config.seed,
                        instance_noise=config.train.instance_noise,
                        instance_noise_steps=config.train.steps, **config.hparams)
    except (TypeError, ValueError) as e:
        raise UserError(f"cannot build {config.variant}: {e}") from None
    finally:
        keras.config.set_dtype_policy(previous)
    steps = config.train.steps
    scale = model.learning_rate_scale
    optimizers = [make_optimizer(config.optimizer.g, steps, scale),
                  make_optimizer(config.optimizer.d, steps * model.n_critic, scale)]
    if precision == "mixed_float16":
        optimizers = [keras.optimizers.LossScaleOptimizer(o) for o in optimizers]
    model.compile(*optimizers, jit_compile=config.train.jit_compile)
    return model


def checkpointed(optimizer):
    """The optimizer as a checkpoint holds it: a loss-scale optimizer's inner optimizer, so
    that float32 and mixed_float16 runs store weights and slots under the same names (the
    loss scale's own state is saved beside them, through the model)."""
    return getattr(optimizer, "inner_optimizer", optimizer)


def fixed_latent(config, count):
    """The same z for every sample grid of a run, so grids over time are comparable."""
    return tf.random.stateless_normal([count, config.latent_dim], seed=[config.seed, 7])


def replica_batches(global_batches, context):
    """The per-replica batches of this worker's replicas, in their order, from a dataset of
    global batches: replica r of R gets rows [r B / R, (r + 1) B / R) of each global batch,
    as MirroredStrategy splits a batch, on one machine or many. Every worker reads the same
    global batches (a function of seed and step), so the data a replica sees does not
    depend on how replicas are spread over machines."""
    replicas = context.num_replicas_in_sync
    local = replicas // context.num_input_pipelines
    first = context.input_pipeline_id * local

    def split(batch):
        chunks = tf.reshape(batch, [replicas, -1, *batch.shape[1:]])
        return tf.data.Dataset.from_tensor_slices(chunks[first:first + local])

    return global_batches.flat_map(split).prefetch(tf.data.AUTOTUNE)


# ------------------------------------------------------------------------ workdir
class Workdir:
    """Paths and guarded I/O of a run's directory."""

    def __init__(self, path):
        self.path = os.path.abspath(path)
        self.checkpoints = os.path.join(self.path, "checkpoints")
        self.tensorboard = os.path.join(self.path, "tensorboard")
        self.samples = os.path.join(self.path, "samples")
        self.saved_model = os.path.join(self.path, "saved_model")
        self.eval_log = os.path.join(self.path, "eval.jsonl")
        self.best_checkpoint = os.path.join(self.path, "best_checkpoint")
        self.best_file = os.path.join(self.best_checkpoint, "best.json")
        self.config_file = os.path.join(self.path, "config.json")

    def prepare(self, config):
        """Creates the directories; refuses a workdir that holds a different run."""
        if os.path.exists(self.path) and not os.path.isdir(self.path):
            raise UserError(f"workdir {self.path} exists and is not a directory")
        if os.path.exists(self.config_file):
            try:
                with open(self.config_file) as f:
                    previous = json.load(f)
            except (OSError, ValueError):
                raise UserError(f"{self.config_file} is unreadable; use a new --workdir") from None
            for key in ("variant", "latent_dim"):
                if previous.get(key) != config[key]:
                    raise UserError(f"workdir {self.path} holds a run with {key}="
                                    f"{previous.get(key)!r}, not {config[key]!r}; "
                                    "use a new --workdir")
            for block in ("data", "networks"):
                for key, value in previous.get(block, {}).items():
                    if key in config[block] and config[block][key] != value and key != "data_dir":
                        raise UserError(f"workdir {self.path} holds a run with {block}.{key}="
                                        f"{value!r}, not {config[block][key]!r}; "
                                        "use a new --workdir")
        for path in (self.path, self.checkpoints, self.samples):
            os.makedirs(path, exist_ok=True)

    def write_config(self, config):
        files.write_text_atomically(self.config_file, config.to_json(indent=2))


def restore_latest(manager, checkpoint):
    """Restores the newest checkpoint, if any; a corrupt one is an error, never deleted."""
    path = manager.latest_checkpoint
    if path is None:  # also when the index file is unreadable
        if os.listdir(manager.directory):
            raise UserError(f"{manager.directory} holds files but no readable checkpoint index; "
                            "move them away or use a new --workdir")
        return None
    try:
        checkpoint.restore(path).assert_existing_objects_matched()
    except Exception as e:  # noqa: BLE001 - any failure to read it means it is unusable
        reason = str(e).strip().splitlines()[0][:160] if str(e).strip() else type(e).__name__
        raise UserError(f"checkpoint {path} is corrupt or from another model ({reason}); "
                        "nothing was changed: move it away or use a new --workdir") from None
    return path


# ------------------------------------------------------------------------ callbacks
class TrainingMonitor(keras.callbacks.Callback):
    """Per-step bookkeeping keyed on the true training step (not Keras' epoch-local batch):
    TensorBoard scalars, sample grids, checkpoints, a divergence guard, and the stop."""

    def __init__(self, run, total_steps):
        super().__init__()
        self.run = run
        self.total_steps = total_steps
        self._last_time = time.time()
        self._last_step = None

    def on_train_batch_end(self, batch, logs=None):
        run, step = self.run, int(self.model.step.numpy())
        if logs:  # in place, so that the progress bar after this callback prints floats
            logs.update({k: float(np.asarray(v).reshape(-1)[0]) for k, v in logs.items()})
        logs = dict(logs or {})
        bad = [k for k, v in logs.items() if not math.isfinite(v)]
        if bad:
            self.model.stop_training = True
            raise TrainingDiverged(f"{', '.join(bad)} became non-finite at step {step}; the last "
                                   f"good checkpoint is in {run.workdir.checkpoints}")
        done = step >= self.total_steps
        if step % run.config.train.log_every == 0 or done:
            run.log_scalars(step, logs, self._steps_per_second(step))
        if step % run.config.train.sample_every == 0 or done:
            run.write_samples(step)
        if step % run.config.train.checkpoint_every == 0 or done:
            run.save_checkpoint(step)
        if run.config.eval.every and step % run.config.eval.every == 0:
            run.evaluate(step)
        if done:
            self.model.stop_training = True

    def _steps_per_second(self, step):
        now = time.time()
        rate = None
        if self._last_step is not None and step > self._last_step:
            rate = (step - self._last_step) / (now - self._last_time)
        self._last_time, self._last_step = now, step
        return rate


class TrainingDiverged(UserError):
    """A loss became NaN or Inf; training stopped with the last good checkpoint kept."""


# ------------------------------------------------------------------------ the run
class Run:
    """One training run in a workdir: built from a config, resumable, exportable."""

    def __init__(self, config, workdir, strategy=None):
        validate(config)
        self.config = config
        self.workdir = Workdir(workdir)
        self.strategy = strategy or tf.distribute.get_strategy()
        self.chief = is_chief(self.strategy)
        replicas = self.strategy.num_replicas_in_sync
        if config.data.batch_size % replicas:
            raise UserError(f"--config.data.batch_size={config.data.batch_size} does not divide "
                            f"among {replicas} replicas")
        self.info = data.describe(config.data.name, image_size=config.data.image_size or None,
                                  data_dir=config.data.data_dir or None)
        if self.chief:
            self.workdir.prepare(config)
        keras.utils.set_random_seed(config.seed)  # initial weights are a function of the seed
        if config.train.deterministic:
            make_deterministic()
        with self.strategy.scope():
            self.model = build_model(config, self.info.shape)
        self.checkpoint = tf.train.Checkpoint(
            generator=self.model.generator, discriminator=self.model.discriminator,
            g_optimizer=checkpointed(self.model.g_optimizer),
            d_optimizer=checkpointed(self.model.d_optimizer),
            model=self.model)
        os.makedirs(self.workdir.checkpoints, exist_ok=True)
        self.manager = tf.train.CheckpointManager(
            self.checkpoint, self._checkpoint_dir(), max_to_keep=config.train.keep_checkpoints)
        # Every worker resumes from the chief's checkpoints (a shared file system, as Keras'
        # BackupAndRestore assumes); a non-chief's own saves are scratch.
        self.restored_from = restore_latest(
            self.manager if self.chief else tf.train.CheckpointManager(
                self.checkpoint, self.workdir.checkpoints, max_to_keep=None),
            self.checkpoint)
        self._evaluator = None
        self._fixed_real = None
        self.best = self._read_best()
        if self.chief:
            evaluation.truncate_json_lines(self.workdir.eval_log, self.step)
        self.writer = tf.summary.create_file_writer(self.workdir.tensorboard) if self.chief else None

    def _checkpoint_dir(self):
        if self.chief:
            return self.workdir.checkpoints
        # Every worker takes part in a save; only the chief's copy is kept.
        return os.path.join(self.workdir.path, f".worker-{self._task()}-checkpoints")

    def _task(self):
        return self.strategy.cluster_resolver.task_id

    @property
    def step(self):
        return int(self.model.step.numpy())

    def dataset(self):
        """Batches of real_slices * global batch, starting where the restored step left off;
        under several replicas, distributed by `replica_batches`."""
        global_batch = self.config.data.batch_size * self.model.real_slices
        if self.strategy.num_replicas_in_sync == 1:
            return self._load(global_batch, start_batch=self.step)
        return self.strategy.distribute_datasets_from_function(
            lambda context: replica_batches(self._load(global_batch, start_batch=self.step),
                                            context))

    def _load(self, batch_size, start_batch=0):
        """`data.load` of the run's dataset and settings."""
        config = self.config
        return data.load(config.data.name, batch_size, seed=config.seed,
                         start_batch=start_batch, split=config.data.split,
                         image_size=config.data.image_size or None,
                         data_dir=config.data.data_dir or None)

    # -- outputs
    def log_scalars(self, step, logs, steps_per_second):
        if not self.chief:
            return
        with self.writer.as_default(step=step):
            for name, value in logs.items():
                tf.summary.scalar(name, value)
            if steps_per_second:
                tf.summary.scalar("steps_per_second", steps_per_second)
        self.writer.flush()

    def samples(self, count=None):
        z = fixed_latent(self.config, count or self.config.train.num_samples_grid)
        return self.model.generate(z).numpy()

    def sample_picture(self, step):
        samples = self.samples()
        if self.info.is_2d:
            centers = data.mixture_centers(self.config.data.name)
            return visualize.scatter_plot(samples, centers,
                                          f"{self.config.variant}, step {step}")
        return visualize.image_grid(samples)

    def fixed_real(self):
        """The same batch of data at every sample step, for the variants' extra pictures."""
        if self._fixed_real is None:
            batches = self._load(self.config.train.num_samples_grid)
            self._fixed_real = next(iter(batches))
        return self._fixed_real

    def write_samples(self, step):
        """samples/step_<step>.png (the grid of the fixed z), plus samples/<name>_step_<step>.png
        for each of the variant's extra pictures (`GAN.pictures`), also in TensorBoard."""
        if not self.chief:
            return None
        pictures = {"samples": self.sample_picture(step)}
        if type(self.model).pictures is not models.GAN.pictures:
            pictures.update(self.model.pictures(self.fixed_real(), self.info.is_2d))
        for name, picture in pictures.items():
            prefix = "" if name == "samples" else f"{name}_"
            visualize.save_png(picture, os.path.join(self.workdir.samples,
                                                     f"{prefix}step_{step:07d}.png"))
            with self.writer.as_default(step=step):
                tf.summary.image(name, picture[None], max_outputs=1)
        return os.path.join(self.workdir.samples, f"step_{step:07d}.png")

    def save_checkpoint(self, step, manager=None):
        manager = manager or self.manager
        path = manager.save(checkpoint_number=step)
        if not self.chief:
            tf.io.gfile.rmtree(manager.directory)
        return path

    # -- evaluation during training
    def _read_best(self):
        """{'step', 'fid'} of the best evaluation so far (None before the first one)."""
        try:
            with open(self.workdir.best_file) as f:
                best = json.load(f)
            return best if best["step"] <= self.step else None
        except (OSError, ValueError, KeyError):
            return None

    def evaluator(self):
        if self._evaluator is None:
            config = self.config
            self._evaluator = evaluation.Evaluator(
                config.data.name, config.eval.num_samples, config.eval.metrics,
                config.eval.feature_extractor, image_size=config.data.image_size or None,
                data_dir=config.data.data_dir or None,
                inception_weights=config.eval.get("inception_weights") or None)
        return self._evaluator

    def evaluate(self, step):
        """Scores the generator now: TensorBoard `eval/*`, a line of eval.jsonl, and a
        checkpoint in best_checkpoint/ whenever the FID is the lowest so far."""
        evaluator = self.evaluator()
        result, _ = evaluator.evaluate(self.model.generate,
                                       self.config.latent_dim, seed=self.config.seed)
        result["step"] = step
        fid = result.get("fid")
        improved = fid is not None and (self.best is None or fid < self.best["fid"])
        if improved:
            directory = (self.workdir.best_checkpoint if self.chief else
                         os.path.join(self.workdir.path, f".worker-{self._task()}-best"))
            self.save_checkpoint(step, tf.train.CheckpointManager(self.checkpoint, directory, 1))
            self.best = {"step": step, "fid": fid}
        if not self.chief:
            return result
        if improved:
            files.write_text_atomically(self.workdir.best_file, json.dumps(self.best) + "\n")
        evaluation.write_json_lines(self.workdir.eval_log, result)
        with self.writer.as_default(step=step):
            for name, value in result.items():
                if name not in ("step", "num_samples", "seconds") and \
                        isinstance(value, (int, float)) and math.isfinite(value):
                    tf.summary.scalar(f"eval/{name}", value)
        self.writer.flush()
        return result

    def export(self):
        if self.chief:
            return export.export_model(self.model, self.workdir.saved_model)
        return None

    # -- training
    def _set_steps_per_execution(self, remaining):
        """Steps per graph call: config.train.steps_per_execution, divided down until every
        interval the callbacks act on (and the steps left) is a multiple of it."""
        train = self.config.train
        spe = math.gcd(train.steps_per_execution, train.log_every, train.sample_every,
                       train.checkpoint_every, self.config.eval.every, remaining)
        if self.strategy.num_replicas_in_sync > 1:
            # Keras 3.15's multi-step loop fails under MirroredStrategy ("You must feed a
            # value for placeholder tensor 'while/cond/Placeholder'"): one step per call.
            spe = 1
        if spe != self.model.steps_per_execution:
            self.model.steps_per_execution = spe
            self.model.train_function = None  # rebuilt by fit with the new count
        return spe

    def _diverged(self, error):
        """The TrainingDiverged for the divergence guard's error (`GAN._update`); any other
        error is returned unchanged, to be re-raised."""
        found = re.search(re.escape(models.base.DIVERGED) + r"\] \[(\w+)\] \[in step\] \[(\d+)\]",
                          str(error))
        if not found:
            return error
        name, step = found.groups()
        kept = self.manager.latest_checkpoint or "none yet"
        return TrainingDiverged(f"{name} became NaN or Inf in step {step}; training stopped; "
                                f"last good checkpoint: {kept}")

    def train(self, verbose=None, until=None):
        """Trains up to config.train.steps, resuming from the newest checkpoint; exports G.

        `until` stops earlier, at that step, with a checkpoint, as a preempted job would;
        the schedule (learning-rate decay) is still that of config.train.steps.
        """
        total, start = min(self.config.train.steps, until or math.inf), self.step
        if self.chief:
            self.workdir.write_config(self.config)
            if start == 0:
                with self.writer.as_default(step=0):
                    tf.summary.text("config", "```\n" + self.config.to_json(indent=2) + "\n```")
        if start < total:
            log_every = self.config.train.log_every
            if verbose is None:
                verbose = 1 if sys.stdout.isatty() else 2
            if not self.chief:
                verbose = 0
            epochs = math.ceil((total - start) / log_every)
            self._set_steps_per_execution(total - start)
            print(f"{self.config.variant} on {self.config.data.name}: steps {start} -> {total} "
                  f"({self.strategy.num_replicas_in_sync} replica(s)), workdir "
                  f"{self.workdir.path}", flush=True)
            try:
                self.model.fit(self.dataset(), epochs=epochs, steps_per_epoch=log_every,
                               callbacks=[TrainingMonitor(self, total)], verbose=verbose)
            except tf.errors.InvalidArgumentError as e:
                raise self._diverged(e) from None
        elif self.chief:
            print(f"already trained to step {start} (asked: {total}); exporting", flush=True)
        if total < self.config.train.steps:
            return None
        return self.export()


def train(config, workdir, strategy=None, verbose=None, until=None):
    """Builds (or resumes) the run in `workdir` and trains it; returns the Run."""
    run = Run(config, workdir, strategy)
    run.train(verbose=verbose, until=until)
    return run
