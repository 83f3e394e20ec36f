"""The contract every registered variant keeps, parametrised from the registry itself.

On a 2-D mixture and on 28-px images, each entry of `VARIANTS` builds from its own config
(at a small width), trains, logs exactly its `metric_names`, resumes bit-exactly from a
checkpoint, exports a `serving_default` that saved_model_cli runs, and makes the same update
on one and on two logical CPU replicas. A new variant is covered by its class, its config
and its registry line.
"""
import os

import numpy as np
import pytest
import tensorflow as tf
from tensorflow.python.tools import saved_model_cli

import helpers
from tfgan_variants import VARIANTS, data

DATASETS = ("ring8", "fashion_mnist")
STEPS = 2
CASES = [(variant, dataset) for variant in sorted(VARIANTS) for dataset in DATASETS]


def _config(variant, dataset):
    """The variant's config at the tests' small size, with a checkpoint after every step."""
    config = helpers.tiny(variant, dataset, STEPS)
    config.train.update({"log_every": 1, "checkpoint_every": 1, "sample_every": STEPS})
    return config


def _saved_model_cli_run(path, z, outdir):
    """What `saved_model_cli run --signature_def serving_default --inputs z=...` computes,
    through the same function, in this process: the `images` output."""
    saved_model_cli.run_saved_model_with_feed_dict(str(path), "serve", "serving_default",
                                                   {"z": z}, str(outdir), True)
    return np.load(outdir / "images.npy")


@pytest.mark.parametrize("variant, dataset", CASES)
def test_variant_trains_resumes_exactly_and_exports(tmp_path, variant, dataset):
    config = _config(variant, dataset)
    straight = helpers.trains_logs_and_resumes_exactly(config, tmp_path)
    assert os.path.exists(tmp_path / "straight" / "samples" / f"step_{STEPS:07d}.png")

    z = np.random.default_rng(0).normal(size=(3, config.latent_dim)).astype(np.float32)
    images = _saved_model_cli_run(tmp_path / "straight" / "saved_model", z, tmp_path / "out")
    assert images.shape == (3, *straight.info.shape) and np.all(np.isfinite(images))
    np.testing.assert_allclose(images, straight.model.generate(tf.constant(z)), atol=1e-5)


@pytest.mark.parametrize("variant, dataset", CASES)
def test_variant_makes_the_same_update_on_one_and_two_replicas(variant, dataset):
    """One training step of the same global batch from the same weights, on one replica and
    on two: every variable moves by the same amount, to float rounding
    (`helpers.assert_same_update`)."""
    config = helpers.with_sgd(_config(variant, dataset))
    shape = data.describe(dataset).shape
    helpers.one_and_two_replicas_make_the_same_update(
        config, shape, lambda model: tf.random.stateless_uniform(
            (config.data.batch_size * model.real_slices, *shape), [1, 2], -1.0, 1.0))
