"""The contract every registered variant keeps, parametrised from the registry itself.

On a 2-D mixture and on 28-px images, each entry of `VARIANTS` builds from its own config
(at a small width), trains, logs exactly its `metric_names`, resumes bit-exactly from a
checkpoint, exports a `serving_default` that saved_model_cli runs, and makes the same update
on one and on two logical CPU replicas. A new variant is covered by its class, its config
and its registry line.
"""
import os
import shutil

import keras
import ml_collections
import numpy as np
import pytest
import tensorflow as tf
from tensorflow.python.tools import saved_model_cli

import conftest
import helpers
from tfgan_variants import VARIANTS, build, data, training

DATASETS = ("ring8", "fashion_mnist")
STEPS = 2
CASES = [(variant, dataset) for variant in sorted(VARIANTS) for dataset in DATASETS]


def _config(variant, dataset):
    """The variant's config at the tests' small size, with a checkpoint after every step."""
    config = helpers.tiny(variant, dataset, STEPS)
    config.train.update({"log_every": 1, "checkpoint_every": 1, "sample_every": STEPS})
    return config


def _as_if_stopped_after_first_step(source, target):
    """A copy of the finished run `source` as a run stopped after step 1's checkpoint."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("saved_model"))
    checkpoints = target / "checkpoints"
    for path in checkpoints.iterdir():
        if path.name.startswith(f"ckpt-{STEPS}."):
            path.unlink()
    first = str(checkpoints / "ckpt-1")
    tf.compat.v1.train.update_checkpoint_state(str(checkpoints), first,
                                               all_model_checkpoint_paths=[first])


def _saved_model_cli_run(path, z, outdir):
    """What `saved_model_cli run --signature_def serving_default --inputs z=...` computes,
    through the same function, in this process: the `images` output."""
    saved_model_cli.run_saved_model_with_feed_dict(str(path), "serve", "serving_default",
                                                   {"z": z}, str(outdir), True)
    return np.load(outdir / "images.npy")


@pytest.mark.parametrize("variant, dataset", CASES)
def test_variant_trains_resumes_exactly_and_exports(tmp_path, variant, dataset):
    config = _config(variant, dataset)
    straight = training.Run(config, tmp_path / "straight")
    initial = helpers.weights(straight)
    straight.train(verbose=0)
    trained = helpers.weights(straight)
    assert straight.step == STEPS
    assert any(not np.array_equal(a, b) for a, b in zip(initial, trained)), "nothing trained"
    for name, tracker in straight.model.trackers.items():
        assert float(tracker.count.numpy()) > 0, f"{name} is in metric_names but not logged"
        assert np.isfinite(float(tracker.result().numpy())), name
    assert os.path.exists(tmp_path / "straight" / "samples" / f"step_{STEPS:07d}.png")

    _as_if_stopped_after_first_step(tmp_path / "straight", tmp_path / "resumed")
    resumed = training.Run(config, tmp_path / "resumed")
    assert resumed.step == 1
    resumed.train(verbose=0)
    for a, b in zip(trained, helpers.weights(resumed), strict=True):
        np.testing.assert_array_equal(a, b)

    z = np.random.default_rng(0).normal(size=(3, config.latent_dim)).astype(np.float32)
    images = _saved_model_cli_run(tmp_path / "straight" / "saved_model", z, tmp_path / "out")
    assert images.shape == (3, *straight.info.shape) and np.all(np.isfinite(images))
    np.testing.assert_allclose(images, straight.model.generate(tf.constant(z)), atol=1e-5)


def _replica_test_config(variant, dataset):
    """The variant's small config with SGD for both networks: Adam's first update is lr times
    the sign of each gradient, which turns float rounding in a near-zero gradient into a
    difference of lr, while SGD keeps an update proportional to its gradient."""
    config = _config(variant, dataset)
    for role in ("g", "d"):
        config.optimizer[role] = ml_collections.ConfigDict({"name": "sgd",
                                                            "learning_rate": 0.01})
    return config


def _state(model):
    """The model's variables but its metrics' (those are per replica under a strategy)."""
    metrics = {id(v) for tracker in model.trackers.values() for v in tracker.variables}
    return [v for v in model.variables if id(v) not in metrics]


def _step(model, batch):
    model.fit(tf.data.Dataset.from_tensors(batch).repeat(), steps_per_epoch=1, epochs=1,
              verbose=0)
    return [v.numpy() for v in _state(model)]


@pytest.mark.parametrize("variant, dataset", CASES)
def test_variant_makes_the_same_update_on_one_and_two_replicas(variant, dataset):
    """One training step of the same global batch from the same weights, on one replica and
    on two: every variable moves by the same amount, to float rounding. The tolerance is 1e-3
    of the variable's own largest change, plus 1e-5 of the largest change of any variable
    (a change that is itself rounding, as of a BatchNorm mean of centred inputs, is only
    rounding on either side), plus a few float32 epsilons of the variable's largest value."""
    config = _replica_test_config(variant, dataset)
    shape = data.describe(dataset).shape
    # Without it, Grappler's rewrites changed wgan_ct's single-replica step by up to 5% of
    # the update about one run in ten (none in 16 with it).
    build.make_deterministic()
    keras.utils.set_random_seed(config.seed)
    single = build.build_model(config, shape)
    with conftest.mirrored_strategy().scope():
        double = build.build_model(config, shape)
    for mine, theirs in zip(_state(double), _state(single), strict=True):
        mine.assign(theirs)
    initial = [v.numpy() for v in _state(single)]
    rows = config.data.batch_size * single.real_slices
    batch = tf.random.stateless_uniform((rows, *shape), [1, 2], -1.0, 1.0)
    one, two = _step(single, batch), _step(double, batch)
    # Float variables that start finite move by a comparable change; the others (integers,
    # and state that starts at infinity, as BEGAN's lowest mean M and MAGAN's margin) are
    # compared by value.
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
