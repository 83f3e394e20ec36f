"""The training recipes every variant can use: an exponential moving average of G's weights
(`averaging.py`, train.ema_decay), differentiable augmentation of D's inputs (`augment.py`,
train.augment), and training on a seeded subset of the data (data.fraction).

Checked against closed forms (the transforms, one step of the average, standing batch-norm
statistics), through every variant's step (each calls D on augmented images only), through
the engine's replica and resume guarantees, and through the export, whose `serving_default`
samples the average and `serving_default_raw` G itself.
"""

import json
import os

import keras
import numpy as np
import pytest
import tensorflow as tf

import helpers
from tfgan_variants import (VARIANTS, augment, averaging, build, config_base, data, export,
                            training)
from tfgan_variants.errors import UserError

POLICY = "translation,cutout,color"
#: D's calls in training mode that read images without augmentation, by design: VAE-GAN's
#: L_llike compares D's features of x and of its reconstruction, which must see one
#: transform, and D is not trained on it.
UNAUGMENTED_BY_DESIGN = {"vae_gan": 2}


class FixedDraws:
    """The draws of `augment.apply` from given arrays, in order of use."""

    def __init__(self, *values):
        self.values = list(values)

    def random_uniform(self, shape):
        return tf.reshape(tf.constant(self.values.pop(0), tf.float32), shape)

    def random_integers(self, shape, low, high):
        value = tf.constant(self.values.pop(0), tf.int32)
        assert bool(tf.reduce_all((value >= low) & (value < high)))
        return value


def _images(n=2, size=8, channels=1, seed=0):
    return tf.random.stateless_uniform([n, size, size, channels], [seed, 1], -1.0, 1.0)


# ------------------------------------------------------------------ DiffAugment
def test_policy_is_parsed_in_the_authors_order_and_bad_names_refused():
    assert augment.parse_policy("cutout, color,translation") == ("color", "translation",
                                                                 "cutout")
    assert augment.parse_policy("") == ()
    with pytest.raises(UserError, match=r"unknown --config.train.augment transform\(s\) "
                                        r"\['flip'\]"):
        augment.parse_policy("translation,flip")


def test_translation_moves_each_image_by_its_shift_with_zeros_shifted_in():
    images = _images(n=2, size=8)
    # Shifts of at most round(8 / 8) = 1 pixel (rows drawn first, then columns): image 0
    # down 1 and left 1, image 1 up 1.
    moved = augment.translation(images, FixedDraws([1, -1], [-1, 0])).numpy()
    x = images.numpy()
    expected0 = np.zeros_like(x[0])
    expected0[1:, :-1] = x[0, :-1, 1:]
    expected1 = np.zeros_like(x[1])
    expected1[:-1] = x[1, 1:]
    np.testing.assert_array_equal(moved[0], expected0)
    np.testing.assert_array_equal(moved[1], expected1)


def test_cutout_zeroes_a_square_of_half_the_side_clipped_at_the_border():
    images = tf.ones([2, 8, 8, 1])
    # side 4; offsets drawn on [0, 9): start = offset - 2.
    cut = augment.cutout(images, FixedDraws([4, 0], [4, 8])).numpy()[..., 0]
    assert (cut[0] == 0).sum() == 16 and (cut[0, 2:6, 2:6] == 0).all()
    # Image 1: rows -2..1 (2 inside), columns 6..9 (2 inside): a 2 x 2 corner.
    assert (cut[1] == 0).sum() == 4 and (cut[1, :2, 6:] == 0).all()


def test_color_is_brightness_saturation_and_contrast_as_the_authors_write_them():
    images = _images(n=2, size=4, channels=3)
    u = [np.array([0.2, 0.9]), np.array([0.3, 0.6]), np.array([0.1, 0.7])]
    out = augment.color(images, FixedDraws(*u)).numpy()
    x = images.numpy() + (u[0][:, None, None, None] - 0.5)
    mean = x.mean(axis=3, keepdims=True)
    x = (x - mean) * (2 * u[1][:, None, None, None]) + mean
    mean = x.mean(axis=(1, 2, 3), keepdims=True)
    x = (x - mean) * (u[2][:, None, None, None] + 0.5) + mean
    np.testing.assert_allclose(out, x, rtol=1e-5, atol=1e-6)


def test_saturation_leaves_one_channel_as_it_is():
    images = _images(n=2, size=4, channels=1)
    u = [np.array([0.5, 0.5]), np.array([0.0, 1.0]), np.array([0.5, 0.5])]
    np.testing.assert_allclose(augment.color(images, FixedDraws(*u)), images, atol=1e-6)


def test_the_gradient_passes_through_the_transforms():
    """d sum(w * T(x)) / dx is w moved back by the translation (and 0 where cut out): G's
    gradient reaches it through D(T(G(z)))."""
    images = _images(n=1, size=8)
    weights = tf.random.stateless_normal([1, 8, 8, 1], [3, 4])
    with tf.GradientTape() as tape:
        tape.watch(images)
        moved = augment.translation(images, FixedDraws([1], [0]))
        total = tf.reduce_sum(weights * moved)
    grad = tape.gradient(total, images).numpy()
    expected = np.zeros_like(grad)
    expected[0, :-1] = weights.numpy()[0, 1:]
    np.testing.assert_array_equal(grad, expected)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_every_variant_reads_d_on_augmented_images_only(variant):
    """One training step with the policy on: every call of D in training mode, in the critic
    and the generator updates, reads images that went through `GAN.augment` (which the
    step calls at least for a real and a generated batch), and the step stays finite."""
    config = _recipe_config(variant)
    model = build.build_model(config, (28, 28, 1))
    augmented = []
    original = model.augment

    def recording(samples):
        out = original(samples)
        augmented.append(out)
        return out

    model.augment = recording
    seen = []
    call = model.discriminator.call

    def reading(inputs, *args, training=None, **kwargs):
        if training:
            seen.append(inputs[0] if isinstance(inputs, (list, tuple)) else inputs)
        return call(inputs, *args, training=training, **kwargs)

    model.discriminator.call = reading
    batch = tf.random.stateless_uniform([config.data.batch_size * model.real_slices, 28, 28, 1],
                                        [1, 2], -1.0, 1.0)
    if model.needs_labels:
        batch = (batch, (batch[:config.data.labelled_batch_size],
                         tf.zeros([config.data.labelled_batch_size], tf.int32)))
    logs = model.train_step(batch)
    assert len(augmented) >= 2, f"{variant} augments {len(augmented)} batches"
    unaugmented = [x for x in seen if not any(x is a for a in augmented)]
    assert len(unaugmented) == UNAUGMENTED_BY_DESIGN.get(variant, 0), \
        f"{variant} calls D on {len(unaugmented)} unaugmented batch(es)"
    assert all(np.isfinite(float(v)) for v in logs.values())
    # The step moved G away from its average (decay 0.9), and `generate`, however the variant
    # writes it, samples the average within `averaged()`.
    z = model.sample_latent(4)
    raw = model.generate(z).numpy()
    with model.averaged():
        average = model.generate(z).numpy()
    assert np.all(np.isfinite(average)) and not np.allclose(raw, average), \
        f"{variant}'s generate does not sample the average"
    np.testing.assert_array_equal(model.generate(z).numpy(), raw)


def test_augmentation_on_a_2d_mixture_is_refused_in_one_line():
    config = helpers.tiny("ns_gan", "ring8", 2)
    config.train.augment = "translation"
    with pytest.raises(UserError, match="ring8 is a 2-D mixture"):
        build.validate(config)


# ------------------------------------------------------------------ the average of G
def test_one_step_of_the_average_is_the_closed_form():
    generator = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2),
                                  keras.layers.BatchNormalization()])
    average = keras.models.clone_model(generator)
    averaging.copy(average, generator)
    before = [w.numpy() for w in average.weights]
    for w in generator.weights:
        w.assign(w + 1.0)
    averaging.update(average, generator, 0.9)
    for w, old, new in zip(average.weights, before, generator.weights):
        expected = 0.9 * old + 0.1 * new.numpy() if new.trainable else new.numpy()
        np.testing.assert_allclose(w.numpy(), expected, rtol=1e-6)


def test_standing_statistics_are_the_mean_of_the_batch_statistics():
    network = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3),
                                keras.layers.BatchNormalization()])
    network.trainable = False   # as the model's average is
    inputs = []

    def sample(z):
        inputs.append(network.layers[0](z).numpy())
        return network(z, training=True)

    averaging.standing_statistics(network, sample, batches=5, latent_dim=4, batch_size=16)
    norm = network.layers[1]
    np.testing.assert_allclose(norm.moving_mean.numpy(),
                               np.mean([x.mean(0) for x in inputs], 0), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(norm.moving_variance.numpy(),
                               np.mean([x.var(0) for x in inputs], 0), rtol=1e-4)
    assert norm.momentum == keras.layers.BatchNormalization().momentum   # restored
    assert not norm.trainable and not norm.gamma.trainable


def test_the_average_is_sampled_with_its_own_standing_statistics():
    config = helpers.tiny("sngan", "fashion_mnist", 1)
    config.train.update({"ema_decay": 0.5, "ema_standing_batches": 3})
    model = build.build_model(config, (28, 28, 1))
    average = model.averaged_generator
    norm = averaging.batch_norms(average)[0]
    before = norm.input   # the first batch norm reads the dense layer's output of z
    inputs = keras.Model(average.inputs, before)
    expected = np.mean([inputs(tf.random.stateless_normal(
        [averaging.STANDING_BATCH, config.latent_dim], [averaging.STANDING_SEED, k])).numpy()
        .mean(0) for k in range(3)], 0)
    with model.averaged():
        assert model.generator is average
        np.testing.assert_allclose(norm.moving_mean.numpy(), expected, rtol=1e-4, atol=1e-6)
    assert model.generator is not average


def test_the_model_averages_g_after_each_step_from_the_start_step():
    config = helpers.tiny("ns_gan", "ring8", 2)
    config.train.update({"ema_decay": 0.5, "ema_start": 1})
    model = build.build_model(config, (2,))
    step = tf.function(model.train_step)
    batch = tf.random.stateless_normal([config.data.batch_size, 2], [1, 2])
    trainable = [w.trainable for w in model.generator.weights]

    def g():
        return [w.numpy() for w in model.generator.weights]

    step(batch)                         # step 0, before the start: a copy
    for a, w in zip(model.averaged_generator.weights, g()):
        np.testing.assert_array_equal(a.numpy(), w)
    previous = g()
    step(batch)                         # step 1: the average of G's last two weights
    for a, old, new, is_trainable in zip(model.averaged_generator.weights, previous, g(),
                                         trainable):
        np.testing.assert_allclose(a.numpy(), 0.5 * old + 0.5 * new if is_trainable else new,
                                   rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("variant", ["sngan", "wgan_gp", "sphere_gan"])
def test_both_recipes_make_the_same_update_on_one_and_two_replicas(variant):
    config = helpers.with_sgd(_recipe_config(variant))
    helpers.one_and_two_replicas_make_the_same_update(
        config, (28, 28, 1),
        lambda model: tf.random.stateless_uniform(
            [config.data.batch_size * model.real_slices, 28, 28, 1], [1, 2], -1.0, 1.0))


def test_a_run_with_both_recipes_resumes_exactly_and_exports_both_generators(tmp_path):
    """Under XLA, on 10% of the data."""
    config = _recipe_config("sngan", steps=2)
    config.data.fraction = 0.1
    config.train.update({"log_every": 1, "checkpoint_every": 1, "sample_every": 2,
                         "jit_compile": True})
    run = helpers.trains_logs_and_resumes_exactly(config, tmp_path)
    loaded = export.load(run.workdir.saved_model)
    assert {"serving_default", "serving_default_raw"} <= set(loaded.signatures)
    z = tf.random.stateless_normal([4, config.latent_dim], [5, 6])
    averaged = loaded.signatures["serving_default"](z=z)["images"]
    raw = loaded.signatures["serving_default_raw"](z=z)["images"]
    np.testing.assert_allclose(raw, run.model.generate(z), atol=1e-5)
    with run.model.averaged():
        np.testing.assert_allclose(averaged, run.model.generate(z), atol=1e-5)
    assert np.abs(averaged - raw).max() > 1e-4


def test_eval_py_raw_scores_g_itself(tmp_path):
    """eval.py --raw on a run with an average: G's own samples, beside the average's files."""
    config = helpers.tiny("ns_gan", "ring8", 2)
    config.train.ema_decay = 0.5
    run = training.train(config, tmp_path / "run", verbose=0)
    workdir = str(run.workdir.path)
    process = helpers.cli("--raw", f"--workdir={workdir}", "--num_samples=500",
                          script="eval.py")
    assert process.returncode == 0, process.stderr[-2000:]
    raw = json.loads(process.stdout.strip().splitlines()[-1])
    assert raw["signature"] == "serving_default_raw"
    assert os.path.exists(os.path.join(workdir, "eval_raw.json"))
    assert os.path.exists(os.path.join(workdir, "eval_samples_raw.png"))
    assert not os.path.exists(os.path.join(workdir, "eval.json"))


def test_eval_raw_of_a_run_without_an_average_is_a_one_line_error(tmp_path):
    run = training.train(helpers.tiny("ns_gan", "ring8", 2), tmp_path / "run", verbose=0)
    with pytest.raises(UserError, match="no signature serving_default_raw: it was trained "
                                        "without an average"):
        export.load_generator(run.workdir.saved_model, signature="serving_default_raw")


def test_bad_recipe_settings_are_refused_in_one_line():
    for key, value, message in [("train.ema_decay", 1.0, "ema_decay must be in"),
                                ("train.ema_start", -1, "ema_start must be >= 0"),
                                ("data.fraction", 0.0, "fraction must be in")]:
        config = helpers.tiny("ns_gan", "fashion_mnist", 2)
        section, name = key.split(".")
        config[section][name] = value
        with pytest.raises(UserError, match=message):
            build.validate(config)


def test_recipes_that_are_off_leave_the_benchmark_digest_as_before():
    values = config_base.active_settings(config_base.load("sngan", "fashion_mnist"))
    assert not {"augment", "ema_decay", "ema_start", "ema_standing_batches"} & set(
        values["train"])
    assert "fraction" not in values["data"]
    config = config_base.load("sngan", "fashion_mnist")
    config.train.ema_decay = 0.999
    assert config_base.active_settings(config)["train"]["ema_start"] == 0


# ------------------------------------------------------------------ a subset of the data
def test_the_subset_is_seeded_sorted_and_of_the_asked_size():
    a, b = data.subset(60000, 0.1, seed=0), data.subset(60000, 0.1, seed=1)
    assert len(a) == 6000 and len(np.unique(a)) == 6000 and (np.diff(a) > 0).all()
    np.testing.assert_array_equal(a, data.subset(60000, 0.1, seed=0))
    assert len(np.intersect1d(a, b)) < 1000   # another seed, another subset (~600 shared)


def test_a_fraction_trains_on_the_subset_only(tmp_path):
    images = np.arange(100, dtype=np.uint8).reshape(100, 1, 1, 1) * np.ones((1, 4, 4, 1),
                                                                         np.uint8)
    path = tmp_path / "data.npz"
    np.savez(path, x=images)
    batches = data.load(str(path), 10, seed=3, fraction=0.2).take(4)
    seen = {int(round((b[0, 0, 0] + 1) * 127.5)) for batch in batches for b in batch.numpy()}
    assert seen == set(data.subset(100, 0.2, seed=3).tolist())
    with pytest.raises(UserError, match="not 'ring8': a 2-D mixture has no finite"):
        data.load("ring8", 10, fraction=0.5)


def _recipe_config(variant, steps=2, augment=POLICY):
    config = helpers.tiny(variant, "fashion_mnist", steps)
    config.train.update({"augment": augment, "ema_decay": 0.9, "ema_standing_batches": 2})
    return config


def test_g_trains_the_same_with_and_without_its_average(tmp_path):
    """The average never feeds back, and its network is built after G and D: a run that
    keeps one moves G, D and the optimizers bit for bit as a run without, so the raw G of
    an averaged run is the no-average baseline."""
    plain = helpers.tiny("sngan", "fashion_mnist", 2)
    averaged = helpers.tiny("sngan", "fashion_mnist", 2)
    averaged.train.update({"ema_decay": 0.9, "ema_standing_batches": 2})
    runs = [training.train(config, tmp_path / name, verbose=0)
            for name, config in (("plain", plain), ("averaged", averaged))]
    for run in runs:
        assert run.step == 2
    networks = [[v.numpy() for v in run.model.generator.weights + run.model.discriminator.weights
                 + run.model.g_optimizer.variables + run.model.d_optimizer.variables]
                for run in runs]
    for a, b in zip(*networks, strict=True):
        np.testing.assert_array_equal(a, b)
