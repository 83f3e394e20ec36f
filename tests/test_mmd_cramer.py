"""MMD GAN and Cramér GAN: losses against the papers' equations, the penalty, clipping, the
decoder's training and checkpointing, and short runs on every kind of data."""
import keras
import ml_collections
import numpy as np
import pytest
import tensorflow as tf

from helpers import check_export, context_of, family, load_config
from tfgan_variants import VARIANTS, losses, penalties, training
from tfgan_variants.networks import mlp

SIGMAS = (1.0, 2.0, 4.0, 8.0, 16.0)
rng = np.random.default_rng(0)


def numpy_mmd2(x, y, sigmas):
    """Biased MMD^2 by a double loop over every pair."""
    def k(a, b):
        return sum(np.exp(-np.sum((a - b) ** 2) / (2 * s * s)) for s in sigmas)

    def mean_k(a, b):
        return np.mean([[k(p, q) for q in b] for p in a])

    return mean_k(x, x) + mean_k(y, y) - 2 * mean_k(x, y)


def numpy_one_sided(real_codes, fake_codes):
    return -np.mean(np.maximum(0.0, -(real_codes.mean(0) - fake_codes.mean(0))))


def _norm(v):
    return np.linalg.norm(v, axis=-1)


# ------------------------------------------------------------------ MMD GAN
def test_mmd2_matches_a_double_loop_and_vanishes_for_equal_sets():
    x, y = rng.normal(size=(5, 3)), 2 * rng.normal(size=(4, 3)) + 1  # m != n on purpose
    np.testing.assert_allclose(losses.mixture_rbf_mmd2(x, y, SIGMAS), numpy_mmd2(x, y, SIGMAS),
                               rtol=1e-5)
    np.testing.assert_allclose(losses.mixture_rbf_mmd2(x, x, SIGMAS), 0.0, atol=1e-6)
    assert losses.mixture_rbf_mmd2(x, y, SIGMAS) > 0


def test_mmd2_keeps_its_precision_for_codes_close_together():
    """Codes about 1e-2 apart, as a clipped critic's: MMD^2 is about 1e-4, which sums of
    exp(-d^2 / 2 s^2) near 1 resolve in float32 only to about 1e-6."""
    x, y = 1e-2 * rng.normal(size=(64, 16)), 1e-2 * rng.normal(size=(64, 16)) + 1e-3
    exact = numpy_mmd2(x, y, SIGMAS)  # float64
    assert 1e-6 < exact < 1e-3
    computed = losses.mixture_rbf_mmd2(x.astype(np.float32), y.astype(np.float32), SIGMAS)
    np.testing.assert_allclose(computed, exact, rtol=1e-4)


def test_one_sided_term_penalises_only_fake_code_means_above_real_ones():
    real = np.float32([[1.0, 0.0], [3.0, 0.0]])     # means (2, 0)
    fake = np.float32([[0.0, 1.0], [0.0, 3.0]])     # means (0, 2)
    # Dimension 0: real above fake, no penalty; dimension 1: gap -2, relu(2) = 2; mean -> -1.
    np.testing.assert_allclose(losses.one_sided_mean_term(real, fake), -1.0)
    np.testing.assert_allclose(losses.one_sided_mean_term(real, fake),
                               numpy_one_sided(real, fake))
    np.testing.assert_allclose(losses.one_sided_mean_term(real, real - 1.0), 0.0)


def test_mmd_gan_losses_match_spec_signs_included():
    real, fake = rng.normal(size=(6, 4)), rng.normal(size=(6, 4)) + 0.5
    objective = np.sqrt(numpy_mmd2(real, fake, SIGMAS)) + 16 * numpy_one_sided(real, fake)
    np.testing.assert_allclose(losses.mmd_gan_generator_loss(real, fake, SIGMAS, 16.0),
                               objective, rtol=1e-5)
    # The critic maximises the objective minus lambda_AE times the reconstruction errors.
    np.testing.assert_allclose(
        losses.mmd_gan_critic_loss(real, fake, 0.3, SIGMAS, 16.0, 8.0), -objective + 8 * 0.3,
        rtol=1e-5)
    x, reconstruction = rng.normal(size=(3, 2, 2)), rng.normal(size=(3, 2, 2))
    np.testing.assert_allclose(losses.reconstruction_error(x, reconstruction),
                               np.mean((x - reconstruction) ** 2), rtol=1e-6)
    # sqrt(relu(MMD^2)) keeps a finite gradient where MMD^2 = 0 (identical codes).
    codes = tf.constant(real, tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(codes)
        loss = losses.mmd_gan_generator_loss(codes, codes, SIGMAS, 16.0)
    assert np.all(np.isfinite(tape.gradient(loss, codes)))


def _mlp_config(d_out):
    return ml_collections.ConfigDict({"name": "mlp", "width": 8, "depth": 2, "d_out": d_out,
                                      "d_norm": "none", "pooling": "flatten"})


def _mmd_gan(**hparams):
    keras.utils.set_random_seed(3)
    networks = VARIANTS["mmd_gan"].build_networks(_mlp_config(4), (2,), 3)
    model = VARIANTS["mmd_gan"](**networks, latent_dim=3, **hparams)
    model.compile(keras.optimizers.RMSprop(1e-3), keras.optimizers.RMSprop(1e-3),
                  run_eagerly=True)
    return model


def test_mmd_gan_critic_objective_is_the_spec_formula_on_its_networks():
    model = _mmd_gan()
    real, fake = np.float32(rng.normal(size=(6, 2))), np.float32(rng.normal(size=(6, 2)))
    loss, logs = model.discriminator_objective(context_of(model, real, fake))
    real_codes = model.discriminator(real).numpy()
    fake_codes = model.discriminator(fake).numpy()
    errors = (np.mean((real - model.decoder(real_codes).numpy()) ** 2)
              + np.mean((fake - model.decoder(fake_codes).numpy()) ** 2))
    expected = (-(np.sqrt(numpy_mmd2(real_codes, fake_codes, SIGMAS))
                  + 16 * numpy_one_sided(real_codes, fake_codes)) + 8 * errors)
    np.testing.assert_allclose(loss, expected, rtol=1e-5)
    np.testing.assert_allclose(logs["reconstruction_error"], errors, rtol=1e-5)
    g_loss, _ = model.generator_objective(context_of(model, real, fake))
    np.testing.assert_allclose(g_loss, np.sqrt(numpy_mmd2(real_codes, fake_codes, SIGMAS))
                               + 16 * numpy_one_sided(real_codes, fake_codes), rtol=1e-5)


def test_a_step_clips_the_encoder_trains_the_decoder_and_uses_a_fresh_real_slice():
    model = _mmd_gan(n_critic=2)
    assert model.real_slices == 3
    decoder_before = model.decoder.get_weights()
    assert max(np.abs(w).max() for w in model.discriminator.get_weights()) > 0.01
    model.train_step(tf.constant(rng.normal(size=(12, 2)), tf.float32))
    for weight in model.discriminator.trainable_weights:
        assert np.abs(weight.numpy()).max() <= 0.01 + 1e-9
    after = model.decoder.get_weights()
    assert any(not np.allclose(a, b) for a, b in zip(decoder_before, after))
    assert max(np.abs(w).max() for w in after) > 0.01  # the decoder is not clipped
    assert model.d_optimizer.iterations.numpy() == 2 and model.step.numpy() == 1


# ------------------------------------------------------------------ Cramér GAN
def test_cramer_losses_match_spec_signs_included():
    h_real, h_fake, h_fake2 = (rng.normal(size=(5, 3)) for _ in range(3))

    def critic(h):
        return _norm(h - h_fake2) - _norm(h)

    surrogate = critic(h_real).mean() - critic(h_fake).mean()
    np.testing.assert_allclose(losses.cramer_critic(h_real, h_fake2), critic(h_real), rtol=1e-5)
    np.testing.assert_allclose(losses.cramer_critic_loss(h_real, h_fake, h_fake2), -surrogate,
                               rtol=1e-5)
    generator = (_norm(h_real - h_fake).mean() + _norm(h_real - h_fake2).mean()
                 - _norm(h_fake - h_fake2).mean())
    np.testing.assert_allclose(losses.cramer_generator_loss(h_real, h_fake, h_fake2), generator,
                               rtol=1e-5)
    # With h(x_g) = h(x_r) the loss is 0 + ‖h_r - h_g'‖ - ‖h_r - h_g'‖ = 0.
    np.testing.assert_allclose(losses.cramer_generator_loss(h_real, h_real, h_fake2), 0.0,
                               atol=1e-5)


def _finite_difference_norms(critic, points, eps=1e-2):
    """Per-row ‖grad f‖ by central differences; row i of `critic` sees row i of the input."""
    norms = []
    for i in range(len(points)):
        grad = []
        for j in range(points.shape[1]):
            step = np.zeros_like(points)
            step[i, j] = eps
            up, down = critic(points + step)[i], critic(points - step)[i]
            grad.append((up - down) / (2 * eps))
        norms.append(np.linalg.norm(grad))
    return np.array(norms)


def test_gradient_penalty_on_the_cramer_critic_matches_finite_differences():
    keras.utils.set_random_seed(1)
    h = mlp.discriminator(data_dim=2, output_dim=3, width=8, depth=2)
    # Its own draws, not the module's stream, whose state depends on which tests ran first in
    # this worker: a central difference that straddles a LeakyReLU kink misses the gradient.
    own = np.random.default_rng(0)
    points = np.float32(own.normal(size=(4, 2)))
    h_fake2 = h(np.float32(own.normal(size=(4, 2))))

    def critic(x, training=False):
        return losses.cramer_critic(h(x, training=training), h_fake2)

    norms = penalties.input_gradient_norm(critic, tf.constant(points)).numpy()
    expected = _finite_difference_norms(lambda x: critic(np.float32(x)).numpy(), points,
                                        eps=1e-3)
    np.testing.assert_allclose(norms, expected, rtol=2e-3)
    np.testing.assert_allclose(penalties.gradient_penalty(critic, tf.constant(points)),
                               np.mean((expected - 1) ** 2), rtol=5e-3)


def test_cramer_objectives_use_two_independent_fake_batches_as_algorithm_1():
    keras.utils.set_random_seed(2)
    networks = VARIANTS["cramer_gan"].build_networks(_mlp_config(3), (2,), 3)
    model = VARIANTS["cramer_gan"](**networks, latent_dim=3)
    model.compile(keras.optimizers.Adam(), keras.optimizers.Adam())
    h = model.discriminator
    real, fake = np.float32(rng.normal(size=(4, 2))), np.float32(rng.normal(size=(4, 2)))

    def redraw():
        """x'_g and the interpolation coefficients, drawn as the objective draws them."""
        model._draws.index = 0
        fake2 = model.generator(model.sample_latent(4)).numpy()
        return fake2, model.random_uniform([4]).numpy()

    model._draws.index = 0
    loss, logs = model.discriminator_objective(context_of(model, real, fake))
    fake2, alpha = redraw()
    h_fake2 = h(fake2).numpy()

    def critic(x):
        return _norm(h(np.float32(x)).numpy() - h_fake2) - _norm(h(np.float32(x)).numpy())

    surrogate = critic(real).mean() - critic(fake).mean()
    points = real + alpha[:, None] * (fake - real)
    penalty = np.mean((_finite_difference_norms(critic, points) - 1) ** 2)
    np.testing.assert_allclose(logs["d_loss"], -surrogate, rtol=1e-5)
    np.testing.assert_allclose(logs["gradient_penalty"], penalty, rtol=5e-3)
    np.testing.assert_allclose(loss, -surrogate + 10 * penalty, rtol=5e-3, atol=1e-4)

    model._draws.index = 0
    g_loss, _ = model.generator_objective(context_of(model, real, fake))
    fake2, _ = redraw()
    h_real, h_fake, h_fake2 = h(real).numpy(), h(fake).numpy(), h(fake2).numpy()
    np.testing.assert_allclose(g_loss, _norm(h_real - h_fake).mean()
                               + _norm(h_real - h_fake2).mean()
                               - _norm(h_fake - h_fake2).mean(), rtol=1e-5)


# ------------------------------------------------------------------ training runs
def _tiny(variant, dataset, steps=2, **overrides):
    width = 4 if dataset not in ("ring8", "grid25") else 16
    return load_config(variant, dataset, train__steps=steps, data__batch_size=8,
                       networks__width=width, **overrides)


def test_checkpoint_round_trip_includes_the_decoder(tmp_path):
    """The decoder, BatchNorm statistics included, is saved through the model and trained by
    the critic's optimizer."""
    config = _tiny("mmd_gan", "fashion_mnist")
    run = training.train(config, tmp_path / "run", verbose=0)
    fresh = training.Run(config, tmp_path / "fresh")  # same seed, untrained
    restored = training.Run(config, tmp_path / "run")
    assert restored.step == 2
    decoder = run.model.decoder
    changed = {v.trainable for v, initial in zip(decoder.weights, fresh.model.decoder.weights)
               if not np.allclose(v.numpy(), initial.numpy())}
    assert changed == {True, False}  # weights and BatchNorm statistics
    for a, b in zip(decoder.get_weights(), restored.model.decoder.get_weights()):
        np.testing.assert_array_equal(a, b)
    d_slots = run.model.d_optimizer.variables
    assert len(d_slots) == len(restored.model.d_optimizer.variables)
    for a, b in zip(d_slots, restored.model.d_optimizer.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


@pytest.fixture(scope="module")
def rgb32(tmp_path_factory):
    path = tmp_path_factory.mktemp("rgb") / "rgb32.npz"
    np.savez(path, images=np.random.default_rng(0).integers(0, 256, (40, 32, 32, 3), np.uint8))
    return str(path)


@pytest.mark.parametrize("variant", family("mmd"))
@pytest.mark.parametrize("dataset", ["grid25", "rgb32"])
def test_short_runs_train_and_export_a_working_generator(tmp_path, variant, dataset, rgb32):
    config = _tiny(variant, "fashion_mnist" if dataset == "rgb32" else dataset)
    if dataset == "rgb32":
        config.data.name = rgb32
    run = training.train(config, tmp_path, verbose=0)
    assert run.step == 2
    check_export(run)
