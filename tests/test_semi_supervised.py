"""Semi-supervised classification: the labelled subsets and their pipeline, the losses
against their closed forms, the tangent penalty against an explicit Jacobian, weight
normalisation, and the contract of the three methods (train, resume exactly, export a
`classify` signature whose test error is eval.py's, one and two replicas alike)."""
import json
import os

import keras
import ml_collections
import numpy as np
import pytest
import tensorflow as tf
from tensorflow.python.tools import saved_model_cli

import conftest
import helpers
from tfgan_variants import (MODELS, SEMI_SUPERVISED, VARIANTS, build, config_base,
                            evaluation, labelled, losses, training)
from tfgan_variants.errors import UserError
from tfgan_variants.layers import WeightNormDense
from tfgan_variants.models.semi_supervised import tangent_penalty
from tfgan_variants.models.update import Context

METHODS = ("labels_only", "improved_gan", "localized_gan")
STEPS = 2


def _config(method, steps=STEPS, **overrides):
    """The method's config at a batch of 8 unlabelled and 10 labelled examples, 1 label per
    class, a checkpoint after every step and no evaluation."""
    config = config_base.load("semi_supervised", method)
    config.data.update({"batch_size": 8, "labelled_batch_size": 10, "labels_per_class": 1})
    config.train.update({"steps": steps, "log_every": 1, "checkpoint_every": 1,
                         "sample_every": steps})
    config.eval.every = 0
    config.update(overrides)
    return config


# ------------------------------------------------------------------ labelled subsets
def test_a_draw_takes_k_distinct_examples_of_every_class_as_its_seed_says():
    labels = np.repeat(np.arange(4), 25)[np.random.default_rng(0).permutation(100)]
    first = labelled.draw(labels, 3, seed=0)
    assert len(first) == 12 and len(set(first)) == 12 and np.all(np.diff(first) > 0)
    np.testing.assert_array_equal(np.bincount(labels[first]), [3, 3, 3, 3])
    np.testing.assert_array_equal(labelled.draw(labels, 3, seed=0), first)
    assert not np.array_equal(labelled.draw(labels, 3, seed=1), first)
    with pytest.raises(UserError, match="fewer than labels_per_class"):
        labelled.draw(labels, 26, seed=0)
    with pytest.raises(UserError, match="must be positive"):
        labelled.draw(labels, 0, seed=0)


def test_the_subset_is_saved_in_the_workdir_and_read_back(tmp_path):
    images, labels, indices = labelled.subset("fashion_mnist", 2, 5, str(tmp_path))
    assert images.shape == (20, 28, 28, 1) and images.dtype == np.uint8
    np.testing.assert_array_equal(np.bincount(labels), [2] * 10)
    saved = json.loads((tmp_path / labelled.INDICES_FILE).read_text())
    assert saved["indices"] == indices.tolist() and saved["labels_per_class"] == 2
    # The saved draw wins over a new one: a resumed run keeps its labels.
    again = labelled.subset("fashion_mnist", 2, 6, str(tmp_path))
    np.testing.assert_array_equal(again[2], indices)
    with pytest.raises(UserError, match="holds 2 labels per class, not 3"):
        labelled.subset("fashion_mnist", 3, 5, str(tmp_path))
    (tmp_path / labelled.INDICES_FILE).write_text("{not json")
    with pytest.raises(UserError, match="unreadable"):
        labelled.subset("fashion_mnist", 2, 5, str(tmp_path))


def test_the_labelled_pipeline_resumes_at_any_batch_and_keeps_pairs():
    images = np.arange(7 * 4, dtype=np.uint8).reshape(7, 2, 2, 1)
    labels = np.arange(7, dtype=np.int64)
    stream = list(labelled.pipeline(images, labels, 3, seed=4).take(6).as_numpy_iterator())
    resumed = list(labelled.pipeline(images, labels, 3, seed=4, start_batch=4)
                   .take(2).as_numpy_iterator())
    for (a_x, a_y), (b_x, b_y) in zip(stream[4:], resumed, strict=True):
        np.testing.assert_array_equal(a_x, b_x)
        np.testing.assert_array_equal(a_y, b_y)
    for x, y in stream:   # each image still carries its own label
        np.testing.assert_allclose(x[:, 0, 0, 0], (4 * y) / 127.5 - 1.0, atol=1e-6)
    first_pass = np.concatenate([y for _, y in stream])[:6]
    assert len(set(first_pass)) == 6   # a permutation within a pass: no repeats


def test_error_rate_counts_wrong_arg_maxima():
    logits = np.eye(3, dtype=np.float32)[[0, 1, 2, 0]]
    assert labelled.error_rate(lambda x: x, logits, np.array([0, 1, 2, 1]), batch_size=3) == 0.25


# ------------------------------------------------------------------ objectives
def test_semi_supervised_losses_match_their_closed_forms():
    rng = np.random.default_rng(1)
    real, fake = rng.normal(size=(5, 4)), rng.normal(size=(6, 4))
    labels = rng.integers(0, 4, size=5)
    z_real, z_fake = np.exp(real).sum(-1), np.exp(fake).sum(-1)
    d_real, d_fake = z_real / (z_real + 1), z_fake / (z_fake + 1)
    expected = -np.log(d_real).mean() - np.log(1 - d_fake).mean()
    np.testing.assert_allclose(losses.semi_supervised_discriminator_loss(real, fake), expected,
                               rtol=1e-5)
    softmax = np.exp(real) / z_real[:, None]
    np.testing.assert_allclose(losses.supervised_cross_entropy(real, labels),
                               -np.log(softmax[np.arange(5), labels]).mean(), rtol=1e-5)
    f_real, f_fake = rng.normal(size=(5, 3)), rng.normal(size=(6, 3))
    np.testing.assert_allclose(losses.feature_matching_loss(f_real, f_fake),
                               np.mean((f_real.mean(0) - f_fake.mean(0)) ** 2), rtol=1e-5)


def _log_softmax_model(data_shape, classes=3):
    inputs = keras.Input(data_shape)
    hidden = keras.layers.Dense(6, activation="tanh")(keras.layers.Flatten()(inputs))
    logits = keras.layers.Dense(classes)(hidden)
    return keras.Model(inputs, keras.layers.Activation("log_softmax")(logits))


def test_the_tangent_penalty_is_the_squared_norm_of_J_transpose_times_each_gradient():
    """Against reverse-mode gradients of each log p(k | x) projected on J's columns."""
    keras.utils.set_random_seed(0)
    model = _log_softmax_model((2, 2, 1))
    x = tf.random.stateless_normal([4, 2, 2, 1], [0, 1])
    jacobian = tf.random.stateless_normal([4, 4, 3], [0, 2])   # 3 tangent directions
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        outputs = model(x)
        per_class = [outputs[:, k] for k in range(3)]
    expected = 0.0
    for k in range(3):
        gradient = tf.reshape(tape.gradient(per_class[k], x), [4, 4, 1])
        expected += tf.reduce_sum(tf.square(tf.matmul(jacobian, gradient, transpose_a=True)),
                                  axis=[1, 2])
    penalty = tangent_penalty(model, x, jacobian)
    np.testing.assert_allclose(penalty, tf.reduce_mean(expected), rtol=1e-4)
    # Three of six axes: the sum over them, scaled by 6 / 3.
    np.testing.assert_allclose(tangent_penalty(model, x, jacobian, latent_dim=6),
                               2 * penalty, rtol=1e-6)


def test_the_tangent_penalty_trains_the_classifier_through_its_forward_derivative():
    keras.utils.set_random_seed(0)
    model = _log_softmax_model((3,))
    x = tf.random.stateless_normal([5, 3], [1, 1])
    jacobian = tf.random.stateless_normal([5, 3, 2], [1, 2])
    with tf.GradientTape() as tape:
        penalty = tangent_penalty(model, x, jacobian)
    gradients = tape.gradient(penalty, model.trainable_variables)
    assert all(g is not None for g in gradients)
    # One coordinate's finite difference.
    kernel = model.trainable_variables[0]
    step = 1e-3
    original = kernel.numpy()
    values = []
    for sign in (1, -1):
        shifted = original.copy()
        shifted[0, 0] += sign * step
        kernel.assign(shifted)
        values.append(float(tangent_penalty(model, x, jacobian)))
    kernel.assign(original)
    np.testing.assert_allclose(gradients[0][0, 0], (values[0] - values[1]) / (2 * step),
                               rtol=2e-2)


def test_weight_norm_dense_is_g_times_the_normalised_direction():
    layer = WeightNormDense(3, scale_init=2.0)
    x = tf.random.stateless_normal([4, 5], [2, 2])
    y = layer(x)
    v = layer.direction.numpy()
    expected = x.numpy() @ (2.0 * v / np.linalg.norm(v, axis=0))
    np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-6)
    layer.direction.assign(7.0 * v)   # the direction's length does not matter
    np.testing.assert_allclose(layer(x), y, rtol=1e-5, atol=1e-6)
    fixed = WeightNormDense(3, trainable_scale=False)
    fixed.build((None, 5))
    assert len(fixed.trainable_weights) == 2   # direction and bias; g held fixed


# ------------------------------------------------------------------ configs
def test_the_config_names_its_methods_and_refuses_others():
    assert set(SEMI_SUPERVISED) == {"labels_only", "improved_gan", "localized_gan_ssl"}
    assert not set(SEMI_SUPERVISED) & set(VARIANTS)
    for method in METHODS:
        config = config_base.load("semi_supervised", method)
        assert MODELS[config.variant].needs_labels
        build.validate(config)
    with pytest.raises(UserError, match="unknown semi-supervised method 'bad'"):
        config_base.load("semi_supervised", "bad")


def test_bad_labelled_settings_are_one_line_errors(tmp_path):
    config = _config("improved_gan")
    config.data.name = "ring8"
    with pytest.raises(UserError, match="needs a labelled dataset"):
        build.validate(config)
    config = _config("improved_gan")
    config.data.labels_per_class = 0
    with pytest.raises(UserError, match="labels_per_class must be a positive integer"):
        build.validate(config)
    config = _config("improved_gan")
    config.data.labelled_batch_size = 9
    with pytest.raises(UserError, match="does not divide among 2 replicas"):
        training.Run(config, tmp_path / "run", conftest.mirrored_strategy())


def test_localized_gan_takes_any_of_its_local_generators():
    config = config_base.load("semi_supervised", "localized_gan").networks
    cls = MODELS["localized_gan_ssl"]
    x, z = tf.zeros([2, 28, 28, 1]), tf.zeros([2, 32])
    for kind, name in (("improved_gan", "improved_gan_local_generator"),
                       ("conditional", "improved_gan_conditional_local_generator"),
                       ("dcgan", "local_generator")):
        config.local_generator = kind
        generator = cls.build_networks(config, (28, 28, 1), 32)["generator"]
        assert generator.name == name and generator([x, z]).shape == (2, 28, 28, 1)
    config.local_generator = "resnet"
    with pytest.raises(UserError, match="must be 'improved_gan', 'conditional' or 'dcgan'"):
        cls.build_networks(config, (28, 28, 1), 32)


def test_the_tangent_penalty_counts_from_tangent_start():
    """Before `tangent_start` the classifier's loss is Improved GAN's; from it on, the loss
    adds tangent_weight times the logged penalty."""
    config = _config("localized_gan")
    config.hparams.update({"tangent_weight": 3.0, "tangent_start": 5})
    model = build.build_model(config, (28, 28, 1))
    real = tf.random.stateless_uniform([8, 28, 28, 1], [2, 0], -1, 1)
    labelled_batch = (real[:4], tf.constant([0, 1, 2, 3]))
    excess = []
    for step in (4, 5):
        model.steps_done.assign(step)
        context = Context(model, real, labelled=labelled_batch)
        loss, logs = model.discriminator_objective(context)
        assert float(logs["tangent"]) > 0
        base = logs["supervised"] + model.unlabelled_weight * logs["unsupervised"]
        excess.append((float(loss - base), float(logs["tangent"])))
    assert excess[0][0] == pytest.approx(0.0, abs=1e-6)
    assert excess[1][0] == pytest.approx(3.0 * excess[1][1], rel=1e-5)
    # At lambda 0 the loss is Improved GAN's, and Omega is neither computed nor tracked.
    config.hparams.tangent_weight = 0.0
    model = build.build_model(config, (28, 28, 1))
    model.steps_done.assign(5)
    loss, logs = model.discriminator_objective(Context(model, real, labelled=labelled_batch))
    assert "tangent" not in logs and "tangent" not in model.trackers
    assert float(loss) == pytest.approx(
        float(logs["supervised"] + model.unlabelled_weight * logs["unsupervised"]), rel=1e-6)


def test_label_weight_adds_the_classifiers_cross_entropy_on_the_reconstructions():
    """G's loss is feature matching plus the priors plus label_weight times the logged
    label-maintenance term, -E log p(y | G(x, 0)) on the labelled batch, which reads the
    labels and trains G. At label_weight 0 the term is neither computed nor tracked."""
    config = _config("localized_gan")
    real = tf.random.stateless_uniform([8, 28, 28, 1], [3, 0], -1, 1)
    config.hparams.label_weight = 0.0
    model = build.build_model(config, (28, 28, 1))
    _, logs = model.generator_objective(
        Context(model, real, labelled=(real[:4], tf.constant([0, 1, 2, 3]))))
    assert "label_maintenance" not in logs and "label_maintenance" not in model.trackers
    assert set(logs) <= set(model.trackers)
    config.hparams.label_weight = 3.0
    model = build.build_model(config, (28, 28, 1))
    assert "label_maintenance" in model.trackers
    logs_by_labels = []
    for labels in ([0, 1, 2, 3], [5, 6, 7, 8]):
        context = Context(model, real, labelled=(real[:4], tf.constant(labels)))
        with tf.GradientTape() as tape:
            loss, logs = model.generator_objective(context)
        rest = (logs["g_loss"] + model.locality_weight * logs["locality"]
                + model.orthonormality_weight * logs["orthonormality"])
        assert float(logs["label_maintenance"]) > 0.1
        assert float(loss) == pytest.approx(float(rest + 3.0 * logs["label_maintenance"]),
                                            rel=1e-5)
        logs_by_labels.append(float(logs["label_maintenance"]))
    assert logs_by_labels[0] != pytest.approx(logs_by_labels[1], rel=1e-3)
    gradients = tape.gradient(logs["label_maintenance"], model.generator.trainable_variables)
    assert any(float(tf.reduce_sum(tf.abs(g))) > 0 for g in gradients if g is not None)
    config.hparams.label_weight = -1.0
    with pytest.raises(UserError, match="must be >= 0"):
        build.build_model(config, (28, 28, 1))


def test_localized_gan_refuses_xla_with_a_one_line_error():
    config = _config("localized_gan")
    config.train.jit_compile = True
    with pytest.raises(UserError, match="cannot be compiled with XLA"):
        build.build_model(config, (28, 28, 1))


# ------------------------------------------------------------------ the contract
@pytest.mark.parametrize("method", METHODS)
def test_a_method_trains_resumes_exactly_and_exports_its_classifier(tmp_path, method):
    straight = helpers.trains_logs_and_resumes_exactly(_config(method), tmp_path)
    assert (tmp_path / "straight" / labelled.INDICES_FILE).exists()

    # saved_model_cli runs `classify`; it gives the model's logits, and eval.py's test error
    # is the run's.
    images, _ = labelled.test_split("fashion_mnist")
    saved_model = tmp_path / "straight" / "saved_model"
    saved_model_cli.run_saved_model_with_feed_dict(str(saved_model), "serve", "classify",
                                                   {"images": images[:5]},
                                                   str(tmp_path / "out"), True)
    logits = np.load(tmp_path / "out" / "logits.npy")
    assert logits.shape == (5, 10)
    np.testing.assert_allclose(logits, straight.model.classify(images[:5]), rtol=1e-5,
                               atol=1e-5)
    error = evaluation.saved_model_test_error(str(saved_model), "fashion_mnist")
    assert error == straight.test_error() and 0.0 < error < 1.0


@pytest.mark.parametrize("method", METHODS)
def test_a_method_makes_the_same_update_on_one_and_two_replicas(method):
    """As the variants' contract test: one step of the same batch from the same weights, SGD,
    on one and two logical CPU replicas."""
    config = _config(method)
    for role in ("g", "d"):
        config.optimizer[role] = ml_collections.ConfigDict({"name": "sgd",
                                                            "learning_rate": 0.01})
    shape = (28, 28, 1)

    def batch(model):
        real = tf.random.stateless_uniform((8 * model.real_slices, *shape), [1, 2], -1.0, 1.0)
        return real, (tf.random.stateless_uniform((10, *shape), [1, 3], -1.0, 1.0),
                      tf.range(10) % 10)

    helpers.one_and_two_replicas_make_the_same_update(config, shape, batch)


def test_the_default_method_runs_from_the_command_line(tmp_path):
    """train.py with the semi-supervised config; the workdir holds the draw and the export."""
    result = helpers.cli(
        "--config=configs/semi_supervised.py:improved_gan",
        f"--workdir={tmp_path / 'run'}", "--config.train.steps=2", "--config.train.log_every=1",
        "--config.train.checkpoint_every=1", "--config.train.sample_every=2",
        "--config.eval.every=0", "--config.data.labels_per_class=2")
    assert result.returncode == 0, result.stderr[-2000:]
    saved = json.loads((tmp_path / "run" / labelled.INDICES_FILE).read_text())
    assert len(saved["indices"]) == 20
    assert os.path.isdir(tmp_path / "run" / "saved_model")
