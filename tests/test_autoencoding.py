"""BiGAN / ALI and VAE-GAN: losses against the papers' equations (signs included), the gradient
wiring of VAE-GAN's encoder, network shapes, reconstructions against a random-encoder baseline,
exact resume, and short runs on every kind of data."""
import os

import keras
import ml_collections
import numpy as np
import pytest
import tensorflow as tf

from helpers import (critic_step, family, generator_step, load_config,
                     resume_equals_straight_run)
from tfgan_variants import VARIANTS, losses, training
from tfgan_variants.models.update import Context
from tfgan_variants.networks import encoder as encoder_networks

rng = np.random.default_rng(0)
#: The variants with an encoder (tfgan_variants.models.autoencoding).
AUTOENCODING_VARIANTS = family("autoencoding")
log_sigmoid = lambda t: -np.log1p(np.exp(-t))  # noqa: E731
log_one_minus_sigmoid = lambda t: -np.log1p(np.exp(t))  # noqa: E731


# ------------------------------------------------------------------ losses vs the papers' equations
def test_bigan_losses_match_spec_signs_included():
    encoder_logits = np.float32([[2.0], [-1.0], [0.5]])    # D(x, E(x)): rho_q
    generator_logits = np.float32([[-3.0], [0.25], [1.5]])  # D(G(z), z): rho_p
    # L_D = -mean log rho_q - mean log(1 - rho_p).
    expected_d = -np.mean(log_sigmoid(encoder_logits)) - np.mean(
        log_one_minus_sigmoid(generator_logits))
    np.testing.assert_allclose(losses.bigan_discriminator_loss(encoder_logits, generator_logits),
                               expected_d, rtol=1e-6)
    # L_{G,E} = -mean log(1 - rho_q) - mean log rho_p.
    expected_g = -np.mean(log_one_minus_sigmoid(encoder_logits)) - np.mean(
        log_sigmoid(generator_logits))
    np.testing.assert_allclose(
        losses.bigan_generator_encoder_loss(encoder_logits, generator_logits), expected_g,
        rtol=1e-6)
    # A D that is sure of both kinds of pairs has a small loss, and G and E a large one.
    sure = losses.bigan_discriminator_loss(np.float32([[20.0]]), np.float32([[-20.0]]))
    assert sure < 1e-6
    assert losses.bigan_generator_encoder_loss(np.float32([[20.0]]),
                                               np.float32([[-20.0]])) > 39


def test_vae_gan_losses_match_spec_signs_included():
    mean = np.float32([[0.5, -1.0], [0.0, 2.0]])
    log_variance = np.float32([[0.0, -1.0], [1.0, 0.5]])
    kl = np.mean(0.5 * np.sum(mean ** 2 + np.exp(log_variance) - 1 - log_variance, -1))
    np.testing.assert_allclose(losses.gaussian_kl_loss(mean, log_variance), kl, rtol=1e-6)
    np.testing.assert_allclose(losses.gaussian_kl_loss(np.zeros((3, 2)), np.zeros((3, 2))), 0.0)

    real_features, reconstruction_features = rng.normal(size=(4, 2, 3)), rng.normal(size=(4, 2, 3))
    nll = np.mean(0.5 * np.sum((real_features - reconstruction_features) ** 2, axis=(1, 2)))
    np.testing.assert_allclose(losses.feature_nll_loss(real_features, reconstruction_features),
                               nll, rtol=1e-5)

    real, prior, reconstruction = (np.float32([[2.0], [-1.0]]), np.float32([[-3.0], [0.25]]),
                                   np.float32([[1.5], [0.0]]))
    l_gan = (np.mean(log_sigmoid(real)) + np.mean(log_one_minus_sigmoid(prior))
             + np.mean(log_one_minus_sigmoid(reconstruction)))
    # D maximises L_GAN: it minimises -L_GAN.
    np.testing.assert_allclose(losses.vae_gan_discriminator_loss(real, prior, reconstruction),
                               -l_gan, rtol=1e-6)
    # The decoder: non-saturating -(log D(x_p) + log D(x~)); saturating log(1 - D(.)) terms.
    np.testing.assert_allclose(
        losses.vae_gan_decoder_gan_loss(prior, reconstruction),
        -np.mean(log_sigmoid(prior)) - np.mean(log_sigmoid(reconstruction)), rtol=1e-6)
    np.testing.assert_allclose(
        losses.vae_gan_decoder_gan_loss(prior, reconstruction, non_saturating=False),
        np.mean(log_one_minus_sigmoid(prior)) + np.mean(log_one_minus_sigmoid(reconstruction)),
        rtol=1e-6)


# ------------------------------------------------------------------ networks
def _networks_config(name="mlp", width=8, d_norm="none"):
    """A small `config.networks` block of the network `name`."""
    return ml_collections.ConfigDict({"name": name, "width": width, "depth": 2, "d_out": 1,
                                      "d_norm": d_norm, "pooling": "flatten",
                                      "d_dropout": 0.0})


@pytest.mark.parametrize("name,shape", [("mlp", (2,)), ("dcgan", (28, 28, 1)),
                                        ("dcgan", (32, 32, 3))])
def test_encoder_and_discriminator_shapes(name, shape):
    config = _networks_config(name, 4, "none" if name == "mlp" else "batch")
    x = tf.zeros((3, *shape))
    z = tf.zeros((3, 5))
    assert encoder_networks.encoder(config, shape, 10)(x).shape == (3, 10)
    joint = encoder_networks.joint_discriminator(config, shape, 5)
    assert joint([x, z]).shape == (3, 1)
    generator, discriminator = encoder_networks.feature_discriminator(config, shape, 5)
    assert generator(z).shape == (3, *shape)
    features, logits = discriminator(x)
    assert logits.shape == (3, 1) and features.shape[0] == 3 and features.shape[-1] > 1
    # E(x) is (mu, log var) for VAE-GAN, a code for BiGAN: 2 or 1 times latent_dim values.
    assert {"bigan", "vae_gan"} <= set(AUTOENCODING_VARIANTS)
    assert (VARIANTS["vae_gan"].encoder_outputs, VARIANTS["bigan"].encoder_outputs) == (2, 1)
    for variant in AUTOENCODING_VARIANTS:
        built = VARIANTS[variant].build_networks(config, shape, 5)
        assert set(built) == {"generator", "discriminator", "encoder"}
        assert built["encoder"](x).shape == (3, VARIANTS[variant].encoder_outputs * 5)


def test_joint_discriminator_depends_on_both_x_and_z():
    keras.utils.set_random_seed(0)
    joint = encoder_networks.joint_discriminator(_networks_config(), (2,), 3)
    x, z = tf.constant(rng.normal(size=(4, 2)), tf.float32), tf.constant(rng.normal(size=(4, 3)),
                                                                         tf.float32)
    base = joint([x, z]).numpy()
    assert not np.allclose(base, joint([x + 1.0, z]).numpy())
    assert not np.allclose(base, joint([x, z + 1.0]).numpy())


# ------------------------------------------------------------------ objectives on networks
def _model(variant, optimizer=lambda: keras.optimizers.SGD(0.1), **hparams):
    """`variant` on small MLPs (seed 3, latent 3), compiled with `optimizer()` eagerly."""
    keras.utils.set_random_seed(3)
    networks = VARIANTS[variant].build_networks(_networks_config(), (2,), 3)
    model = VARIANTS[variant](**networks, latent_dim=3, **hparams)
    model.compile(optimizer(), optimizer(), run_eagerly=True)
    return model


def _real(n=6):
    """n 2-D points of N(0, I)."""
    return tf.constant(rng.normal(size=(n, 2)), tf.float32)


def test_bigan_steps_use_the_spec_losses_on_joint_pairs():
    model = _model("bigan")
    real = _real()
    model._draws.index = 0
    z = model.sample_latent(6)
    q = model.discriminator([real, model.encoder(real)]).numpy()
    p = model.discriminator([model.generator(z), z]).numpy()
    model._draws.index = 0
    logs = critic_step(model, real)
    np.testing.assert_allclose(logs["d_loss"], -np.mean(log_sigmoid(q))
                               - np.mean(log_one_minus_sigmoid(p)), rtol=1e-5)

    model._draws.index = 0
    z = model.sample_latent(6)
    q = model.discriminator([real, model.encoder(real)]).numpy()
    p = model.discriminator([model.generator(z), z]).numpy()
    reconstruction = model.generator(model.encoder(real)).numpy()
    encoder_before = model.encoder.get_weights()
    model._draws.index = 0
    logs = generator_step(model, 6, real)
    np.testing.assert_allclose(logs["g_loss"], -np.mean(log_one_minus_sigmoid(q))
                               - np.mean(log_sigmoid(p)), rtol=1e-5)
    np.testing.assert_allclose(logs["reconstruction_error"],
                               np.mean((reconstruction - real.numpy()) ** 2), rtol=1e-5)
    # E is trained with G by the generator's optimizer.
    assert any(not np.allclose(a, b) for a, b in zip(encoder_before, model.encoder.get_weights()))


def test_vae_gan_gan_gradients_do_not_reach_the_encoder():
    """The encoder's update is -lr grad(L_prior + L_llike); the GAN term, which does depend on
    the encoder through x~ = G(E(x)), is left out. The decoder's is -lr grad(gamma L_llike +
    L'_GAN)."""
    gamma = 0.5
    model = _model("vae_gan", lambda: keras.optimizers.SGD(1.0), gamma=gamma)
    real = _real()
    encoder_vars = model.encoder.trainable_variables
    decoder_vars = model.generator.trainable_variables
    model._draws.index = 0
    z = model.sample_latent(6)
    with tf.GradientTape(persistent=True) as tape:
        objectives, logs = model.generator_objective(Context(model, real, z=z))
        gan = logs["g_loss"]
        encoder_loss = logs["prior_loss"] + logs["llike_loss"]
        decoder_loss = gamma * logs["llike_loss"] + gan
    np.testing.assert_allclose(objectives["encoder"], encoder_loss, rtol=1e-6)
    np.testing.assert_allclose(objectives["decoder"], decoder_loss, rtol=1e-6)
    expected_encoder = tape.gradient(encoder_loss, encoder_vars)
    expected_decoder = tape.gradient(decoder_loss, decoder_vars)
    gan_on_encoder = tape.gradient(gan, encoder_vars)
    assert max(np.abs(g.numpy()).max() for g in gan_on_encoder) > 1e-4  # the path exists
    encoder_before = [v.numpy() for v in encoder_vars]
    decoder_before = [v.numpy() for v in decoder_vars]
    discriminator_before = model.discriminator.get_weights()
    model._draws.index = 0
    generator_step(model, 6, real)
    for before, variable, grad in zip(encoder_before, encoder_vars, expected_encoder):
        np.testing.assert_allclose(variable.numpy(), before - grad.numpy(), atol=1e-6)
    for before, variable, grad in zip(decoder_before, decoder_vars, expected_decoder):
        np.testing.assert_allclose(variable.numpy(), before - grad.numpy(), atol=1e-6)
    for a, b in zip(discriminator_before, model.discriminator.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_vae_gan_discriminator_step_maximises_l_gan_with_both_kinds_of_fakes():
    model = _model("vae_gan")
    real = _real()
    model._draws.index = 0
    z_prior = model.sample_latent(6)
    mean, log_variance = np.split(model.encoder(real).numpy(), 2, axis=-1)
    eps = model.random_normal([6, 3]).numpy()
    z = mean + np.exp(0.5 * log_variance) * eps
    decoded = model.generator(np.concatenate([z_prior.numpy(), z])).numpy()

    def logit(x):
        return model.discriminator(x)[1].numpy()

    expected = -(np.mean(log_sigmoid(logit(real))) + np.mean(log_one_minus_sigmoid(
        logit(decoded[:6]))) + np.mean(log_one_minus_sigmoid(logit(decoded[6:]))))
    others = [model.encoder.get_weights(), model.generator.get_weights()]
    model._draws.index = 0
    logs = critic_step(model, real)
    np.testing.assert_allclose(logs["d_loss"], expected, rtol=1e-5)
    for before, net in zip(others, (model.encoder, model.generator)):
        for a, b in zip(before, net.get_weights()):
            np.testing.assert_array_equal(a, b)


def test_vae_gan_samples_the_posterior_by_reparameterisation():
    model = _model("vae_gan")
    real = _real(4)
    mean, log_variance = model.posterior(real)
    model._draws.index = 0
    z = model.encode(real)
    model._draws.index = 0
    eps = model.random_normal([4, 3])
    np.testing.assert_allclose(z, mean + tf.exp(0.5 * log_variance) * eps, rtol=1e-6)
    np.testing.assert_allclose(model.encode_mean(real), mean)


def test_reconstruction_picture_puts_each_row_of_data_above_its_reconstructions():
    model = _model("bigan")
    picture = model.pictures(np.float32(rng.normal(size=(40, 2))), is_2d=True)
    assert picture["reconstructions"].ndim == 3 and picture["reconstructions"].shape[-1] == 3
    from tfgan_variants.models.autoencoding import reconstruction_grid
    real = -np.ones((16, 4, 4, 1), np.float32)
    grid = reconstruction_grid(real, np.ones_like(real))
    assert grid.shape == (16, 32, 1)
    assert grid[:4].max() == 0 and grid[4:8].min() == 255 and grid[8:12].max() == 0


# ------------------------------------------------------------------ learning to reconstruct
@pytest.mark.parametrize("variant", AUTOENCODING_VARIANTS)
def test_reconstructions_beat_a_random_encoder(tmp_path, variant):
    config = load_config(variant, "grid25", train__steps=1000, train__log_every=1000,
                         train__sample_every=1000, train__checkpoint_every=1000,
                         eval__every=0, data__batch_size=128)
    run = training.train(config, tmp_path, verbose=0)
    real = run.summaries.fixed_real()[:1000]
    trained = float(losses.reconstruction_error(real, run.model.reconstruct(real)))
    encoder = run.model.encoder
    trained_weights = encoder.get_weights()
    baselines = []
    for seed in range(3):  # re-initialised encoders
        keras.utils.set_random_seed(seed)
        fresh = keras.models.clone_model(encoder)
        encoder.set_weights(fresh.get_weights())
        baselines.append(float(losses.reconstruction_error(real, run.model.reconstruct(real))))
    encoder.set_weights(trained_weights)
    print(variant, "reconstruction MSE", trained, "random encoders", baselines)
    assert trained < 0.25 * min(baselines), (trained, baselines)
    assert os.path.exists(tmp_path / "samples" / "reconstructions_step_0001000.png")


# ------------------------------------------------------------------ training runs
@pytest.mark.parametrize("variant", AUTOENCODING_VARIANTS)
def test_interrupted_and_resumed_run_equals_uninterrupted_run(tmp_path, variant):
    """`helpers.resume_equals_straight_run`, with the encoder in the checkpoint and the
    reconstruction pictures beside the grids."""
    _, resumed = resume_equals_straight_run(tmp_path, variant, "ring8")
    encoder_variables = {id(v) for v in resumed.model.encoder.variables}
    assert encoder_variables <= {id(v) for v in resumed.checkpoint.model.variables}
    assert sorted(os.listdir(tmp_path / "resumed" / "samples")) == [
        f"{prefix}step_000000{step}.png" for prefix in ("reconstructions_", "")
        for step in (2, 4)]
