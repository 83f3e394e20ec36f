"""Helpers shared by the test modules: configs and training runs, small models and one update
of them, the variants of a family, and the bar of the learning tests."""
import dataclasses
import json
import os
import shutil
import subprocess
import sys

import keras
import ml_collections
import numpy as np
import pytest
import tensorflow as tf

import conftest
from tfgan_variants import VARIANTS, build, config_base, evaluation, training
from tfgan_variants.models.update import Context

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# ------------------------------------------------------------------ the variants of a family
def family(*modules):
    """Registered variant names whose class lives in one of tfgan_variants.models.<module>."""
    homes = {f"tfgan_variants.models.{module}" for module in modules}
    return tuple(name for name, cls in VARIANTS.items() if cls.__module__ in homes)


def subclasses(*bases):
    """Registered variant names whose class derives from one of `bases`."""
    return tuple(name for name, cls in VARIANTS.items() if issubclass(cls, bases))


# ------------------------------------------------------------------ configs and runs
def load_config(variant, dataset, /, **overrides):
    """The variant's config for `dataset`, logging every 2 steps; `block__key=value` overrides."""
    config = config_base.load(variant, dataset)
    config.train.update({"log_every": 2, "sample_every": 2, "checkpoint_every": 2})
    for dotted, value in overrides.items():
        *blocks, key = dotted.split("__")
        target = config
        for block in blocks:
            target = target[block]
        target[key] = value
    return config


def tiny(variant, dataset, steps):
    """`load_config` narrowed to a batch of 8 and small networks, for `steps` steps."""
    small = {"networks__width": 4} if dataset == "fashion_mnist" else {"networks__width": 16}
    return load_config(variant, dataset, train__steps=steps, data__batch_size=8, **small)


def trains_logs_and_resumes_exactly(config, tmp_path):
    """Trains `config` for its train.steps (a checkpoint after every step) in
    tmp_path/straight, checking that it changed the weights and logged every name of its
    `metric_names` with a finite value; then resumes a copy stopped after step 1 and checks
    that it ends with the same weights and optimizer slots. Returns the straight Run."""
    steps = config.train.steps
    straight = training.Run(config, tmp_path / "straight")
    initial = weights(straight)
    straight.train(verbose=0)
    trained = weights(straight)
    assert straight.step == steps
    assert any(not np.array_equal(a, b) for a, b in zip(initial, trained)), "nothing trained"
    for name, tracker in straight.model.trackers.items():
        assert float(tracker.count.numpy()) > 0, f"{name} is in metric_names but not logged"
        assert np.isfinite(float(tracker.result().numpy())), name
    as_if_stopped_after_first_step(tmp_path / "straight", tmp_path / "resumed", steps)
    resumed = training.Run(config, tmp_path / "resumed")
    assert resumed.step == 1
    resumed.train(verbose=0)
    for a, b in zip(trained, weights(resumed), strict=True):
        np.testing.assert_array_equal(a, b)
    return straight


def as_if_stopped_after_first_step(source, target, steps):
    """A copy of the run `source`, finished at `steps`, as a run stopped after step 1's
    checkpoint."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("saved_model"))
    checkpoints = target / "checkpoints"
    for path in checkpoints.iterdir():
        if path.name.startswith(f"ckpt-{steps}."):
            path.unlink()
    first = str(checkpoints / "ckpt-1")
    tf.compat.v1.train.update_checkpoint_state(str(checkpoints), first,
                                               all_model_checkpoint_paths=[first])


def weights(run):
    """The values of every variable of the run's model and of both its optimizers."""
    return [v.numpy() for v in run.checkpoint.model.variables] + \
           [v.numpy() for v in run.model.g_optimizer.variables + run.model.d_optimizer.variables]


def resume_equals_straight_run(tmp_path, variant, dataset):
    """Trains 4 steps straight, and 2 + 2 with a resume in between; asserts equal weights and
    slots and the step grids of steps 2 and 4. Returns (straight, resumed) runs."""
    straight = training.train(tiny(variant, dataset, 4), tmp_path / "straight", verbose=0)
    interrupted = training.train(tiny(variant, dataset, 4), tmp_path / "resumed", verbose=0,
                                 until=2)
    assert interrupted.step == 2 and not os.path.exists(tmp_path / "resumed" / "saved_model")
    resumed = training.Run(tiny(variant, dataset, 4), tmp_path / "resumed")
    assert resumed.step == 2
    resumed.train(verbose=0)
    assert resumed.step == straight.step == 4
    for a, b in zip(weights(straight), weights(resumed)):
        np.testing.assert_array_equal(a, b)
    grids = [name for name in os.listdir(tmp_path / "resumed" / "samples")
             if name.startswith("step_")]  # a variant's extra pictures have their own names
    assert sorted(grids) == ["step_0000002.png", "step_0000004.png"]
    return straight, resumed


def check_export(run):
    """The run's exported serving_default makes finite samples of the data's shape, equal to
    the model's own `generate`."""
    path = os.path.join(run.workdir.path, "saved_model")
    sample = tf.saved_model.load(path).signatures["serving_default"]
    z = tf.random.normal([3, run.config.latent_dim])
    samples = sample(z=z)["images"].numpy()
    assert samples.shape == (3, *run.info.shape) and np.all(np.isfinite(samples))
    np.testing.assert_allclose(samples, run.model.generate(z), atol=1e-5)


def cli(*args, cwd=ROOT, script="train.py", timeout=600):
    """Runs the repository's `script` (a path under ROOT) with `args`, as a user would."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    return subprocess.run([sys.executable, os.path.join(ROOT, script), *args],
                          capture_output=True, text=True, cwd=cwd, env=env, timeout=timeout)


# ------------------------------------------------------------------ small models
def mlp_networks(variant, seed=0):
    """Small MLPs from the variant's own `build_networks`: G, D and any other network it
    takes (MMD-GAN's decoder), by constructor keyword."""
    keras.utils.set_random_seed(seed)
    config = config_base.base_config(variant, "ring8").networks
    config.update({"width": 16, "depth": 2,
                   "d_out": 8 if variant in ("sphere_gan", "sphere_gan_stable", "mmd_gan",
                                             "cramer_gan") else 1,
                   "d_norm": "spectral" if variant in ("sngan", "sphere_gan_stable") else "none",
                   "d_dropout": 0.5 if variant == "wgan_ct" else 0.0})
    if variant == "infogan":  # codes that fit latent_dim 4: 1 noise + 2 categories + 1
        config.update({"categories": 2, "continuous_codes": 1, "q_width": 8})
    return VARIANTS[variant].build_networks(config, (2,), 4)


def build_variant(variant, networks, strategy, weights=None, **hparams):
    """`variant` on clones of `networks` ((G, D) or a dict), SGD(0.1), in `strategy`'s scope.

    `networks` maps constructor keywords to networks; `weights` network names to weights."""
    if isinstance(networks, tuple):
        networks = {"generator": networks[0], "discriminator": networks[1]}
    if variant == "wgan_ct":
        build.make_deterministic()  # as its config does (configs/wgan_ct.py)
    with strategy.scope():
        clones = {name: keras.models.clone_model(net) for name, net in networks.items()}
        latent_dim = clones["generator"].inputs[-1].shape[-1]  # z is G's last input
        model = VARIANTS[variant](**clones, latent_dim=latent_dim, **hparams)
        model.compile(keras.optimizers.SGD(0.1), keras.optimizers.SGD(0.1))
    for name, values in (weights or {}).items():
        getattr(model, name).set_weights(values)
    return model


def one_step(model, batch, names=("generator", "discriminator")):
    """Trains one step on `batch` through `fit`; returns the weights of the networks `names`."""
    model.fit(tf.data.Dataset.from_tensors(batch).repeat(), steps_per_epoch=1, epochs=1,
              verbose=0)
    return [w for name in names for w in getattr(model, name).get_weights()]


def one_and_two_replicas_make_the_same_update(config, shape, batch_for, num_classes=0):
    """Builds `config`'s model for data of `shape` (class-conditional on `num_classes`
    classes when > 0) on one replica and on two logical CPU replicas with the same weights,
    trains each one step on `batch_for(model)` and asserts `assert_same_update`."""
    # Without it, Grappler's rewrites changed wgan_ct's single-replica step by up to 5% of
    # the update about one run in ten (none in 16 with it).
    build.make_deterministic()
    keras.utils.set_random_seed(config.seed)
    single = build.build_model(config, shape, num_classes)
    with conftest.mirrored_strategy().scope():
        double = build.build_model(config, shape, num_classes)
    for mine, theirs in zip(state(double), state(single), strict=True):
        mine.assign(theirs)
    initial = [v.numpy() for v in state(single)]
    batch = batch_for(single)
    assert_same_update(initial, state_after_step(single, batch), state_after_step(double, batch))


def with_sgd(config):
    """`config` with SGD for both networks, for the replica tests: Adam's first update is lr
    times the sign of each gradient, which turns float rounding in a near-zero gradient into
    a difference of lr, while SGD keeps an update proportional to its gradient."""
    for role in ("g", "d"):
        config.optimizer[role] = ml_collections.ConfigDict({"name": "sgd",
                                                            "learning_rate": 0.01})
    return config


def state(model):
    """The model's variables but its metrics' (those are per replica under a strategy)."""
    metrics = {id(v) for tracker in model.trackers.values() for v in tracker.variables}
    return [v for v in model.variables if id(v) not in metrics]


def state_after_step(model, batch):
    """The values of `state(model)` after one training step on `batch` through `fit`."""
    model.fit(tf.data.Dataset.from_tensors(batch).repeat(), steps_per_epoch=1, epochs=1,
              verbose=0)
    return [v.numpy() for v in state(model)]


def assert_same_update(initial, one, two):
    """Two steps from the state values `initial` (one replica: `one`, two: `two`) moved
    every variable by the same amount, to float rounding. The tolerance is 1e-3 of the
    variable's own largest change, plus 1e-5 of the largest change of any variable (a change
    that is itself rounding, as of a BatchNorm mean of centred inputs, is only rounding on
    either side), plus a few float32 epsilons of the variable's largest value. Float
    variables that start finite move by a comparable change; the others (integers, and state
    that starts at infinity, as BEGAN's lowest mean M and MAGAN's margin) are compared by
    value."""
    moving = [i for i, start in enumerate(initial)
              if np.issubdtype(start.dtype, np.floating) and np.isfinite(start).all()]
    changes = {i: np.abs(one[i] - initial[i]).max(initial=0.0) for i in moving}
    largest = max(changes.values())
    assert largest > 0, "the step changed nothing"
    for i, (start, a, b) in enumerate(zip(initial, one, two, strict=True)):
        if i not in changes:
            np.testing.assert_allclose(a, b, rtol=1e-5)
            continue
        rounding = 4 * np.finfo(np.float32).eps * np.abs(start).max(initial=0.0)
        np.testing.assert_allclose(b - start, a - start, rtol=1e-3,
                                   atol=1e-3 * changes[i] + 1e-5 * largest + rounding)


# ------------------------------------------------------------------ one update
def context_of(model, real=None, fake=None):
    """An update `Context` of `model` on given real and generated batches (arrays or None)."""
    tensor = lambda x: None if x is None else tf.convert_to_tensor(x)  # noqa: E731
    return Context(model, tensor(real), fake=tensor(fake))


def critic_step(model, real):
    """Applies one critic update on the batch `real`; returns its logs (the step stays)."""
    return model.apply_update(model.critic_update(), Context(model, real))


def generator_step(model, batch_size, real=None):
    """Applies one generator update of `batch_size` rows (and `real`, if it reads data)."""
    return model.apply_update(model.generator_update(), Context(model, real, batch_size))


# ------------------------------------------------------------------ learning
def long(*values):
    """A parametrize case marked `long`: left out of CI to fit its time, run by hand with
    `-m long` (pyproject.toml)."""
    return pytest.param(*values, marks=pytest.mark.long)


#: One budget for every variant on grid25: generator updates at the 2-D batch of 256.
GRID25_STEPS = 10000
#: Modes a variant that learns grid25 covers: over three seeds the weakest learners reach 16
#: to 23 (wgan, magan, softmax_gan; docs/results/modes.md), a collapsed generator 1 to 5.
GRID25_MODES = 15
#: The seeds `learns` tries in turn (test_learning.py's doc says why).
SEEDS = (0, 1, 2)


def train_and_evaluate(workdir, variant, dataset, **overrides):
    """Trains `variant` with its own config for `dataset`; returns eval.py's metrics dict."""
    config = load_config(variant, dataset, **overrides)
    config.train.update({"log_every": 500, "sample_every": 2000, "checkpoint_every": 2000})
    training.train(config, workdir, verbose=0)
    result = evaluation.evaluate_workdir(str(workdir))
    print(variant, dataset, f"seed {config.seed}", json.dumps(result))
    return result


@dataclasses.dataclass(frozen=True)
class Covers:
    """The bar: at least `modes` modes covered and `quality` of the samples high quality."""
    modes: int
    quality: float = 0.0
    reported = ("modes_covered", "high_quality_fraction")

    def __call__(self, result):
        return (result["modes_covered"] >= self.modes
                and result["high_quality_fraction"] >= self.quality)

    def __str__(self):
        return f">= {self.modes} modes, >= {self.quality} high quality"


@dataclasses.dataclass(frozen=True)
class FidBelow:
    """The bar on images: FID below `fid` and recall above `recall` (domain classifier)."""
    fid: float
    recall: float = 0.0
    reported = ("fid", "precision", "recall")

    def __call__(self, result):
        return result["fid"] < self.fid and result["recall"] > self.recall

    def __str__(self):
        return f"FID < {self.fid}, recall > {self.recall}"


def learns(workdir, variant, dataset, bar, **overrides):
    """Trains the `SEEDS` in turn until one meets `bar`; fails with every seed's numbers if
    none does. Returns the result that met it."""
    results = {}
    for seed in SEEDS:
        result = train_and_evaluate(workdir / f"seed{seed}", variant, dataset, seed=seed,
                                    **overrides)
        if bar(result):
            return result
        results[seed] = {key: result[key] for key in bar.reported}
    pytest.fail(f"{variant} on {dataset} misses {bar} on every seed: {results}")


def learns_grid25(workdir, variant, **overrides):
    """`learns` grid25 within `GRID25_STEPS` to `GRID25_MODES` modes."""
    return learns(workdir, variant, "grid25", Covers(GRID25_MODES), train__steps=GRID25_STEPS,
                  **overrides)


#: The bar of a variant that works on a mixture, on every seed of the mode benchmark
#: (docs/RESULTS.md): it covers 20 of grid25's 25 modes (7 of ring8's 8) and puts half of its
#: samples within 3 std of a centre.
WORKS = {"grid25": Covers(20, 0.5), "ring8": Covers(7, 0.5)}


def works_on(workdir, variant, dataset):
    """`learns` `dataset` to the `WORKS` bar as the mode benchmark trains it (its budget
    `GRID25_STEPS`, XLA)."""
    return learns(workdir, variant, dataset, WORKS[dataset], train__steps=GRID25_STEPS,
                  train__jit_compile=True)
