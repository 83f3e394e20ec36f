"""The engine and the foundation variants: losses, penalty, distribution, randomness."""
import keras
import numpy as np
import pytest
import tensorflow as tf

import conftest
from helpers import build_variant, mlp_networks, one_step
from tfgan_variants import VARIANTS, build, config_base, layers, losses, penalties
from tfgan_variants.errors import UserError
from tfgan_variants.models.base import GAN
from tfgan_variants.networks import dcgan, mlp

softplus = lambda t: np.log1p(np.exp(t))  # noqa: E731
REAL = np.array([[2.0], [-1.0], [0.5]], np.float32)
FAKE = np.array([[-3.0], [0.25], [1.5]], np.float32)


# ------------------------------------------------------------------ losses vs the papers' equations
def test_minimax_and_non_saturating_losses_match_their_formulas():
    d = losses.minimax_discriminator_loss(REAL, FAKE)
    expected = (np.mean(-np.log(1 / (1 + np.exp(-REAL))))
                + np.mean(-np.log(1 - 1 / (1 + np.exp(-FAKE)))))
    np.testing.assert_allclose(d, expected, rtol=1e-6)
    # Saturating G loss: E log(1 - sigma(D(G(z)))), minimised by G.
    np.testing.assert_allclose(losses.minimax_generator_loss(FAKE),
                               np.mean(np.log(1 - 1 / (1 + np.exp(-FAKE)))), rtol=1e-6)
    np.testing.assert_allclose(losses.non_saturating_generator_loss(FAKE),
                               np.mean(softplus(-FAKE)), rtol=1e-6)
    # Stable for extreme logits.
    assert np.isfinite(losses.minimax_discriminator_loss(np.float32([[-80.0]]),
                                                         np.float32([[80.0]])))
    np.testing.assert_allclose(losses.non_saturating_generator_loss(np.float32([[-80.0]])), 80.0,
                               rtol=1e-6)


def test_wasserstein_and_hinge_losses_match_their_formulas():
    np.testing.assert_allclose(losses.wasserstein_critic_loss(REAL, FAKE),
                               FAKE.mean() - REAL.mean(), rtol=1e-6)
    np.testing.assert_allclose(losses.wasserstein_generator_loss(FAKE), -FAKE.mean(), rtol=1e-6)
    hinge = np.mean(np.maximum(0, 1 - REAL)) + np.mean(np.maximum(0, 1 + FAKE))
    np.testing.assert_allclose(losses.hinge_discriminator_loss(REAL, FAKE), hinge, rtol=1e-6)


# The authors' code (SWPark92/SphereGAN, `dist_weight_mode`) divides the r-th moment by 1,
# (pi / 3)^r ('normalization', its decay_ratio 3) or pi^r ('half').
@pytest.mark.parametrize("weighting, scale", [("none", 1.0), ("normalization", np.pi / 3),
                                              ("half", np.pi)])
@pytest.mark.parametrize("moments", [1, 3, 5])
def test_sphere_losses_match_the_paper(moments, weighting, scale):
    rng = np.random.default_rng(0)
    real, fake = rng.normal(size=(5, 16)), rng.normal(size=(5, 16)) * 3

    def pole_distance(p):  # arccos of the last coordinate of P(p) (Park & Kwon 2019)
        s = np.sum(p ** 2, -1)
        return np.arccos((s - 1) / (s + 1))

    def moment_sum(p):
        return sum(np.mean(pole_distance(p) ** r) / scale ** r for r in range(1, moments + 1))

    real32, fake32 = real.astype(np.float32), fake.astype(np.float32)
    np.testing.assert_allclose(
        losses.sphere_discriminator_loss(real32, fake32, moments, weighting),
        -moment_sum(real) + moment_sum(fake), rtol=1e-5)
    np.testing.assert_allclose(losses.sphere_generator_loss(fake32, moments, weighting),
                               -moment_sum(fake), rtol=1e-5)


def test_sphere_gan_refuses_an_unknown_moment_weighting():
    config = config_base.load("sphere_gan", "ring8")
    config.hparams.moment_weighting = "halves"
    with pytest.raises(UserError, match=r"cannot build sphere_gan: moment_weighting must be one "
                                        r"of \['half', 'none', 'normalization'\], got 'halves'"):
        build.build_model(config, (2,))


# ------------------------------------------------------------------ gradient penalty
def test_gradient_penalty_matches_finite_differences():
    keras.utils.set_random_seed(1)
    critic = mlp.discriminator(data_dim=3, width=8, depth=2)
    points = tf.constant(np.random.default_rng(1).normal(size=(4, 3)), tf.float32)
    norms = penalties.input_gradient_norm(critic, points).numpy()
    eps = 1e-2
    for i in range(4):
        grad = []
        for j in range(3):
            step = np.zeros((1, 3), np.float32)
            step[0, j] = eps
            x = points[i:i + 1].numpy().astype(np.float64)
            up = critic(x + step, training=False).numpy()[0, 0]
            down = critic(x - step, training=False).numpy()[0, 0]
            grad.append((up - down) / (2 * eps))
        np.testing.assert_allclose(norms[i], np.linalg.norm(grad), rtol=2e-3)
    two = penalties.gradient_penalty(critic, points, "two_sided").numpy()
    one = penalties.gradient_penalty(critic, points, "one_sided").numpy()
    np.testing.assert_allclose(two, np.mean((norms - 1) ** 2), rtol=1e-5)
    np.testing.assert_allclose(one, np.mean(np.maximum(norms - 1, 0) ** 2), rtol=1e-5)


def test_interpolates_lie_on_the_segment():
    a, b = tf.zeros((3, 2, 2, 1)), tf.ones((3, 2, 2, 1))
    mixed = penalties.interpolate(a, b, tf.constant([0.0, 0.25, 1.0])).numpy()
    np.testing.assert_allclose(mixed[:, 0, 0, 0], [0.0, 0.25, 1.0])


# ------------------------------------------------------------------ the engine
def _mlp_pair(variant, seed=0):
    """(G, D) of `helpers.mlp_networks`."""
    networks = mlp_networks(variant, seed)
    return networks["generator"], networks["discriminator"]


def _image_pair(seed=0):
    """(G, D) of small DCGANs for 28x28x1 images, D with BatchNorm."""
    keras.utils.set_random_seed(seed)
    return (dcgan.generator(8, (28, 28, 1), width=4),
            dcgan.discriminator((28, 28, 1), width=4, norm="batch"))


def _mirrored():
    """The session's 2-replica MirroredStrategy."""
    return conftest.mirrored_strategy()


def test_one_replica_equals_two_replicas_with_batch_norm_networks():
    """Synchronised BatchNorm in G and D makes the step independent of the replica count."""
    pair = _image_pair()
    weights = {"generator": pair[0].get_weights(), "discriminator": pair[1].get_weights()}
    batch = tf.random.stateless_uniform((8, 28, 28, 1), [1, 2], -1, 1)
    single = one_step(build_variant("ns_gan", pair, tf.distribute.get_strategy(), weights), batch)
    double = one_step(build_variant("ns_gan", pair, _mirrored(), weights), batch)
    for a, b in zip(single, double):
        np.testing.assert_allclose(a, b, atol=1e-5)


def test_each_replica_draws_different_noise_and_global_noise_is_replica_invariant():
    strategy = _mirrored()
    model = build_variant("ns_gan", _mlp_pair("ns_gan"), strategy)

    @tf.function
    def draw():
        model._draws.index = 0
        return model.sample_latent(4)

    per_replica = strategy.experimental_local_results(strategy.run(draw))
    first, second = (t.numpy() for t in per_replica)
    assert not np.allclose(first, second)
    single = build_variant("ns_gan", _mlp_pair("ns_gan"), tf.distribute.get_strategy())
    single._draws.index = 0
    np.testing.assert_allclose(np.concatenate([first, second]), single.sample_latent(8).numpy())


def test_noise_changes_with_step_and_draw():
    model = build_variant("ns_gan", _mlp_pair("ns_gan"), tf.distribute.get_strategy())
    model._draws.index = 0
    a, b = model.sample_latent(4).numpy(), model.sample_latent(4).numpy()
    assert not np.allclose(a, b)
    model.step.assign(1)
    model._draws.index = 0
    assert not np.allclose(a, model.sample_latent(4).numpy())
    assert model.sample_latent(3).shape == (3, 4)


def test_each_critic_update_sees_its_own_slice_of_real_data():
    seen = []

    class Recording(VARIANTS["wgan_gp"]):
        def discriminator_objective(self, context):
            seen.append(context.real)
            return super().discriminator_objective(context)

    generator, discriminator = _mlp_pair("wgan_gp")
    model = Recording(generator=generator, discriminator=discriminator, latent_dim=4, n_critic=3)
    model.compile(keras.optimizers.SGD(0.01), keras.optimizers.SGD(0.01), run_eagerly=True)
    batch = tf.reshape(tf.range(12, dtype=tf.float32), (6, 2))
    logs = model.train_step(batch)
    assert len(seen) == 3 and all(s.shape == (2, 2) for s in seen)
    for k in range(3):
        np.testing.assert_array_equal(seen[k], batch[k::3])
    assert model.step.numpy() == 1 and model.d_optimizer.iterations.numpy() == 3
    assert set(logs) == {"d_loss", "g_loss", "gradient_penalty"}


def test_call_returns_generator_samples_and_compile_builds_optimizers():
    generator, discriminator = _mlp_pair("ns_gan")
    model = VARIANTS["ns_gan"](generator=generator, discriminator=discriminator, latent_dim=4)
    model.compile(keras.optimizers.Adam(), keras.optimizers.Adam())
    assert model.g_optimizer.built and model.d_optimizer.built
    z = tf.ones((3, 4))
    np.testing.assert_allclose(model(z), generator(z))


@pytest.mark.parametrize("variant", ["sngan", "sphere_gan_stable"])
def test_spectral_variants_require_a_spectrally_normalised_discriminator(variant):
    generator, _ = _mlp_pair("ns_gan")
    with pytest.raises(ValueError, match=f"{variant} needs .*SpectralNormalization"):
        VARIANTS[variant](generator=generator, discriminator=mlp.discriminator(2, 1, 8, 1),
                          latent_dim=4)


def test_stable_sphere_gan_critic_is_1_lipschitz():
    """What bounds |p| (SphereGANStable): |D(x) - D(y)| <= |x - y| for its 2-D config's critic,
    once power iteration has found each layer's largest singular value."""
    config = config_base.load("sphere_gan_stable", "grid25")
    model = build.build_model(config, (2,))
    rng = np.random.default_rng(0)
    x = tf.constant(rng.normal(size=(256, 2)) * 3, tf.float32)
    for _ in range(30):  # power iterations run in training calls
        model.discriminator(x, training=True)
    y = x + tf.constant(rng.normal(size=(256, 2)), tf.float32)
    ratio = (tf.norm(model.discriminator(x) - model.discriminator(y), axis=1)
             / tf.norm(x - y, axis=1)).numpy()
    assert ratio.max() <= 1.01 and ratio.max() > 0.01


def test_sphere_gan_discriminator_loss_is_bounded():
    """Distances are at most pi, so |L_D| <= sum_r pi^r whatever D outputs."""
    huge = tf.fill((4, 8), 1e20)
    tiny = tf.zeros((4, 8))
    bound = sum(np.pi ** r for r in range(1, 4))
    for real, fake in ((huge, tiny), (tiny, huge)):
        loss = losses.sphere_discriminator_loss(real, fake, 3).numpy()
        assert np.isfinite(loss) and abs(loss) <= bound + 1e-4
    assert issubclass(VARIANTS["sphere_gan"], GAN)
    assert layers.north_pole_distance(tiny).numpy().max() == pytest.approx(np.pi)
