"""InfoGAN and Localized GAN: losses against the papers' equations, the exact Jacobian, the
orthonormality penalty, the extra signatures of the export, exact resume, and short runs on
every kind of data."""
import itertools
import os

import keras
import ml_collections
import numpy as np
import pytest
import tensorflow as tf

from helpers import critic_step, family, load_config, resume_equals_straight_run, tiny
from tfgan_variants import VARIANTS, data, losses, training
from tfgan_variants.models import infogan
from tfgan_variants.models.localized import local_jacobian
from tfgan_variants.networks import local_generator

rng = np.random.default_rng(0)
#: InfoGAN's and Localized GAN's families (tfgan_variants.models.infogan, .localized).
VARIANTS_HERE = family("infogan", "localized")


# ------------------------------------------------------------------ losses vs the papers' equations
def test_information_bound_is_minus_cross_entropy_minus_gaussian_nll():
    logits = np.float32([[2.0, 0.0, -1.0], [0.5, 0.5, 3.0]])
    one_hot = np.float32([[1, 0, 0], [0, 1, 0]])
    means = np.float32([[0.2, -0.4], [1.0, 0.0]])
    codes = np.float32([[0.0, 0.6], [-1.0, 0.5]])
    log_softmax = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    cross_entropy = -(one_hot * log_softmax).sum(-1)
    nll = 0.5 * ((codes - means) ** 2).sum(-1) + np.log(2 * np.pi)  # 2 codes, sigma 1
    np.testing.assert_allclose(losses.infogan_information_bound(logits, one_hot, means, codes),
                               np.mean(-cross_entropy - nll), rtol=1e-6)


def test_infogan_objectives_subtract_lambda_l_i_from_ns_gan_losses():
    networks = VARIANTS["infogan"].build_networks(_mlp_config(categories=3), (2,), 6)
    model = VARIANTS["infogan"](**networks, latent_dim=6, information_weight=0.5)
    model.compile(keras.optimizers.SGD(0.0), keras.optimizers.SGD(0.0))
    real = tf.constant(rng.normal(size=(5, 2)), tf.float32)
    model._draws.index = 0
    d_logs = critic_step(model, real)
    model._draws.index = 0
    noise, category, continuous = model.codes(model.sample_latent(5))
    fake = model.generate_from_codes(noise, category, continuous, training=True)
    logits, means = model.predict_codes(fake, training=True)
    info = losses.infogan_information_bound(logits, tf.one_hot(category, 3), means, continuous)
    softplus = lambda t: np.log1p(np.exp(t))  # noqa: E731
    d_real, d_fake = model.discriminator(real).numpy(), model.discriminator(fake).numpy()
    np.testing.assert_allclose(d_logs["d_loss"],
                               softplus(-d_real).mean() + softplus(d_fake).mean(), rtol=1e-5)
    np.testing.assert_allclose(d_logs["information"], info, rtol=1e-5)
    assert model.critic_variables[-len(model.q_head.trainable_variables):] == \
        model.q_head.trainable_variables  # Q trains with D


def test_codes_follow_the_paper_prior():
    networks = VARIANTS["infogan"].build_networks(_mlp_config(categories=4), (2,), 10)
    model = VARIANTS["infogan"](**networks, latent_dim=10)
    noise, category, continuous = model.codes(tf.random.stateless_normal([40000, 10], [1, 2]))
    assert noise.shape == (40000, 4) and continuous.shape == (40000, 2)
    for uniform in (noise.numpy(), continuous.numpy()):  # U(-1, 1): mean 0, variance 1/3
        assert np.abs(uniform).max() <= 1
        np.testing.assert_allclose(uniform.mean(0), 0, atol=0.02)
        np.testing.assert_allclose(uniform.var(0), 1 / 3, atol=0.02)
    np.testing.assert_allclose(np.bincount(category.numpy(), minlength=4) / 40000, 0.25,
                               atol=0.01)
    # A one-hot categorical slot gives its index.
    z = np.zeros((4, 10), np.float32)
    z[np.arange(4), 4 + np.arange(4)] = 1
    np.testing.assert_array_equal(model.codes(z)[1], np.arange(4))


def test_locality_and_orthonormality_match_their_formulas():
    x, reconstruction = rng.normal(size=(3, 2, 2, 1)), rng.normal(size=(3, 2, 2, 1))
    np.testing.assert_allclose(losses.locality_loss(x, reconstruction),
                               np.mean(np.sum((x - reconstruction) ** 2, axis=(1, 2, 3))),
                               rtol=1e-5)
    jacobians = rng.normal(size=(4, 5, 3))
    expected = np.mean([np.sum((j.T @ j - np.eye(3)) ** 2) for j in jacobians])
    np.testing.assert_allclose(losses.orthonormality_penalty(jacobians), expected, rtol=1e-5)


def _mlp_config(categories=10, width=8):
    """A small MLP `config.networks` block with InfoGAN's codes and Q head."""
    return ml_collections.ConfigDict({
        "name": "mlp", "width": width, "depth": 2, "d_out": 1, "d_norm": "none",
        "d_dropout": 0.0, "categories": categories, "continuous_codes": 2, "q_width": 8})


# ------------------------------------------------------------------ the local Jacobian
def test_jacobian_equals_central_differences():
    """The MLP local generator is piecewise linear (ReLU), so a central difference is its
    derivative exactly unless the step crosses a kink. A row whose second difference
    G(x, e) - 2 G(x, 0) + G(x, -e) is not zero (to 1e-6, so that a kink crossed unseen moves
    the difference by at most 1e-6 / 2e, under the tolerance) crossed one and is left out."""
    keras.utils.set_random_seed(3)
    generator = local_generator.build(_mlp_config(width=8), (3,), 2)
    rows = 16
    x = tf.constant(np.random.default_rng(3).normal(size=(rows, 3)), tf.float32)
    samples, jacobian = local_jacobian(generator, x, 2)
    np.testing.assert_allclose(samples, generator([x, tf.zeros((rows, 2))]), rtol=1e-6)
    eps = 1e-2
    checked = 0
    for j in range(2):
        step = np.zeros((rows, 2), np.float32)
        step[:, j] = eps
        plus, minus = (generator([x, tf.constant(s)]).numpy() for s in (step, -step))
        linear = np.abs(plus - 2 * samples.numpy() + minus).max(axis=1) < 1e-6
        difference = (plus - minus) / (2 * eps)
        np.testing.assert_allclose(jacobian.numpy()[linear, :, j], difference[linear],
                                   rtol=2e-3, atol=1e-4)
        checked += linear.sum()
    assert checked >= rows, f"only {checked} of {2 * rows} columns were away from a kink"
    assert jacobian.shape == (rows, 3, 2) and np.abs(jacobian.numpy()).max() > 1e-3


def test_jacobian_of_image_generator_has_one_column_per_axis():
    keras.utils.set_random_seed(4)
    config = ml_collections.ConfigDict({"name": "dcgan", "width": 4, "depth": 3})
    generator = local_generator.build(config, (28, 28, 1), 3)
    _, jacobian = local_jacobian(generator, tf.zeros((2, 28, 28, 1)), 3)
    assert jacobian.shape == (2, 784, 3)


def test_jacobian_through_batch_norm_is_each_rows_own_at_fixed_statistics():
    """The DCGAN local generator in training mode (BatchNorm on batch statistics). Reference:
    central differences on one call over [x, x] with z = [+d e_j, -d e_j], whose batch
    statistics are x's to O(d^2); its error, from ReLU kinks within d, is O(sqrt d) here
    (relative 0.17 at d 0.1, 0.05 at 0.01, 0.02 to 0.05 at 0.001). Moving every row along
    e_j at once instead would be cancelled by the batch mean: the Jacobian would be 0."""
    keras.utils.set_random_seed(5)
    config = ml_collections.ConfigDict({"name": "dcgan", "width": 4, "depth": 3})
    generator = local_generator.build(config, (28, 28, 1), 3)
    x = tf.constant(rng.uniform(-1, 1, size=(4, 28, 28, 1)), tf.float32)
    samples, jacobian = local_jacobian(generator, x, 3, training=True)
    np.testing.assert_allclose(samples, generator([x, tf.zeros((4, 3))], training=True),
                               atol=1e-5)
    eps = 1e-3
    for j in range(3):
        step = tf.one_hot([j] * 4, 3) * eps
        out = generator([tf.concat([x, x], 0), tf.concat([step, -step], 0)], training=True)
        difference = tf.reshape(out[:4] - out[4:], [4, -1]).numpy() / (2 * eps)
        error = np.linalg.norm(jacobian[:, :, j] - difference) / np.linalg.norm(difference)
        assert error < 0.1 and np.abs(difference).max() > 0.05
    same_on_every_row = generator([x, tf.one_hot([0] * 4, 3) * eps], training=True)
    np.testing.assert_allclose(same_on_every_row, samples, atol=1e-4)


def test_jacobian_along_chosen_axes_is_those_columns():
    keras.utils.set_random_seed(6)
    generator = local_generator.build(_mlp_config(width=8), (3,), 4)
    x = tf.constant(rng.normal(size=(5, 3)), tf.float32)
    _, full = local_jacobian(generator, x, 4)
    _, chosen = local_jacobian(generator, x, 4, axes=tf.constant([2, 0]))
    np.testing.assert_allclose(chosen, tf.gather(full, [2, 0], axis=-1), rtol=1e-5, atol=1e-7)


def test_orthonormality_penalty_from_random_axes_is_unbiased():
    """Averaged over every k-subset of the N axes (the draws are uniform), the reweighted
    penalty on k columns is the full one."""
    jacobians = rng.normal(size=(3, 6, 4)).astype(np.float32)
    full = float(losses.orthonormality_penalty(jacobians))
    for k in (2, 3):
        estimates = [float(losses.orthonormality_penalty(jacobians[..., list(axes)], 4))
                     for axes in itertools.combinations(range(4), k)]
        np.testing.assert_allclose(np.mean(estimates), full, rtol=1e-5)
        assert np.std(estimates) > 0.01 * full
    with pytest.raises(ValueError, match="k >= 2"):
        losses.orthonormality_penalty(jacobians[..., :1], 4)


def test_localized_gan_draws_distinct_jacobian_axes_and_checks_their_count():
    networks = VARIANTS["localized_gan"].build_networks(_mlp_config(), (2,), 2)
    with pytest.raises(ValueError, match="jacobian_axes"):
        VARIANTS["localized_gan"](**networks, latent_dim=2, jacobian_axes=3)
    networks = VARIANTS["localized_gan"].build_networks(_mlp_config(), (2,), 6)
    model = VARIANTS["localized_gan"](**networks, latent_dim=6, jacobian_axes=3)
    draws = [model.jacobian_axis_draw().numpy() for _ in range(200)]
    assert all(len(set(d)) == 3 and set(d) <= set(range(6)) for d in draws)
    np.testing.assert_allclose(np.bincount(np.concatenate(draws), minlength=6) / 600, 1 / 6,
                               atol=0.04)


def test_orthonormality_penalty_vanishes_for_an_isometry_in_z():
    """G(x, z) = Dec(Enc(x) + z) with linear Enc = Dec, orthonormal columns in z: J^T J = I."""
    basis, _ = np.linalg.qr(rng.normal(size=(4, 2)))   # 4x2, orthonormal columns
    x = keras.Input((4,))
    z = keras.Input((2,))
    encode = keras.layers.Dense(2, use_bias=False)
    decode = keras.layers.Dense(4, use_bias=True, activation=None)
    generator = keras.Model([x, z], decode(keras.layers.Add()([encode(x), z])))
    encode.set_weights([basis])
    decode.set_weights([basis.T, rng.normal(size=4)])
    samples, jacobian = local_jacobian(generator, tf.constant(rng.normal(size=(5, 4)),
                                                              tf.float32), 2)
    np.testing.assert_allclose(jacobian[0], basis, atol=1e-6)
    assert float(losses.orthonormality_penalty(jacobian)) < 1e-10
    # Twice the scale is not an isometry: J^T J = 4 I, penalty 2 * 3^2 = 18.
    decode.set_weights([2 * basis.T, np.zeros(4)])
    _, jacobian = local_jacobian(generator, tf.zeros((5, 4)), 2)
    np.testing.assert_allclose(losses.orthonormality_penalty(jacobian), 18.0, rtol=1e-5)


def test_anchor_choice_keeps_the_displacement_standard_normal():
    networks = VARIANTS["localized_gan"].build_networks(_mlp_config(), (2,), 2)
    model = VARIANTS["localized_gan"](**networks, latent_dim=2, anchor_count=8)
    model.anchors.assign(np.arange(16, dtype=np.float32).reshape(8, 2))
    anchors, displacement = model.anchors_and_displacements(
        tf.random.stateless_normal([40000, 2], [3, 4]))
    counts = np.bincount(anchors.numpy()[:, 0].astype(int) // 2, minlength=8)
    np.testing.assert_allclose(counts / 40000, 1 / 8, atol=0.01)
    np.testing.assert_allclose(displacement.numpy().mean(0), 0, atol=0.02)
    np.testing.assert_allclose(displacement.numpy().std(0), 1, atol=0.02)
    assert abs(np.corrcoef(displacement.numpy()[:, 0], anchors.numpy()[:, 0])[0, 1]) < 0.02


# ------------------------------------------------------------------ training runs
def _tiny(variant, dataset, steps=2):
    """`variant`'s config for `dataset`, narrowed for a short run of `steps` steps."""
    width = 4 if dataset not in ("ring8", "grid25") else 16
    overrides = {"train__steps": steps, "data__batch_size": 8, "networks__width": width}
    if variant == "infogan":
        overrides["networks__q_width"] = 8
    if variant == "localized_gan":
        overrides["hparams__anchor_count"] = 16
    return load_config(variant, dataset, **overrides)


@pytest.mark.parametrize("variant", VARIANTS_HERE)
def test_interrupted_and_resumed_run_equals_uninterrupted_run(tmp_path, variant):
    """`helpers.resume_equals_straight_run`, and the Q head / anchors trained and were
    restored."""
    _, resumed = resume_equals_straight_run(tmp_path, variant, "ring8")
    extra = getattr(resumed.model, "q_head", None) or resumed.model.anchor_buffer
    fresh = training.Run(tiny(variant, "ring8", 4), tmp_path / "fresh").model
    assert any(not np.allclose(a, b) for a, b in zip(
        extra.get_weights(), fresh.get_layer(extra.name).get_weights()))  # trained, restored


@pytest.mark.parametrize("variant", VARIANTS_HERE)
@pytest.mark.parametrize("dataset", ["ring8", "fashion_mnist"])
def test_short_runs_export_and_write_pictures(tmp_path, variant, dataset):
    config = _tiny(variant, dataset)
    run = training.train(config, tmp_path, verbose=0)
    assert run.step == 2
    loaded = tf.saved_model.load(str(tmp_path / "saved_model"))
    z = tf.random.stateless_normal([3, config.latent_dim], [5, 6])
    samples = loaded.signatures["serving_default"](z=z)["images"].numpy()
    assert samples.shape == (3, *run.info.shape) and np.all(np.isfinite(samples))
    np.testing.assert_allclose(samples, run.model.generate(z), atol=1e-5)
    model = run.model
    if isinstance(model, infogan.InfoGAN):
        noise, category, continuous = model.codes(z)
        named = loaded.signatures["codes"](noise=noise, categorical=category,
                                           continuous=continuous)["images"]
        np.testing.assert_allclose(named, model.generate(z), atol=1e-5)
        expected = {"categorical", "continuous_0", "continuous_1"}
    else:
        x = tf.constant(run.summaries.fixed_real()[:3], tf.float32)
        local = loaded.signatures["local"](x=x, z=z)["images"]
        np.testing.assert_allclose(local, model.local(x, z), atol=1e-5)
        np.testing.assert_allclose(model.anchors.numpy()[:8],
                                   _last_generator_batch(run), atol=0)
        expected = {"local_edits"}
    written = set(os.listdir(tmp_path / "samples"))
    for name in expected:
        assert f"{name}_step_0000002.png" in written


def _last_generator_batch(run):
    """The real slice of the last generator step: rows 1, 3, ... of step 2's batch."""
    stream = data.load(run.config.data.name, run.config.data.batch_size * 2,
                       seed=run.config.seed, start_batch=1, split=run.config.data.split)
    return next(iter(stream)).numpy()[1::2]
