"""A training run: built from a config in a workdir (`workdir.py`), resumable, exportable.

Running the same command again resumes from the newest checkpoint. The data order and every
random draw are functions of (seed, step), so a resumed run continues exactly where the
interrupted one would have gone. What a run is made of lives beside this module:
`build.py` (config to compiled model), `distribution.py` (strategies and input),
`checkpoints.py`, `monitor.py` (the per-step schedule and the divergence guard's verdict),
`summaries.py` (TensorBoard and pictures) and `export.py` (the SavedModel).
"""
import math
import sys
import warnings

import keras
import tensorflow as tf

from tfgan_variants import (MODELS, build, checkpoints, data, distribution, evaluation, export,
                            labelled)
from tfgan_variants.errors import UserError
from tfgan_variants.monitor import TrainingDiverged, TrainingMonitor
from tfgan_variants.summaries import Summaries
from tfgan_variants.workdir import Workdir

# Our datasets are shuffled by data.py; Keras' fit warns that it cannot shuffle them.
warnings.filterwarnings("ignore", message="`shuffle=True` was passed")

__all__ = ["Run", "TrainingDiverged", "train"]


class Run:
    """One training run in a workdir: built from a config, resumable, exportable."""

    def __init__(self, config, workdir, strategy=None):
        build.validate(config)
        self.config = config
        self.workdir = Workdir(workdir)
        self.strategy = strategy or tf.distribute.get_strategy()
        self.chief = distribution.is_chief(self.strategy)
        replicas = self.strategy.num_replicas_in_sync
        if config.data.batch_size % replicas:
            raise UserError(f"--config.data.batch_size={config.data.batch_size} does not divide "
                            f"among {replicas} replicas")
        if MODELS[config.variant].needs_labels and config.data.labelled_batch_size % replicas:
            raise UserError(f"--config.data.labelled_batch_size="
                            f"{config.data.labelled_batch_size} does not divide among "
                            f"{replicas} replicas")
        self.conditional = bool(config.data.get("conditional", False))
        self.info = data.describe(config.data.name, image_size=config.data.image_size or None,
                                  data_dir=config.data.data_dir or None,
                                  split=config.data.split, labels=self.conditional)
        if self.chief:
            self.workdir.prepare(config)
        keras.utils.set_random_seed(config.seed)  # initial weights are a function of the seed
        if config.train.deterministic:
            build.make_deterministic()
        with self.strategy.scope():
            self.model = build.build_model(config, self.info.shape, self.info.num_classes or 0)
        self.checkpoints = checkpoints.Checkpoints(self.model, self.workdir, self.strategy,
                                                   config.train.keep_checkpoints)
        self.restored_from = self.checkpoints.restore_latest()
        self.labelled = None
        if self.model.needs_labels:
            self.labelled = labelled.subset(config.data.name, config.data.labels_per_class,
                                            config.seed, self.workdir.path if self.chief else None)
        self._evaluator = None
        self._test_split = None
        self.best = self.workdir.read_best(self.step)
        self.summaries = None
        if self.chief:
            evaluation.truncate_json_lines(self.workdir.eval_log, self.step)
            self.summaries = Summaries(config, self.info, self.model, self.workdir, self._load)

    @property
    def step(self):
        return int(self.model.step.numpy())

    @property
    def checkpoint(self):
        """The `tf.train.Checkpoint` of G, D, both optimizers and the model."""
        return self.checkpoints.checkpoint

    def dataset(self):
        """Batches of real_slices * global batch, starting where the restored step left off,
        as (images, labels) for a class-conditional run, each paired with a labelled batch
        for a semi-supervised model; under several
        replicas, distributed by `distribution.replica_batches`."""
        if self.strategy.num_replicas_in_sync == 1:
            return self._step_batches()
        return self.strategy.distribute_datasets_from_function(
            lambda context: distribution.replica_batches(self._step_batches(), context))

    def _step_batches(self):
        """The global batches of the steps from the restored one on."""
        unlabelled = self._load(self.config.data.batch_size * self.model.real_slices,
                                start_batch=self.step)
        if self.labelled is None:
            return unlabelled
        images, labels, _ = self.labelled
        labelled_batches = labelled.pipeline(images, labels,
                                             self.config.data.labelled_batch_size,
                                             seed=self.config.seed, start_batch=self.step)
        return tf.data.Dataset.zip(unlabelled, labelled_batches)

    def _load(self, batch_size, start_batch=0):
        """`data.load` of the run's dataset and settings."""
        config = self.config
        return data.load(config.data.name, batch_size, seed=config.seed,
                         start_batch=start_batch, split=config.data.split,
                         image_size=config.data.image_size or None,
                         data_dir=config.data.data_dir or None, labels=self.conditional,
                         fraction=config.data.get("fraction", 1.0))

    # -- evaluation during training
    def evaluator(self):
        if self._evaluator is None:
            config = self.config
            self._evaluator = evaluation.Evaluator(
                config.data.name, config.eval.num_samples, config.eval.metrics,
                config.eval.feature_extractor, image_size=config.data.image_size or None,
                data_dir=config.data.data_dir or None,
                inception_weights=config.eval.get("inception_weights") or None,
                conditional=self.conditional)
        return self._evaluator

    def evaluate(self, step):
        """Scores the generator now (its average, when the run keeps one): TensorBoard
        `eval/*`, a line of eval.jsonl, and a checkpoint in best_checkpoint/ whenever the FID
        is the lowest so far."""
        with self.model.averaged():
            result, _ = self.evaluator().evaluate(self.model.generate, self.config.latent_dim,
                                                  seed=self.config.seed)
        if self.labelled is not None:
            result["test_error"] = self.test_error()
        result["step"] = step
        fid = result.get("fid")
        if fid is not None and (self.best is None or fid < self.best["fid"]):
            self.checkpoints.save_best(step)
            self.best = {"step": step, "fid": fid}
            if self.chief:
                self.workdir.write_best(self.best)
        if self.chief:
            evaluation.write_json_lines(self.workdir.eval_log, result)
            self.summaries.evaluation(step, result)
        return result

    def test_error(self):
        """The classifier's error on the test split (a semi-supervised model)."""
        if self._test_split is None:
            self._test_split = labelled.test_split(self.config.data.name)
        return labelled.error_rate(self.model.classify, *self._test_split)

    def export(self):
        if self.chief:
            return export.export_model(self.model, self.workdir.saved_model)
        return None

    # -- training
    def steps_per_execution(self, remaining):
        """Steps per graph call: config.train.steps_per_execution, divided down until every
        interval the monitor acts on (and the steps left) is a multiple of it; set on the
        model."""
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

    def train(self, verbose=None, until=None):
        """Trains up to config.train.steps, resuming from the newest checkpoint; exports G.

        `until` stops earlier, at that step, with a checkpoint, as a preempted job would;
        the schedule (learning-rate decay) is still that of config.train.steps.
        """
        total, start = min(self.config.train.steps, until or math.inf), self.step
        if self.chief:
            self.workdir.write_config(self.config)
            if start == 0:
                self.summaries.config_text()
        if start < total:
            log_every = self.config.train.log_every
            if verbose is None:
                verbose = 1 if sys.stdout.isatty() else 2
            if not self.chief:
                verbose = 0
            self.steps_per_execution(total - start)
            print(f"{self.config.variant} on {self.config.data.name}: steps {start} -> {total} "
                  f"({self.strategy.num_replicas_in_sync} replica(s)), workdir "
                  f"{self.workdir.path}", flush=True)
            self.model.fit(self.dataset(), epochs=math.ceil((total - start) / log_every),
                           steps_per_epoch=log_every, verbose=verbose,
                           callbacks=[TrainingMonitor(self, total)])
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
