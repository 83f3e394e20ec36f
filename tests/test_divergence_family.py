"""The divergence family (gan, ns_gan, lsgan, softmax_gan, fgan): losses against the papers'
equations, the f-divergence table against convex conjugacy, numerical stability, and short
runs of every config."""
import keras
import numpy as np
import pytest
import scipy.optimize
import scipy.special
import tensorflow as tf

from helpers import family, load_config
from tfgan_variants import VARIANTS, f_divergences, losses, training
from tfgan_variants.errors import ConfigError
from tfgan_variants.networks import mlp

softplus = lambda t: np.logaddexp(0.0, t)  # noqa: E731
REAL = np.array([[2.0], [-1.0], [0.5]], np.float32)
FAKE = np.array([[-3.0], [0.25], [1.5]], np.float32)
LOG2 = np.log(2.0)
#: The variants of the divergence family (tfgan_variants.models.divergence).
DIVERGENCE_VARIANTS = family("divergence")


# ------------------------------------------------------------------ the f-GAN table (f_divergences
def spec_row(name, pi=0.3, alpha=-0.7):
    """(g_f, f*, f, f'(1), dom f*) of the f-GAN table (f_divergences.py), with f from Nowozin et al.
    Table 1, written naively in float64 numpy."""
    xlogx = lambda u: u * np.log(u)  # noqa: E731
    anywhere = lambda t: np.ones_like(t, bool)  # noqa: E731
    omega = lambda t: scipy.special.lambertw(np.exp(1 - t)).real  # noqa: E731
    return {
        "total_variation": (lambda v: 0.5 * np.tanh(v), lambda t: t,
                            lambda u: 0.5 * np.abs(u - 1), 0.0, lambda t: np.abs(t) <= 0.5),
        "kl": (lambda v: v, lambda t: np.exp(t - 1), xlogx, 1.0, anywhere),
        "reverse_kl": (lambda v: -np.exp(-v), lambda t: -1 - np.log(-t),
                       lambda u: -np.log(u), -1.0, lambda t: t < 0),
        "pearson": (lambda v: v, lambda t: t ** 2 / 4 + t, lambda u: (u - 1) ** 2, 0.0,
                    anywhere),
        "neyman": (lambda v: 1 - np.exp(-v), lambda t: 2 - 2 * np.sqrt(1 - t),
                   lambda u: (1 - u) ** 2 / u, 0.0, lambda t: t < 1),
        "squared_hellinger": (lambda v: 1 - np.exp(-v), lambda t: t / (1 - t),
                              lambda u: (np.sqrt(u) - 1) ** 2, 0.0, lambda t: t < 1),
        "jeffrey": (lambda v: v, lambda t: omega(t) + 1 / omega(t) + t - 2,
                    lambda u: (u - 1) * np.log(u), 0.0, anywhere),
        "jensen_shannon": (lambda v: LOG2 - np.log(1 + np.exp(-v)),
                           lambda t: -np.log(2 - np.exp(t)),
                           lambda u: -(u + 1) * np.log((1 + u) / 2) + xlogx(u), 0.0,
                           lambda t: t < LOG2),
        "js_weighted": (lambda v: -pi * np.log(pi) - np.log(1 + np.exp(-v)),
                        lambda t: (1 - pi) * np.log((1 - pi) / (1 - pi * np.exp(t / pi))),
                        lambda u: pi * xlogx(u) - xlogx(1 - pi + pi * u), 0.0,
                        lambda t: t < -pi * np.log(pi)),
        "gan": (lambda v: -np.log(1 + np.exp(-v)), lambda t: -np.log(1 - np.exp(t)),
                lambda u: xlogx(u) - xlogx(u + 1), -LOG2, lambda t: t < 0),
        "alpha": (lambda v: 1 / (1 - alpha) - np.log(1 + np.exp(-v)),
                  lambda t: (t * (alpha - 1) + 1) ** (alpha / (alpha - 1)) / alpha - 1 / alpha,
                  lambda u: (u ** alpha - 1 - alpha * (u - 1)) / (alpha * (alpha - 1)), 0.0,
                  lambda t: t < 1 / (1 - alpha)),
    }[name]


DIVERGENCES = [(name, {}) for name in f_divergences.NAMES if name not in ("js_weighted", "alpha")]
DIVERGENCES += [("js_weighted", {"pi": 0.3}), ("js_weighted", {"pi": 0.5}),
                ("alpha", {"alpha": -0.7}), ("alpha", {"alpha": 0.5})]
IDS = [name + "".join(f"-{k}{v}" for k, v in params.items()) for name, params in DIVERGENCES]
MODERATE_V = np.linspace(-6.0, 6.0, 25)


def _np(x):
    return x.numpy() if hasattr(x, "numpy") else np.asarray(x)


def _f64(x):
    return tf.constant(x, tf.float64)


# ------------------------------------------------------------------ gan, lsgan, softmax_gan
def _model(variant, **hparams):
    """`variant` on small MLPs (seed 0, latent 4, 2-D samples), not compiled."""
    keras.utils.set_random_seed(0)
    return VARIANTS[variant](generator=mlp.generator(4, 2, 8, 1),
                             discriminator=mlp.discriminator(2, 1, 8, 1), latent_dim=4,
                             **hparams)


def test_minimax_gan_uses_the_saturating_generator_loss():
    model = _model("gan")
    expected_d = np.mean(softplus(-REAL)) + np.mean(softplus(FAKE))
    np.testing.assert_allclose(model.discriminator_loss(REAL, FAKE), expected_d, rtol=1e-6)
    # log(1 - sigma(v)) = -softplus(v); at v = [-3, 0.25, 1.5] by hand:
    by_hand = np.mean([np.log(1 - 1 / (1 + np.exp(3.0))), np.log(1 - 1 / (1 + np.exp(-0.25))),
                       np.log(1 - 1 / (1 + np.exp(-1.5)))])
    np.testing.assert_allclose(model.generator_loss(FAKE), by_hand, rtol=1e-6)
    np.testing.assert_allclose(_model("ns_gan").generator_loss(FAKE), np.mean(softplus(-FAKE)),
                               rtol=1e-6)


@pytest.mark.parametrize("coding,abc", [("0-1-1", (0, 1, 1)), ("-1-1-0", (-1, 1, 0))])
def test_lsgan_losses_match_the_paper_for_both_codings(coding, abc):
    a, b, c = abc
    model = _model("lsgan", coding=coding)
    d = 0.5 * np.mean((REAL - b) ** 2) + 0.5 * np.mean((FAKE - a) ** 2)
    np.testing.assert_allclose(model.discriminator_loss(REAL, FAKE), d, rtol=1e-6)
    np.testing.assert_allclose(model.generator_loss(FAKE), 0.5 * np.mean((FAKE - c) ** 2),
                               rtol=1e-6)
    if coding == "0-1-1":
        # By hand: L_D = (1 + 4 + 0.25)/6 + (9 + 0.0625 + 2.25)/6, L_G = (16 + 0.5625 + 0.25)/6.
        np.testing.assert_allclose(model.discriminator_loss(REAL, FAKE), 16.5625 / 6, rtol=1e-6)
        np.testing.assert_allclose(model.generator_loss(FAKE), 16.8125 / 6, rtol=1e-6)


def test_lsgan_sigmoid_output_squares_the_probabilities():
    # compare_gan's least-squares loss: the squares act on sigma(D(x)), not on D(x).
    model = _model("lsgan", output="sigmoid")
    p_real, p_fake = 1 / (1 + np.exp(-REAL)), 1 / (1 + np.exp(-FAKE))
    d = 0.5 * np.mean((p_real - 1) ** 2) + 0.5 * np.mean(p_fake ** 2)
    np.testing.assert_allclose(model.discriminator_loss(REAL, FAKE), d, rtol=1e-6)
    np.testing.assert_allclose(model.generator_loss(FAKE), 0.5 * np.mean((p_fake - 1) ** 2),
                               rtol=1e-6)
    # Bounded: at most 1/2 per term whatever D outputs.
    assert model.generator_loss(np.full((3, 1), -1e4, np.float32)) <= 0.5
    for hparams in ({"output": "tanh"}, {"output": "sigmoid", "coding": "-1-1-0"}):
        with pytest.raises(ConfigError, match="LSGAN"):
            _model("lsgan", **hparams)


def test_softmax_gan_losses_match_the_paper_with_energies():
    energies = np.concatenate([REAL, FAKE]).ravel()
    log_z = np.log(np.sum(np.exp(-energies)))
    model = _model("softmax_gan")
    np.testing.assert_allclose(model.discriminator_loss(REAL, FAKE), REAL.mean() + log_z,
                               rtol=1e-6)
    np.testing.assert_allclose(losses.softmax_generator_loss(REAL, FAKE),
                               energies.mean() + log_z, rtol=1e-6)
    # D's output is an energy: the cross-entropy is smallest, log |B+|, for equal low
    # energies on real samples and high energies on fake ones; G's, log |B|, when the softmax
    # over the batch is uniform.
    low, high = np.zeros((3, 1), np.float32), np.full((3, 1), 50.0, np.float32)
    np.testing.assert_allclose(losses.softmax_discriminator_loss(low, high), np.log(3), rtol=1e-6)
    assert losses.softmax_discriminator_loss(high, low) > 40
    np.testing.assert_allclose(losses.softmax_generator_loss(low, low), np.log(6), rtol=1e-6)
    for real, fake in ((low - 50, high), (high, low - 50)):
        assert np.isfinite(losses.softmax_discriminator_loss(real, fake))
        assert np.isfinite(losses.softmax_generator_loss(real, fake))


def test_softmax_gan_generator_lowers_the_energy_of_its_samples():
    fake = tf.Variable(FAKE)
    with tf.GradientTape() as tape:
        loss = losses.softmax_generator_loss(REAL, fake)
    grad = tape.gradient(loss, fake).numpy().ravel()
    # dL_G / d mu(x) = 1/|B| - softmax(-mu)(x): positive (G lowers mu) where x is less
    # likely than uniform, i.e. where its energy is high.
    p = np.exp(-FAKE.ravel()) / np.sum(np.exp(-np.concatenate([REAL, FAKE]).ravel()))
    np.testing.assert_allclose(grad, 1 / 6 - p, rtol=1e-5)
    assert grad[np.argmax(FAKE)] > 0


def test_variants_are_registered_and_reject_bad_hyperparameters():
    assert {"gan", "ns_gan", "lsgan", "softmax_gan", "fgan"} <= set(DIVERGENCE_VARIANTS)
    assert set(DIVERGENCE_VARIANTS) <= set(VARIANTS)
    assert VARIANTS["softmax_gan"].generator_needs_real
    for variant, hparams in [("lsgan", {"coding": "0-1"}), ("fgan", {"divergence": "chi"}),
                             ("fgan", {"generator_form": "both"}),
                             ("fgan", {"divergence": "js_weighted", "pi": 1.0}),
                             ("fgan", {"divergence": "alpha", "alpha": 1.0}),
                             ("fgan", {"divergence": "alpha", "alpha": 0.0})]:
        with pytest.raises(ValueError):
            _model(variant, **hparams)


# ------------------------------------------------------------------ fgan vs the f-GAN table
@pytest.mark.parametrize("name,params", DIVERGENCES, ids=IDS)
def test_fgan_functions_and_losses_match_the_table(name, params):
    g, fstar, f, _, _ = spec_row(name, **params)
    div = f_divergences.get(name, **params)
    v = MODERATE_V
    np.testing.assert_allclose(_np(div.activation(_f64(v))), g(v), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(_np(div.conjugate(_f64(g(v)))), fstar(g(v)), rtol=1e-9)
    np.testing.assert_allclose(_np(div.conjugate_of_activation(_f64(v))), fstar(g(v)),
                               rtol=1e-9, atol=1e-12)
    u = np.geomspace(1e-3, 1e3, 31)
    np.testing.assert_allclose(_np(div.f(_f64(u))), f(u), rtol=1e-12, atol=1e-12)

    model = _model("fgan", divergence=name, **params)
    real, fake = REAL.astype(np.float64), FAKE.astype(np.float64)
    d = -np.mean(g(real)) + np.mean(fstar(g(fake)))
    np.testing.assert_allclose(model.discriminator_loss(REAL, FAKE), d, rtol=1e-5)
    assert model.generator_form == "alternative"   # the paper's choice is the default
    np.testing.assert_allclose(model.generator_loss(FAKE), -np.mean(g(fake)), rtol=1e-5)
    saddle = _model("fgan", divergence=name, generator_form="saddle", **params)
    np.testing.assert_allclose(saddle.generator_loss(FAKE), -np.mean(fstar(g(fake))), rtol=1e-5)


@pytest.mark.parametrize("name,params", DIVERGENCES, ids=IDS)
def test_conjugate_is_the_supremum_of_t_u_minus_f(name, params):
    """f*(t) = sup_{u > 0} (t u - f(u)) at points t = g_f(v) of the domain. For Pearson the
    table's f* is the supremum over all real u, which the one over u > 0 equals for t > -2."""
    g, _, f, _, _ = spec_row(name, **params)
    div = f_divergences.get(name, **params)
    for t in g(np.array([-1.5, -0.5, 0.5, 2.0])):
        search = scipy.optimize.minimize_scalar(
            lambda s: -(t * np.exp(s) - f(np.exp(s))), bounds=(-25.0, 25.0),
            method="bounded", options={"xatol": 1e-12})
        np.testing.assert_allclose(-search.fun, _np(div.conjugate(_f64(t))), rtol=1e-7,
                                   atol=1e-9, err_msg=f"t = {t}")


@pytest.mark.parametrize("name,params", DIVERGENCES, ids=IDS)
def test_activation_maps_into_the_domain_and_threshold_is_f_prime_at_one(name, params):
    _, _, f, threshold, in_domain = spec_row(name, **params)
    div = f_divergences.get(name, **params)
    t = _np(div.activation(_f64(np.linspace(-30.0, 30.0, 121))))
    assert np.all(in_domain(t)) and np.all(_np(div.in_domain(_f64(t))))
    assert np.all(np.diff(t) >= 0), "g_f must be increasing"
    h = 1e-6
    np.testing.assert_allclose((f(1 + h) - f(1 - h)) / (2 * h), threshold, atol=1e-6)
    np.testing.assert_allclose(div.threshold, threshold, atol=1e-12)
    assert f(1.0) == pytest.approx(-np.log(4.0) if name == "gan" else 0.0)


@pytest.mark.parametrize("name,params", DIVERGENCES, ids=IDS)
def test_fgan_losses_and_gradients_are_finite_for_extreme_outputs(name, params):
    for form in ("alternative", "saddle"):
        model = _model("fgan", divergence=name, generator_form=form, **params)
        for real_value, fake_value in ((50.0, -50.0), (-50.0, 50.0), (50.0, 50.0),
                                       (-50.0, -50.0)):
            real = tf.Variable(tf.fill((2, 1), real_value))
            fake = tf.Variable(tf.fill((2, 1), fake_value))
            with tf.GradientTape(persistent=True) as tape:
                d_loss = model.discriminator_loss(real, fake)
                g_loss = model.generator_loss(fake)
            values = [d_loss, g_loss, *tape.gradient(d_loss, [real, fake]),
                      tape.gradient(g_loss, fake)]
            assert all(np.all(np.isfinite(_np(x))) for x in values), (form, real_value,
                                                                       fake_value, values)


def test_wright_omega_is_lambert_w_of_exp_with_its_derivative():
    y = np.linspace(-60.0, 60.0, 241)
    exact = scipy.special.wrightomega(y).real
    np.testing.assert_allclose(_np(f_divergences.wright_omega(_f64(y))), exact, rtol=1e-13)
    np.testing.assert_allclose(_np(f_divergences.wright_omega(tf.constant(y, tf.float32))),
                               exact, rtol=2e-5)
    y_var = tf.Variable(y)
    with tf.GradientTape() as tape:
        omega = f_divergences.wright_omega(y_var)
    np.testing.assert_allclose(tape.gradient(omega, y_var), exact / (1 + exact), rtol=1e-12)
    # f*'(t) = u*, the maximiser of t u - f(u); for Jeffrey u* = 1 / W(e^(1 - t)).
    t = tf.Variable(np.array([-40.0, -1.0, 0.0, 3.0, 45.0]))
    with tf.GradientTape() as tape:
        conjugate = f_divergences.JEFFREY.conjugate(t)
    np.testing.assert_allclose(tape.gradient(conjugate, t),
                               1 / scipy.special.wrightomega(1 - t.numpy()).real, rtol=1e-10)


# ------------------------------------------------------------------ configs and short runs
def _variant_settings(variant):
    """Every divergence of fgan is a setting of one variant; the smoke runs try a few."""
    if variant != "fgan":
        return [{}]
    return [{}, {"hparams__divergence": "jeffrey", "hparams__generator_form": "saddle"}]


@pytest.fixture(scope="module")
def rgb32_npz(tmp_path_factory):
    path = tmp_path_factory.mktemp("data") / "rgb32.npz"
    images = np.random.default_rng(0).integers(0, 256, (24, 32, 32, 3), dtype=np.uint8)
    np.savez(path, images=images)
    return str(path)


@pytest.mark.parametrize("variant", DIVERGENCE_VARIANTS)
def test_configs_give_the_variant_for_every_dataset(variant):
    for dataset in ("ring8", "grid25", "fashion_mnist", "cifar10"):
        config = load_config(variant, dataset)
        assert config.variant == variant
        model = _model(variant, **config.hparams)
        assert isinstance(model, VARIANTS[variant])
    assert load_config(variant, "grid25").networks.name == "mlp"


@pytest.mark.parametrize("variant", DIVERGENCE_VARIANTS)
@pytest.mark.parametrize("dataset", ["rgb32", "ring8"])
def test_a_few_training_steps_run(tmp_path, variant, dataset, rgb32_npz):
    for k, settings in enumerate(_variant_settings(variant)):
        name = rgb32_npz if dataset == "rgb32" else dataset
        width = 16 if dataset == "ring8" else 4
        config = load_config(variant, name, train__steps=2, data__batch_size=8,
                             networks__width=width, **settings)
        run = training.train(config, tmp_path / str(k), verbose=0)
        assert run.step == 2
        shape = run.model.generator(tf.zeros((1, config.latent_dim))).shape
        assert shape == {"fashion_mnist": (1, 28, 28, 1), "rgb32": (1, 32, 32, 3),
                         "ring8": (1, 2)}[dataset]
