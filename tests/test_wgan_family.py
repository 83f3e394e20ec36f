"""WGAN (clipping), WGAN-LP, WGAN-CT, DRAGAN, instance noise and the critic network options."""
import math

import keras
import numpy as np
import pytest
import tensorflow as tf

import conftest
from helpers import (build_variant, context_of, load_config, mlp_networks, one_step,
                     subclasses)
from tfgan_variants import VARIANTS, build, config_base, penalties, replicas, training
from tfgan_variants.errors import ConfigError
from tfgan_variants.models import divergence, ipm, warmup
from tfgan_variants.networks import common, dcgan, mlp, sngan_cnn

#: The critics with the WGAN objective or a gradient penalty (DRAGAN's is on NS-GAN's).
FAMILY = subclasses(ipm.WassersteinCritic, ipm.GradientPenalty)
REAL = np.array([[1.0, 2.0], [0.5, 0.25], [3.0, 1.0]], np.float32)
FAKE = np.array([[0.2, 0.1], [2.0, 0.5], [1.5, 1.5]], np.float32)
softplus = lambda t: np.log1p(np.exp(t))  # noqa: E731


def _generator(latent_dim=4, data_dim=2):
    return mlp.generator(latent_dim, data_dim, width=8, depth=1)


def _linear_critic(kernel):
    """D(x) = kernel . x: its input gradient is `kernel` everywhere."""
    critic = keras.Sequential([keras.Input((len(kernel),)), keras.layers.Dense(1)])
    critic.set_weights([np.reshape(kernel, (-1, 1)).astype(np.float32), np.zeros(1, np.float32)])
    return critic


def _model(variant, discriminator, **hparams):
    """`variant` with a small MLP generator (latent 4, 2-D samples) and `discriminator`."""
    return VARIANTS[variant](generator=_generator(), discriminator=discriminator, latent_dim=4,
                             **hparams)


# ------------------------------------------------------------------ objectives vs the papers' equa
@pytest.mark.parametrize("variant", FAMILY)
def test_generator_and_critic_losses_match_their_formulas(variant):
    critic = mlp.discriminator(2, 1, 8, 1, dropout=0.5 if variant == "wgan_ct" else 0.0)
    model = _model(variant, critic)
    real, fake = REAL[:, :1], FAKE[:, :1]
    if isinstance(model, ipm.WassersteinCritic):  # E[D(G(z))] - E[D(x)]; -E[D(G(z))]
        d_loss, g_loss = fake.mean() - real.mean(), -fake.mean()
    else:  # DRAGAN, NS-GAN: softplus(-D(x)) + softplus(D(G(z))); softplus(-D(G(z)))
        assert isinstance(model, divergence.NSGAN)
        d_loss = np.mean(softplus(-real)) + np.mean(softplus(fake))
        g_loss = np.mean(softplus(-fake))
    np.testing.assert_allclose(model.discriminator_loss(real, fake), d_loss, rtol=1e-6)
    np.testing.assert_allclose(model.generator_loss(fake), g_loss, rtol=1e-6)


@pytest.mark.parametrize("variant", ["wgan", "wgan_gp", "wgan_lp", "dragan"])
@pytest.mark.parametrize("slope", [0.5, 2.0])
def test_critic_objective_on_a_linear_critic(variant, slope):
    """‖grad D‖ = slope everywhere: two-sided penalty (slope - 1)^2, one-sided only above 1."""
    kernel = np.array([0.6, 0.8]) * slope
    model = _model(variant, _linear_critic(kernel), **({} if variant == "wgan" else
                                                        {"gp_weight": 3.0}))
    loss, logs = model.discriminator_objective(context_of(model, REAL, FAKE))
    d_real, d_fake = REAL @ kernel, FAKE @ kernel
    if variant == "dragan":
        expected = np.mean(softplus(-d_real)) + np.mean(softplus(d_fake))
    else:
        expected = d_fake.mean() - d_real.mean()
    penalty = {"wgan": 0.0, "wgan_lp": max(slope - 1, 0) ** 2}.get(variant, (slope - 1) ** 2)
    np.testing.assert_allclose(loss, expected + 3.0 * penalty, rtol=1e-5, atol=1e-6)
    assert ("gradient_penalty" in logs) == (variant != "wgan")
    if variant != "wgan":
        np.testing.assert_allclose(logs["gradient_penalty"], penalty, atol=1e-6)


def test_consistency_term_matches_its_formula():
    rng = np.random.default_rng(0)
    f1, f2 = rng.normal(size=(5, 6)), rng.normal(size=(5, 6))
    o1, o2 = rng.normal(size=(5, 1)), rng.normal(size=(5, 1))
    for margin in (0.0, 0.8, 100.0):
        distance = (o1 - o2)[:, 0] ** 2 + 0.1 * np.mean((f1 - f2) ** 2, axis=1)
        expected = np.mean(np.maximum(0.0, distance - margin))
        term = penalties.consistency_term((f1, o1), (f2, o2), margin)
        np.testing.assert_allclose(term, expected, rtol=1e-5)
    assert penalties.consistency_term((f1, o1), (f1, o1)).numpy() == 0.0
    assert 0 < penalties.consistency_term((f1, o1), (f2, o2), 0.8) < \
        penalties.consistency_term((f1, o1), (f2, o2), 0.0)


def test_wgan_ct_objective_by_hand():
    """D(x) = v . dropout(leaky_relu(x)) on positive x; the last two critic calls are the
    consistency passes x' (all units kept) and x'' (unit 0 dropped)."""
    critic = mlp.discriminator(2, 1, width=2, depth=1, dropout=0.5)
    v = np.array([1.0, 2.0])
    critic.set_weights([np.eye(2, dtype=np.float32), np.zeros(2, np.float32),
                        v.reshape(2, 1).astype(np.float32), np.zeros(1, np.float32)])
    model = _model("wgan_ct", critic, gp_weight=3.0, ct_weight=2.0)
    calls = []

    def masks(shape):  # U[0, 1) stand-in: 0.99 keeps a unit (rate 0.5), 0.0 drops it
        calls.append(shape)
        return tf.constant([[0.99, 0.99]] * 3, tf.float32)

    common.use_mask_source(critic, masks)
    keep_all = model.discriminator_objective(context_of(model, REAL, FAKE))[0]
    # All kept: D(x) = 2 v.x (inverted dropout scales by 1 / 0.5), ‖grad D‖ = 2 ‖v‖, CT = 0.
    gp = (2 * np.linalg.norm(v) - 1) ** 2
    np.testing.assert_allclose(keep_all, 2 * (FAKE @ v).mean() - 2 * (REAL @ v).mean() + 3 * gp,
                               rtol=1e-5)
    assert len(calls) == 5  # D(x), D(G(z)), D(x_hat), and the two consistency passes

    def masks_dropping_unit_0_last(shape):
        calls.append(shape)
        keep = [[0.0, 0.99]] if len(calls) % 5 == 0 else [[0.99, 0.99]]
        return tf.constant(keep * 3, tf.float32)

    common.use_mask_source(critic, masks_dropping_unit_0_last)
    loss, logs = model.discriminator_objective(context_of(model, REAL, FAKE))
    first, second = 2 * REAL, 2 * REAL * [0.0, 1.0]  # penultimate features D_
    distance = ((first - second) @ v) ** 2 + 0.1 * np.mean((first - second) ** 2, axis=1)
    np.testing.assert_allclose(logs["consistency"], distance.mean(), rtol=1e-5)
    np.testing.assert_allclose(loss, keep_all + 2.0 * distance.mean(), rtol=1e-5)


def test_wgan_ct_needs_a_critic_with_dropout():
    with pytest.raises(ValueError, match="dropout"):
        _model("wgan_ct", mlp.discriminator(2, 1, 8, 1))


@pytest.mark.slow
def test_wgan_ct_on_images_trains_to_the_same_weights_twice(tmp_path):
    """`build.make_deterministic` on the Fashion-MNIST critic at the benchmark's width and
    batch: with Grappler's constant folding on, two runs differed by a few 1e-6 after two
    steps (three trials of three); smaller critics hid it."""
    def run(name):
        config = load_config("wgan_ct", "fashion_mnist", train__steps=2, networks__width=32)
        trained = training.train(config, str(tmp_path / name), verbose=0).model
        return [v.numpy() for v in trained.variables]

    for first, second in zip(run("a"), run("b")):
        np.testing.assert_array_equal(first, second)


# ------------------------------------------------------------------ gradient penalties
def _finite_difference_norms(critic, points, eps=1e-3):
    x = points.numpy().astype(np.float64)
    grads = np.zeros_like(x)
    for j in range(x.shape[1]):
        step = np.zeros_like(x)
        step[:, j] = eps
        up = critic(x + step, training=False).numpy()[:, 0]
        down = critic(x - step, training=False).numpy()[:, 0]
        grads[:, j] = (up - down) / (2 * eps)
    return np.linalg.norm(grads, axis=1)


@pytest.mark.parametrize("where", ["interpolates", "dragan"])
@pytest.mark.parametrize("shape", ["one_sided", "two_sided"])
def test_gradient_penalty_matches_finite_differences(where, shape):
    keras.utils.set_random_seed(2)
    critic = mlp.discriminator(data_dim=3, width=8, depth=2)
    rng = np.random.default_rng(2)
    real = tf.constant(rng.normal(size=(16, 3)), tf.float32)
    alpha = tf.constant(rng.uniform(size=16), tf.float32)
    if where == "dragan":
        noise = tf.constant(rng.uniform(size=(16, 3)), tf.float32)
        points = penalties.dragan_points(real, noise, alpha)
    else:
        fake = tf.constant(rng.normal(size=(16, 3)) + 2, tf.float32)
        points = penalties.interpolate(real, fake, alpha)
    # Scale the critic so that about half the slopes exceed 1 and the one-sided test bites.
    weights = critic.get_weights()
    weights[-2] = weights[-2] / np.median(penalties.input_gradient_norm(critic, points))
    critic.set_weights(weights)
    norms = _finite_difference_norms(critic, points)
    assert (norms > 1.05).any() and (norms < 0.95).any()
    np.testing.assert_allclose(penalties.input_gradient_norm(critic, points), norms, rtol=2e-3)
    excess = norms - 1 if shape == "two_sided" else np.maximum(norms - 1, 0)
    np.testing.assert_allclose(penalties.gradient_penalty(critic, points, shape),
                               np.mean(excess ** 2), rtol=5e-3)


def test_dragan_points_stay_within_c_standard_deviations_of_the_data():
    rng = np.random.default_rng(3)
    real = (rng.normal(size=(32, 4)) * 3 + 1).astype(np.float32)
    noise = rng.uniform(size=real.shape).astype(np.float32)
    alpha = rng.uniform(size=32).astype(np.float32)
    points = penalties.dragan_points(real, noise, alpha).numpy()
    std = real.std()  # one scalar over the batch, population std as numpy's default
    np.testing.assert_allclose(points, real + alpha[:, None] * 0.5 * std * noise, rtol=1e-5,
                               atol=1e-5)
    np.testing.assert_allclose(penalties.dragan_points(real, noise, np.ones(32, np.float32)) - real,
                               0.5 * std * noise, rtol=1e-5, atol=1e-5)
    # The model's own draws: x_hat - x in [0, 0.5 std(x)) elementwise.
    model = _model("dragan", mlp.discriminator(4, 1, 8, 1))
    offsets = model.penalty_points(tf.constant(real), None).numpy() - real
    assert offsets.min() >= -1e-6 and offsets.max() < 0.5 * std and offsets.std() > 0.1
    # A smaller c (`perturbation`, for mixtures of modes narrower than their spread) scales them.
    near = _model("dragan", mlp.discriminator(4, 1, 8, 1), perturbation=0.05)
    offsets = near.penalty_points(tf.constant(real), None).numpy() - real
    assert offsets.min() >= -1e-6 and offsets.max() < 0.05 * std and offsets.std() > 0.01
    with pytest.raises(ConfigError, match="perturbation"):
        _model("dragan", mlp.discriminator(4, 1, 8, 1), perturbation=0.0)


def test_dragan_std_is_that_of_the_global_batch_on_two_replicas():
    strategy = conftest.mirrored_strategy()
    x = (np.random.default_rng(4).normal(size=(8, 3)) * [1.0, 5.0, 10.0] + 3).astype(np.float32)
    halves = strategy.experimental_distribute_values_from_function(
        lambda context: tf.constant(x[4 * context.replica_id_in_sync_group:][:4]))
    stds = strategy.experimental_local_results(
        strategy.run(tf.function(replicas.global_std), args=(halves,)))
    for std in stds:
        np.testing.assert_allclose(std, x.std(), rtol=1e-5)
    assert not math.isclose(x[:4].std(), x.std(), rel_tol=1e-2)


# ------------------------------------------------------------------ WGAN: clipping and warm-up
def test_weight_clipping_leaves_every_critic_weight_within_the_bound():
    keras.utils.set_random_seed(5)
    model = _model("wgan", mlp.discriminator(2, 1, 16, 2), clip_value=0.05, n_critic=2)
    assert max(np.abs(w).max() for w in model.discriminator.get_weights()) > 0.05
    model.compile(keras.optimizers.RMSprop(1e-3), keras.optimizers.RMSprop(1e-3))
    model.fit(tf.data.Dataset.from_tensors(tf.constant(np.tile(REAL, (2, 1)))).repeat(),
              steps_per_epoch=1, epochs=1, verbose=0)
    weights = np.concatenate([w.ravel() for w in model.discriminator.get_weights()])
    assert np.abs(weights).max() <= 0.05
    assert np.isclose(np.abs(weights), 0.05).sum() > len(weights) // 4


def _authors_schedule(generator_iterations, n_critic):
    """Critic updates before each generator update in the WGAN authors' main.py."""
    return [100 if g < 25 or g % 500 == 0 else n_critic for g in range(generator_iterations)]


@pytest.mark.parametrize("n_critic", [5, 3, 100])
def test_warmup_runs_the_authors_schedule(n_critic):
    skips = warmup.warmup_skips_generator(tf.range(3000), n_critic).numpy()
    critic_updates, since_last = [], 0
    for skip in skips:
        since_last += n_critic
        if not skip:
            critic_updates.append(since_last)
            since_last = 0
    expected = _authors_schedule(len(critic_updates), n_critic)
    steps_per_warmup = math.ceil(100 / n_critic)
    assert critic_updates == [steps_per_warmup * n_critic if e == 100 else e for e in expected]
    assert len(critic_updates) > 1000 + 25 and critic_updates.count(critic_updates[0]) > 25


def _warmup_model(variant, strategy, networks, weights):
    """`variant` with n_critic 2 and the warm-up, compiled with RMSProp(0.01) in `strategy`."""
    model = build_variant(variant, networks, strategy, weights, n_critic=2, critic_warmup=True)
    with strategy.scope():
        model.compile(keras.optimizers.RMSprop(0.01), keras.optimizers.RMSprop(0.01))
    return model


@pytest.mark.parametrize("variant", ["wgan", "mmd_gan"])
def test_warmup_skips_generator_updates_exactly_and_on_two_replicas(variant):
    networks = mlp_networks(variant)
    weights = {name: net.get_weights() for name, net in networks.items()}
    # 24 rows: 2 critic slices (WGAN) or 2 and one for G (MMD GAN), even on two replicas.
    batch = tf.constant(np.random.default_rng(6).normal(size=(24, 2)), tf.float32)
    single = _warmup_model(variant, tf.distribute.get_strategy(), networks, weights)
    g_before, d_before = single.generator.get_weights(), single.discriminator.get_weights()
    slots = [v for v in single.g_optimizer.variables if v is not single.g_optimizer.iterations]
    slots_before = [v.numpy() for v in slots]
    one_step(single, batch)  # step 0 is critic-only: G and its RMSProp slots stay put
    for a, b in zip(single.generator.get_weights() + [v.numpy() for v in slots],
                    g_before + slots_before):
        np.testing.assert_array_equal(a, b)
    assert single.step.numpy() == 1
    assert any(not np.allclose(a, b) for a, b in zip(single.discriminator.get_weights(),
                                                     d_before))
    double = _warmup_model(variant, conftest.mirrored_strategy(), networks, weights)
    one_step(double, batch)
    for a, b in zip(single.get_weights(), double.get_weights()):
        np.testing.assert_allclose(a, b, atol=1e-5)
    for model in (single, double):
        model.step.assign(49)  # the last step of generator iteration 0
        one_step(model, batch)
    assert not np.allclose(single.generator.get_weights()[0], g_before[0])
    for a, b in zip(single.get_weights(), double.get_weights()):
        np.testing.assert_allclose(a, b, atol=1e-5)


# ------------------------------------------------------------------ instance noise
class _Recording:
    """Mix-in that records the (real, fake) pairs the discriminator objective sees."""

    def discriminator_objective(self, context):
        real, fake = context.discriminator_inputs()
        self.seen.append((real.numpy(), fake.numpy()))
        return super().discriminator_objective(context)


def _recording_model(variant="ns_gan", **hparams):
    """A `_Recording` `variant` whose G(z) is 0, compiled with SGD(0) to run eagerly."""
    cls = type("Recording", (_Recording, VARIANTS[variant]), {})
    generator = _generator()
    generator.set_weights([np.zeros_like(w) for w in generator.get_weights()])  # G(z) = 0
    model = cls(generator=generator, discriminator=mlp.discriminator(2, 1, 8, 1), latent_dim=4,
                **hparams)
    model.seen = []
    model.compile(keras.optimizers.SGD(0.0), keras.optimizers.SGD(0.0), run_eagerly=True)
    return model


def test_instance_noise_follows_the_linear_schedule_and_differs_between_real_and_fake():
    model = _recording_model(instance_noise=0.5, instance_noise_steps=11)
    zeros = tf.zeros((4096, 2))
    for step, std in [(0, 0.5), (4, 0.3), (10, 0.0), (12, 0.0)]:
        model.step.assign(step)
        assert float(model.instance_noise_std()) == pytest.approx(std)
        model.train_step(zeros)
        real, fake = model.seen[-1]
        if std == 0:
            assert not real.any() and not fake.any()
            continue
        assert real.std() == pytest.approx(std, rel=0.05)
        assert fake.std() == pytest.approx(std, rel=0.05)
        assert abs(np.corrcoef(real.ravel(), fake.ravel())[0, 1]) < 0.05


def test_instance_noise_is_off_by_default_and_then_draws_nothing():
    batch = tf.constant(np.tile(REAL, (2, 1)))
    default, on = _recording_model(), _recording_model(instance_noise=0.1, instance_noise_steps=5)
    for model in (default, on):
        model.train_step(batch)
    np.testing.assert_array_equal(default.seen[0][0], batch)
    assert not np.array_equal(on.seen[0][0], batch)
    # One latent draw for D and one for G; instance noise adds one for real, one for fake.
    assert default._draws.index == 2 and on._draws.index == 4
    with pytest.raises(ValueError, match="instance_noise_steps"):
        _recording_model(instance_noise=0.1)
    config = config_base.base_config("wgan_lp", "ring8")
    assert config.train.instance_noise == 0.0
    config.train.instance_noise = 0.2
    model = build.build_model(config, (2,))
    assert model.instance_noise == 0.2 and model.instance_noise_steps == config.train.steps


@pytest.mark.parametrize("variant", ["ns_gan", "dragan"])
def test_instance_noise_is_replica_invariant(variant):
    networks = mlp_networks(variant)
    weights = {name: net.get_weights() for name, net in networks.items()}
    batch = tf.constant(np.random.default_rng(7).normal(size=(8, 2)), tf.float32)
    noise = {"instance_noise": 0.5, "instance_noise_steps": 10}
    single = one_step(build_variant(variant, networks, tf.distribute.get_strategy(), weights,
                                    **noise), batch)
    double = one_step(build_variant(variant, networks, conftest.mirrored_strategy(), weights,
                                    **noise), batch)
    quiet = one_step(build_variant(variant, networks, tf.distribute.get_strategy(), weights),
                     batch)
    for a, b in zip(single, double):
        np.testing.assert_allclose(a, b, atol=1e-5)
    assert any(not np.allclose(a, b) for a, b in zip(single, quiet))


# ------------------------------------------------------------------ the networks' options
@pytest.mark.parametrize("build", [
    lambda **kw: mlp.discriminator(2, 1, 8, 2, **kw),
    lambda **kw: dcgan.discriminator((28, 28, 1), width=4, norm="layer", **kw),
    lambda **kw: sngan_cnn.discriminator((32, 32, 3), width=4, **kw)])
def test_dropout_is_opt_in_and_features_are_the_penultimate_layer(build):
    plain, dropped = build(), build(dropout=0.5)
    assert not common.dropout_layers(plain) and common.dropout_layers(dropped)
    dropped.set_weights(plain.get_weights())  # the same layers with weights, and no others
    x = tf.random.stateless_uniform((3, *plain.input_shape[1:]), [1, 2], -1, 1)
    np.testing.assert_allclose(dropped(x, training=False), plain(x, training=False), atol=1e-5)
    features, output = common.with_features(dropped)(x, training=False)
    head = dropped.layers[-1]
    assert features.shape == (3, head.input.shape[-1])
    np.testing.assert_allclose(output, dropped(x, training=False), atol=1e-6)
    shared = {id(v) for v in dropped.weights}
    assert {id(v) for v in common.with_features(dropped).weights} == shared
    # Without a mask source the layers are Keras' Dropout: about half the features are 0.
    # On 256 rows (at least 2,048 features, the fraction's std under 0.011), not the 3 above,
    # whose 24 MLP features left 0.3 to 0.7 about one draw in 40.
    many = tf.random.stateless_uniform((256, *plain.input_shape[1:]), [1, 3], -1, 1)
    dropped_features = common.with_features(dropped)(many, training=True)[0].numpy()
    assert 0.3 < np.mean(dropped_features == 0) < 0.7


# ------------------------------------------------------------------ every dataset
@pytest.fixture(scope="module")
def rgb32(tmp_path_factory):
    path = tmp_path_factory.mktemp("rgb") / "rgb32.npz"
    images = np.random.default_rng(9).integers(0, 256, size=(64, 32, 32, 3), dtype=np.uint8)
    np.savez(path, x=images)
    return str(path)


@pytest.mark.parametrize("variant", FAMILY)
def test_variant_trains_and_exports_on_colour_images(tmp_path, variant, rgb32):
    """32x32x3 data (the 2-D mixtures and 28-px greyscale are the contract test's)."""
    name, width = rgb32, 4
    # One step with one critic update keeps the graphs small; the variant's objective is whole.
    config = load_config(variant, name, train__steps=1, data__batch_size=8,
                         networks__width=width, hparams__n_critic=1)
    run = training.train(config, tmp_path, verbose=0)
    samples = run.summaries.samples(3)
    assert samples.shape == (3, *run.info.shape) and np.isfinite(samples).all()
    assert (tmp_path / "saved_model").exists()
    assert all(np.isfinite(w).all() for w in run.model.discriminator.get_weights())
