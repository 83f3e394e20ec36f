"""EBGAN, BEGAN, MAGAN and the loss-sensitive GAN: losses against the papers' equations, the
pulling-away term against its closed form, BEGAN's k_t and MAGAN's margin rule step by step,
their state through checkpoints and an interrupted run, and short runs on every kind of data."""
import keras
import ml_collections
import numpy as np
import pytest
import tensorflow as tf

import conftest
from helpers import check_export, context_of, family, load_config
from tfgan_variants import VARIANTS, losses, optimizers, penalties, training
from tfgan_variants.models import energy

rng = np.random.default_rng(0)
#: The variants of the energy family (tfgan_variants.models.energy).
ENERGY_VARIANTS = family("energy")
#: Those with state updated once per step (BEGAN's k_t, MAGAN's margin).
STATEFUL_VARIANTS = tuple(name for name in ENERGY_VARIANTS
                          if getattr(VARIANTS[name], "stateful", False))


# ------------------------------------------------------------------ losses vs the papers' equations
def test_energies_are_per_example_mean_squared_and_mean_absolute_errors():
    x = np.float32([[[1.0, 2.0], [0.0, 0.0]], [[-1.0, 0.5], [2.0, 1.0]]])
    r = np.float32([[[0.0, 0.0], [0.0, 1.0]], [[-1.0, 0.0], [0.0, 1.0]]])
    np.testing.assert_allclose(losses.autoencoder_energy(x, r), [(1 + 4 + 0 + 1) / 4,
                                                                 (0 + 0.25 + 4 + 0) / 4])
    np.testing.assert_allclose(losses.autoencoder_energy(x, r, "l1"), [(1 + 2 + 0 + 1) / 4,
                                                                       (0 + 0.5 + 2 + 0) / 4])
    with pytest.raises(ValueError):
        losses.autoencoder_energy(x, r, "l3")


def test_margin_losses_match_ebgan_eq_1_and_2():
    real, fake = np.float32([0.5, 1.0, 2.0]), np.float32([3.0, 12.0, 9.5])
    # mean(real) + mean(max(0, 10 - fake)) = 3.5/3 + (7 + 0 + 0.5)/3
    np.testing.assert_allclose(losses.margin_discriminator_loss(real, fake, 10.0),
                               3.5 / 3 + 7.5 / 3, rtol=1e-6)
    np.testing.assert_allclose(losses.energy_generator_loss(fake), 24.5 / 3, rtol=1e-6)


def numpy_pulling_away(codes):
    n = len(codes)
    total = 0.0
    for i in range(n):
        for j in range(n):
            if i != j:
                cos = codes[i] @ codes[j] / (np.linalg.norm(codes[i]) * np.linalg.norm(codes[j]))
                total += cos ** 2
    return total / (n * (n - 1))


def test_pulling_away_term_matches_its_closed_form():
    codes = rng.normal(size=(6, 5))
    np.testing.assert_allclose(losses.pulling_away_term(np.float32(codes)),
                               numpy_pulling_away(codes), rtol=1e-5)
    # Orthogonal codes: 0; parallel (or anti-parallel) codes: 1, whatever their lengths.
    np.testing.assert_allclose(losses.pulling_away_term(np.eye(4, dtype=np.float32)), 0.0,
                               atol=1e-7)
    parallel = np.float32([[1.0, 2.0], [-2.0, -4.0], [0.5, 1.0]])
    np.testing.assert_allclose(losses.pulling_away_term(parallel), 1.0, rtol=1e-6)


def test_began_losses_k_update_and_convergence_match_eq_4():
    real, fake = np.float32([0.2, 0.4]), np.float32([0.1, 0.3])
    np.testing.assert_allclose(losses.began_discriminator_loss(real, fake, 0.25),
                               0.3 - 0.25 * 0.2, rtol=1e-6)
    # k + lambda_k (gamma L(x) - L(G(z))) = 0.25 + 0.1 (0.5 * 0.3 - 0.2) = 0.245
    np.testing.assert_allclose(losses.began_k_update(0.25, 0.3, 0.2, 0.5, 0.1), 0.245,
                               rtol=1e-6)
    assert losses.began_k_update(0.0, 0.3, 0.9, 0.5, 1.0) == 0.0  # clipped below
    assert losses.began_k_update(0.9, 3.0, 0.0, 0.5, 1.0) == 1.0  # clipped above
    np.testing.assert_allclose(losses.began_convergence(0.3, 0.2, 0.5), 0.3 + 0.05, rtol=1e-6)


def test_loss_sensitive_losses_match_eq_5_and_gls_gan():
    real, fake = np.float32([[0.0, 1.0], [2.0, 2.0]]), np.float32([[1.0, -1.0], [2.0, 0.5]])
    delta = losses.l1_margin(real, fake, 0.5)
    np.testing.assert_allclose(delta, [0.5 * 3.0, 0.5 * 1.5], rtol=1e-6)
    l_real, l_fake = np.float32([0.5, 2.0]), np.float32([1.0, 5.0])
    gaps = delta.numpy() + l_real - l_fake          # [1.5 + 0.5 - 1, 0.75 + 2 - 5]
    np.testing.assert_allclose(gaps, [1.0, -2.25], rtol=1e-6)
    ls = losses.loss_sensitive_discriminator_loss(l_real, l_fake, delta, 2.0, 0.1, 0.0)
    np.testing.assert_allclose(ls, 0.1 * 1.25 + 2.0 * np.mean([1.0, 0.0]), rtol=1e-6)
    # nu 1 is linear (the WGAN critic), nu 0.2 a leaky ReLU.
    wgan = losses.loss_sensitive_discriminator_loss(l_real, l_fake, delta, 1.0, 0.0, 1.0)
    np.testing.assert_allclose(wgan, np.mean(gaps), rtol=1e-6)
    leaky = losses.loss_sensitive_discriminator_loss(l_real, l_fake, delta, 1.0, 0.0, 0.2)
    np.testing.assert_allclose(leaky, np.mean([1.0, 0.2 * -2.25]), rtol=1e-6)


# ------------------------------------------------------------------ objectives on networks
def _networks_config(code_dim=3):
    """A small MLP block of `config.networks`, autoencoder code of `code_dim`."""
    return ml_collections.ConfigDict({"name": "mlp", "width": 8, "depth": 2, "d_out": 1,
                                      "d_norm": "none", "d_dropout": 0.0,
                                      "code_dim": code_dim})


def _model(variant, optimizer=keras.optimizers.SGD, **hparams):
    """`variant` on small MLPs (seed 3, latent 3), compiled with `optimizer`(1e-2) eagerly."""
    keras.utils.set_random_seed(3)
    networks = VARIANTS[variant].build_networks(_networks_config(), (2,), 3)
    model = VARIANTS[variant](**networks, latent_dim=3, **hparams)
    model.compile(optimizer(1e-2), optimizer(1e-2), run_eagerly=True)
    return model


def _numpy_energy(model, x, power=2):
    """(per-example mean |x - D(x)|^power, D's codes) by numpy."""
    reconstruction, code = (t.numpy() for t in model.discriminator(x))
    return np.mean(np.abs(x - reconstruction) ** power, -1), code


def test_ebgan_objectives_are_eq_1_and_2_on_the_autoencoder():
    model = _model("ebgan", margin=2.0, pt_weight=0.1)
    real, fake = np.float32(rng.normal(size=(5, 2)) * 2), np.float32(rng.normal(size=(5, 2)))
    loss, logs = model.discriminator_objective(context_of(model, real, fake))
    e_real, _ = _numpy_energy(model, real)
    e_fake, codes = _numpy_energy(model, fake)
    np.testing.assert_allclose(loss, e_real.mean() + np.maximum(0, 2.0 - e_fake).mean(),
                               rtol=1e-5)
    g_loss, g_logs = model.generator_objective(context_of(model, fake=fake))
    pt = numpy_pulling_away(codes)
    np.testing.assert_allclose(g_logs["pulling_away"], pt, rtol=1e-5)
    np.testing.assert_allclose(g_loss, e_fake.mean() + 0.1 * pt, rtol=1e-5)


def test_loss_sensitive_objective_includes_relu_margin_and_weight_decay():
    model = _model("loss_sensitive_gan", tau=0.5, lambda_weight=2.0, gamma=0.1,
                   weight_decay=1e-2)
    real, fake = np.float32(rng.normal(size=(5, 2))), np.float32(rng.normal(size=(5, 2)))
    loss, logs = model.discriminator_objective(context_of(model, real, fake))
    l_real = np.maximum(model.discriminator(real).numpy()[:, 0], 0)
    l_fake = np.maximum(model.discriminator(fake).numpy()[:, 0], 0)
    delta = 0.5 * np.abs(real - fake).sum(-1)
    expected = 0.1 * l_real.mean() + 2.0 * np.maximum(delta + l_real - l_fake, 0).mean()
    decay = 0.5 * 1e-2 * sum(np.sum(w ** 2) for w in model.discriminator.get_weights())
    np.testing.assert_allclose(logs["d_loss"], expected, rtol=1e-5)
    np.testing.assert_allclose(loss, expected + decay, rtol=1e-5)
    g_loss, _ = model.generator_objective(context_of(model, fake=fake))
    np.testing.assert_allclose(g_loss, l_fake.mean(), rtol=1e-5)
    smooth = _model("loss_sensitive_gan", activation="softplus")
    g_loss, _ = smooth.generator_objective(context_of(smooth, fake=fake))
    np.testing.assert_allclose(g_loss, np.mean(np.log1p(np.exp(smooth.discriminator(fake)))),
                               rtol=1e-5)
    with pytest.raises(ValueError, match="activation"):
        _model("loss_sensitive_gan", activation="tanh")


def test_loss_sensitive_gradient_penalty_is_on_l_theta_at_interpolates():
    real, fake = np.float32(rng.normal(size=(6, 2))), np.float32(rng.normal(size=(6, 2)))
    plain = _model("loss_sensitive_gan", tau=0.5, activation="softplus")
    loss, logs = plain.discriminator_objective(context_of(plain, real, fake))
    assert logs["gradient_penalty"] == 0.0  # logged as 0 when off: the same keys every run
    model = _model("loss_sensitive_gan", tau=0.5, activation="softplus", gp_weight=3.0)
    penalised, logs = model.discriminator_objective(context_of(model, real, fake))
    # The same networks (seed 3) and weight decay: the difference is 3 x the logged penalty.
    np.testing.assert_allclose(penalised - loss, 3.0 * logs["gradient_penalty"], rtol=1e-5)
    # The penalty at any points is E[(‖grad L_theta‖ - 1)^2], L_theta = softplus(D).
    points = tf.constant(real)
    with tf.GradientTape() as tape:
        tape.watch(points)
        values = tf.reduce_sum(tf.nn.softplus(model.discriminator(points)))
    norms = np.linalg.norm(tape.gradient(values, points).numpy(), axis=-1)
    np.testing.assert_allclose(penalties.gradient_penalty(model.loss_function, points),
                               np.mean((norms - 1.0) ** 2), rtol=1e-4)
    with pytest.raises(ValueError, match="gp_weight"):
        _model("loss_sensitive_gan", gp_weight=-1.0)


def _reset(model):
    """Resets the model's metric trackers, so the logs are this step's."""
    for tracker in model.trackers.values():
        tracker.reset_state()


def test_began_k_follows_its_update_rule_every_step_and_stays_in_0_1():
    """With a large gain and gamma the rule drives k to both clipping bounds."""
    model = _model("began", gamma=0.5, lambda_k=2.0)
    assert model.k.numpy() == 0.0 and not model.k.trainable
    seen = set()
    for step, gamma in enumerate([0.5, 0.5, 40.0, 40.0, 40.0, 0.0, 0.0]):
        model.gamma = gamma
        k = model.k.numpy()
        _reset(model)
        logs = model.train_step(tf.constant(rng.normal(size=(8, 2)), tf.float32))
        real, fake = logs["real_energy"].numpy(), logs["g_loss"].numpy()
        expected = np.clip(k + 2.0 * (gamma * real - fake), 0.0, 1.0)
        np.testing.assert_allclose(model.k.numpy(), expected, rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(logs["k_t"], expected, rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(logs["convergence"], real + abs(gamma * real - fake),
                                   rtol=1e-5)
        assert 0.0 <= model.k.numpy() <= 1.0
        seen.add(float(model.k.numpy()))
        assert model.step.numpy() == step + 1
    assert {0.0, 1.0} <= seen
    # The discriminator loss uses k: L(x) - k L(G(z)).
    real, fake = np.float32(rng.normal(size=(4, 2))), np.float32(rng.normal(size=(4, 2)))
    loss, _ = model.discriminator_objective(context_of(model, real, fake))
    np.testing.assert_allclose(loss, _numpy_energy(model, real, 1)[0].mean()
                               - model.k.numpy() * _numpy_energy(model, fake, 1)[0].mean(),
                               rtol=1e-5)


def test_began_batch_l2_energy_is_the_root_mean_square_error_of_the_batch():
    """hwalsuklee's energy ||V - D(V)||_F / B as an RMS: one value for the batch, and each
    example's gradient its error over the batch's total error."""
    model = _model("began", energy="batch_l2")
    x = tf.constant(rng.normal(size=(6, 2)), tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        energies = model.energy(x)
        total = tf.reduce_mean(energies)
    squared, _ = _numpy_energy(model, x.numpy(), 2)
    rms = np.sqrt(squared.mean())
    np.testing.assert_allclose(energies, np.full(6, rms), rtol=1e-5)
    # d rms / d D(x)_ij = -(x_ij - D(x)_ij) / (B N rms); through D too, so compare with the
    # finite difference of the whole energy in one input coordinate.
    eps = 1e-2
    shifted = x.numpy().copy()
    shifted[2, 1] += eps
    below = x.numpy().copy()
    below[2, 1] -= eps
    finite = (np.sqrt(_numpy_energy(model, shifted, 2)[0].mean())
              - np.sqrt(_numpy_energy(model, below, 2)[0].mean())) / (2 * eps)
    np.testing.assert_allclose(tape.gradient(total, x)[2, 1], finite, rtol=1e-2, atol=1e-5)
    with pytest.raises(ValueError, match="energy"):
        _model("began", energy="l2")


def test_began_batch_l2_energy_is_the_same_on_one_and_two_replicas():
    """The batch's energy is of the global batch, gathered from every replica."""
    model = _model("began", energy="batch_l2")
    x = tf.constant(rng.normal(size=(8, 2)), tf.float32)
    strategy = conftest.mirrored_strategy()
    split = strategy.experimental_distribute_values_from_function(
        lambda context: x[4 * context.replica_id_in_sync_group:
                          4 * (context.replica_id_in_sync_group + 1)])
    per_replica = strategy.run(model.energy, args=(split,))
    for values in strategy.experimental_local_results(per_replica):
        np.testing.assert_allclose(values, model.energy(x)[:4], rtol=1e-5)


def test_began_halves_the_learning_rate_after_a_window_without_a_new_lowest_mean_m():
    model = _model("began", gamma=0.5, stall_window=2)
    assert model.learning_rate_scale.numpy() == 1.0
    # With L(G(z)) = gamma L(x), M_global = L(x). Window means 1.0, 0.8 (new lowest),
    # 0.9 and 0.85 (stalls: halve), 0.5 (new lowest).
    scales = []
    for mean in (1.0, 0.8, 0.9, 0.85, 0.5):
        for m in (mean + 0.1, mean - 0.1):
            # update_state runs within the step (model.step is its index), then the step
            # is counted.
            logs = model.update_state(tf.constant(m), tf.constant(0.5 * m), tf.constant(0.5 * m))
            model.step.assign_add(1)
            np.testing.assert_allclose(logs["convergence"], m, rtol=1e-6)
        scales.append(float(logs["lr_scale"]))
    assert scales == [1.0, 1.0, 0.5, 0.25, 0.25]
    np.testing.assert_allclose(model.best_window_mean.numpy(), 0.5, rtol=1e-6)
    # A tolerance asks for a relative fall: 0.5 -> 0.48 is not 10% lower.
    model.stall_tolerance = 0.1
    for m in (0.48, 0.48):
        model.update_state(tf.constant(m), tf.constant(0.5 * m), tf.constant(0.5 * m))
        model.step.assign_add(1)
    assert model.learning_rate_scale.numpy() == 0.125
    with pytest.raises(ValueError, match="stall_window"):
        _model("began", stall_window=-1)


def test_a_learning_rate_scale_multiplies_the_optimizers_learning_rate():
    scale = keras.Variable(1.0, trainable=False)
    for decay, base in (("none", lambda step: 1e-3),
                        ("linear", lambda step: 1e-3 * (1 - step / 10))):
        config = ml_collections.ConfigDict({"name": "adam", "learning_rate": 1e-3, "decay": decay})
        optimizer = optimizers.make_optimizer(config, 10, scale)
        optimizer.build([keras.Variable(0.0)])
        scale.assign(0.25)
        optimizer.iterations.assign(4)
        np.testing.assert_allclose(optimizer.learning_rate, 0.25 * base(4), rtol=1e-6)
        # The optimizer's config round-trips, with the scale frozen at its current value.
        rebuilt = type(optimizer).from_config(optimizer.get_config())
        rebuilt.build([keras.Variable(0.0)])
        rebuilt.iterations.assign(4)
        np.testing.assert_allclose(rebuilt.learning_rate, 0.25 * base(4), rtol=1e-6)
        scale.assign(1.0)


def test_magan_margin_follows_the_epoch_rule():
    model = _model("magan", epoch_steps=2, pretrain_epochs=1, margin=7.0)
    history = []
    # (real, fake) mean energies of each step's discriminator update, two steps per epoch.
    epochs = [(0.4, 0.6, 9.0), (0.3, 0.3, 1.0), (0.2, 0.2, 1.5), (0.1, 0.1, 1.0),
              (0.3, 0.3, 2.0), (0.15, 0.05, 3.0)]
    for epoch, (real_a, real_b, fake) in enumerate(epochs):
        for t, real in enumerate((real_a, real_b)):
            model.step.assign(2 * epoch + t)  # within step 2 epoch + t: its index
            model.update_state(tf.constant(real), tf.constant(fake), tf.constant(0.0))
            model.step.assign_add(1)  # then the step is counted
        history.append(round(float(model.margin.numpy()), 6))
    # Pre-training sets m to the mean real energy 0.5; the first adversarial epoch has no
    # predecessor; then fake sum 3 > 2, real 0.4 < 3 and mean 0.2 < 0.5: m = 0.2; the next
    # fake sum falls (2 < 3): no change; then mean 0.3 > m: no change; then m = 0.1.
    assert history == [0.5, 0.5, 0.2, 0.2, 0.2, 0.1]
    assert model.epoch_real_sum.numpy() == 0.0 and model.previous_fake_sum.numpy() == 6.0


def test_magan_pretraining_trains_only_the_autoencoder_on_real_data():
    model = _model("magan", optimizer=keras.optimizers.Adamax, epoch_steps=2,
                   pretrain_epochs=1, margin=7.0)
    generator = model.generator.get_weights()
    real, fake = np.float32(rng.normal(size=(4, 2))), np.float32(rng.normal(size=(4, 2)))
    loss, _ = model.discriminator_objective(context_of(model, real, fake))
    np.testing.assert_allclose(loss, _numpy_energy(model, real)[0].mean(), rtol=1e-5)
    for _ in range(2):
        model.train_step(tf.constant(rng.normal(size=(8, 2)), tf.float32))
    for a, b in zip(generator, model.generator.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert model.margin.numpy() != 7.0  # set to the mean real energy after pre-training
    margin = model.margin.numpy()
    loss, _ = model.discriminator_objective(context_of(model, real, fake))
    e_fake = _numpy_energy(model, fake)[0]
    np.testing.assert_allclose(loss, _numpy_energy(model, real)[0].mean()
                               + np.maximum(0, margin - e_fake).mean(), rtol=1e-5)
    model.train_step(tf.constant(rng.normal(size=(8, 2)), tf.float32))
    assert any(not np.array_equal(a, b) for a, b in zip(generator, model.generator.get_weights()))


def test_state_is_non_trainable_and_per_step_only():
    for variant, names in (("began", ("k",)), ("magan", ("margin", "epoch_real_sum"))):
        model = _model(variant)
        weights = {v.name for v in model.weights}
        assert set(names) <= weights
        assert not any(v.trainable for v in model.weights
                       if v.name in names or v.name.startswith("step_"))
    assert not _model("ebgan").stateful and issubclass(energy.MAGAN, energy.EBGAN)


# ------------------------------------------------------------------ checkpoints and runs
def test_k_and_margin_round_trip_through_a_checkpoint(tmp_path):
    configs = {
        "began": load_config("began", "ring8", train__steps=3, data__batch_size=8,
                             networks__width=16, hparams__gamma=50.0, hparams__lambda_k=1e-3,
                             hparams__stall_window=1, hparams__stall_tolerance=0.99,
                             optimizer__g__decay="none", optimizer__d__decay="none"),
        "magan": load_config("magan", "ring8", train__steps=3, data__batch_size=8,
                             networks__width=16, hparams__epoch_steps=1,
                             hparams__pretrain_epochs=1),
    }
    for variant, config in configs.items():
        run = training.train(config, tmp_path / variant, verbose=0)
        restored = training.Run(config, tmp_path / variant)
        assert restored.step == 3
        state = run.model.k if variant == "began" else run.model.margin
        again = restored.model.k if variant == "began" else restored.model.margin
        assert state.numpy() not in (0.0, 1.0)  # moved from its initial value
        assert again.numpy() == state.numpy()
    # Every window but the first stalls (M would have to fall by 99%): two halvings, which
    # the restored optimizers apply too.
    began = training.Run(configs["began"], tmp_path / "began").model
    assert began.learning_rate_scale.numpy() == 0.25
    for optimizer in (began.g_optimizer, began.d_optimizer):
        np.testing.assert_allclose(optimizer.learning_rate, 0.25 * 1e-3, rtol=1e-6)


# ------------------------------------------------------------------ BEGAN's architecture
def layers_of(model, kind):
    return [layer for layer in model._flatten_layers() if isinstance(layer, kind)]


@pytest.mark.parametrize("image_shape, upsamplings", [((28, 28, 1), 2), ((64, 64, 3), 3)])
def test_began_networks_follow_the_papers_figure_1(image_shape, upsamplings):
    from tfgan_variants.networks import began
    width, code_dim = 8, 16
    generator = began.generator(code_dim, image_shape, width)
    autoencoder = began.autoencoder(image_shape, code_dim, width)
    encoder = autoencoder.get_layer("began_encoder")
    decoder = autoencoder.get_layer("began_decoder")
    # The decoder is shaped exactly like G: two 3x3 ELU convolutions per resolution, nearest
    # upsampling in between, a linear 3x3 convolution out; no normalisation, no tanh.
    assert [w.shape for w in decoder.weights] == [w.shape for w in generator.weights]
    for network in (generator, decoder):
        convs = layers_of(network, keras.layers.Conv2D)
        assert len(convs) == 2 * (upsamplings + 1) + 1
        assert all(c.kernel_size == (3, 3) and c.activation is keras.activations.elu
                   for c in convs[:-1])
        assert convs[-1].activation is keras.activations.linear
        ups = layers_of(network, keras.layers.UpSampling2D)
        assert len(ups) == upsamplings and all(u.interpolation == "nearest" for u in ups)
    # The encoder's width grows linearly, n, 2n, 3n, ..., with stride-2 downsampling.
    convs = layers_of(encoder, keras.layers.Conv2D)
    assert [c.filters for c in convs] == [width] + [
        width * (i + 1) for i in range(upsamplings + 1) for _ in range(3 if i < upsamplings else 2)]
    assert [c.strides for c in convs].count((2, 2)) == upsamplings
    assert not layers_of(autoencoder, keras.layers.BatchNormalization)
    images = np.float32(rng.uniform(-1, 1, (3, *image_shape)))
    reconstruction, code = autoencoder(images)
    assert reconstruction.shape == images.shape and code.shape == (3, code_dim)
    # The generator's output is linear, so it can leave [-1, 1]: no tanh squashing.
    big = generator(np.float32(rng.normal(size=(3, code_dim))) * 1e3)
    assert np.abs(big).max() > 1.0


def test_began_architecture_is_chosen_by_name_trains_and_rejects_normalisation(tmp_path):
    from tfgan_variants import networks
    from tfgan_variants.networks import autoencoder, began
    config = load_config("began", "fashion_mnist", networks__name="began", networks__width=4,
                         networks__d_norm="none", train__steps=2, data__batch_size=8)
    generator, _ = networks.build(config.networks, (28, 28, 1), 8)
    assert generator.name == "began_generator"
    assert autoencoder.build(config.networks, (28, 28, 1)).name == "began_autoencoder"
    with pytest.raises(ValueError, match="no normalisation"):
        began.discriminator((28, 28, 1), norm="batch")
    run = training.train(config, tmp_path, verbose=0)
    assert run.model.generator.name == "began_generator"
    check_export(run)
