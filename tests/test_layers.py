"""Tests for tfgan_variants.layers: spectral normalisation and the Sphere GAN ops."""
import keras
import numpy as np
import pytest
import tensorflow as tf

import conftest

from tfgan_variants.errors import UserError
from tfgan_variants.layers import (SpectralNormalization, geodesic_distance,
                                   inverse_stereographic_projection, north_pole_distance)


@pytest.fixture(autouse=True)
def _seed():
    keras.utils.set_random_seed(0)


# --------------------------------------------------------------------------- sphere ops

def _points(n=200, dim=16, lo=-2, hi=2):
    """Random directions with norms log-spaced over 10^lo .. 10^hi."""
    rng = np.random.default_rng(1)
    x = rng.normal(size=(n, dim))
    x *= (np.logspace(lo, hi, n) / np.linalg.norm(x, axis=-1))[:, None]
    return x.astype("float32")


def _north_pole(n, dim):
    return np.tile(np.eye(dim, dtype="float32")[-1], (n, 1))


def test_projection_is_on_the_sphere_and_matches_the_formula():
    p = _points()
    out = np.asarray(inverse_stereographic_projection(p))
    assert out.shape == (200, 17)
    np.testing.assert_allclose(np.linalg.norm(out, axis=-1), 1.0, atol=1e-5)
    p64 = p.astype("float64")
    sq = np.sum(p64 ** 2, axis=-1, keepdims=True)
    expected = np.concatenate([2 * p64 / (sq + 1), (sq - 1) / (sq + 1)], axis=-1)
    np.testing.assert_allclose(out, expected, atol=1e-6)


def test_north_pole_distance_matches_arccos_and_geodesic_distance():
    p = _points()
    sq = np.sum(p.astype("float64") ** 2, axis=-1)
    expected = np.arccos((sq - 1) / (sq + 1))
    d = np.asarray(north_pole_distance(p))
    np.testing.assert_allclose(d, expected, atol=1e-5)
    assert d.min() < 0.1 and d.max() > np.pi - 0.1  # the buggy projection stays in [pi/2, pi]
    via_projection = geodesic_distance(inverse_stereographic_projection(p), _north_pole(200, 17))
    np.testing.assert_allclose(via_projection, expected, atol=1e-5)


def test_geodesic_distance_matches_arccos_is_symmetric_and_bounded():
    rng = np.random.default_rng(2)
    a, b = (x / np.linalg.norm(x, axis=-1, keepdims=True)
            for x in rng.normal(size=(2, 500, 8)))
    a, b = a.astype("float32"), b.astype("float32")
    d = np.asarray(geodesic_distance(a, b))
    expected = np.arccos(np.clip(np.sum(a.astype("float64") * b, axis=-1), -1, 1))
    np.testing.assert_allclose(d, expected, atol=1e-5)
    np.testing.assert_array_equal(d, geodesic_distance(b, a))
    extremes = np.asarray(geodesic_distance(np.stack([a[0], a[0]]), np.stack([a[0], -a[0]])))
    np.testing.assert_allclose(extremes, [0.0, np.pi], atol=1e-6)
    assert np.all((d >= 0) & (d <= np.pi))


def _value_and_grad(fn, *args):
    args = [tf.Variable(a, dtype="float32") for a in args]
    with tf.GradientTape() as tape:
        value = tf.reduce_sum(fn(*args))
    return value.numpy(), [g.numpy() for g in tape.gradient(value, args)]


@pytest.mark.parametrize("norm", [0.0, 0.5, 1e6, 1e20])
def test_pole_distance_gradients_are_finite_and_correct(norm):
    p = np.array([3.0, -4.0, 0.0], "float32") * (norm / 5.0)
    value, (grad,) = _value_and_grad(north_pole_distance, p)
    np.testing.assert_allclose(value, 2 * np.arctan2(1.0, norm), rtol=1e-6, atol=1e-12)
    expected = -2.0 / (1.0 + norm ** 2) * p / max(norm, 1e-30)  # zero at p = 0
    np.testing.assert_allclose(grad, expected, rtol=1e-5, atol=1e-30)

    pole = _north_pole(1, 4)[0]
    value, grads = _value_and_grad(
        lambda p, n: geodesic_distance(inverse_stereographic_projection(p), n), p, pole)
    np.testing.assert_allclose(value, 2 * np.arctan2(1.0, norm), rtol=1e-5, atol=1e-6)
    assert all(np.all(np.isfinite(g)) for g in grads)


def test_geodesic_distance_gradients_are_finite_at_identical_and_antipodal_points():
    a = np.array([0.6, 0.0, 0.8], "float32")
    for b in (a, -a):
        _, grads = _value_and_grad(geodesic_distance, a, b)
        assert all(np.all(np.isfinite(g)) for g in grads)


# --------------------------------------------------------------- spectral normalisation

CASES = {
    "dense": (lambda: keras.layers.Dense(5), (3, 7)),
    "conv2d": (lambda: keras.layers.Conv2D(4, 3), (2, 6, 6, 3)),
    "conv2d_transpose": (lambda: keras.layers.Conv2DTranspose(4, 3, strides=2), (2, 4, 4, 3)),
    "embedding": (lambda: keras.layers.Embedding(12, 6), (2, 5)),
}


def _input(name):
    shape = CASES[name][1]
    rng = np.random.default_rng(3)
    if name == "embedding":
        return rng.integers(0, 12, size=shape)
    return rng.normal(size=shape).astype("float32")


def _matrix(sn, kernel):
    """The kernel as a (rest, out) matrix, output channels last."""
    kernel = np.asarray(kernel, "float64")
    if isinstance(sn.layer, keras.layers.Conv2DTranspose):
        kernel = np.moveaxis(kernel, -2, -1)
    return kernel.reshape(-1, kernel.shape[-1])


def _converged(name, calls=4):
    sn = SpectralNormalization(CASES[name][0](), power_iterations=50)
    x = _input(name)
    for _ in range(calls):
        sn(x, training=True)
    return sn, x


@pytest.mark.parametrize("name", CASES)
def test_effective_kernel_has_unit_spectral_norm_and_raw_kernel_is_untouched(name):
    sn, x = _converged(name, calls=1)
    raw = sn.kernel.numpy()
    for _ in range(3):
        sn(x, training=True)
    np.testing.assert_array_equal(sn.kernel.numpy(), raw)
    singular_values = np.linalg.svd(_matrix(sn, sn.normalized_kernel()), compute_uv=False)
    np.testing.assert_allclose(singular_values[0], 1.0, atol=1e-3)
    top_right = np.linalg.svd(_matrix(sn, raw))[2][0]
    u = sn.u.numpy()[0]
    np.testing.assert_allclose(abs(u @ top_right), 1.0, atol=1e-4)


def test_u_moves_only_in_training():
    sn = SpectralNormalization(keras.layers.Dense(5))
    x = _input("dense")
    sn(x)
    u0 = sn.u.numpy()
    sn(x, training=False)
    np.testing.assert_array_equal(sn.u.numpy(), u0)
    sn(x, training=True)
    assert not np.allclose(sn.u.numpy(), u0)
    np.testing.assert_allclose(np.linalg.norm(sn.u.numpy()), 1.0, rtol=1e-6)


@pytest.mark.parametrize("name", CASES)
def test_gradient_flows_through_sigma(name):
    """dL/dW = (G - <G, W_sn> u1 v1^T) / sigma, G = dL/dW_sn, from an exact SVD."""
    sn, x = _converged(name)
    kernel = sn.kernel.numpy()
    y_shape = sn(x).shape
    c = np.random.default_rng(4).normal(size=y_shape).astype("float32")
    with tf.GradientTape() as tape:
        y = sn(x, training=False)
        loss = tf.reduce_sum(c * y)
    grad = _matrix(sn, tf.convert_to_tensor(tape.gradient(loss, sn.kernel.value)))

    plain = type(sn.layer).from_config(sn.layer.get_config())
    plain.build(x.shape)
    w_sn = sn.normalized_kernel().numpy()
    plain.set_weights([w_sn] + sn.layer.get_weights()[1:])
    with tf.GradientTape() as tape:
        y_plain = plain(x)
        loss_plain = tf.reduce_sum(c * y_plain)
    np.testing.assert_allclose(y, y_plain, rtol=1e-5, atol=1e-5)
    g = _matrix(sn, tf.convert_to_tensor(tape.gradient(loss_plain, plain.trainable_weights[0])))

    left, s, right = np.linalg.svd(_matrix(sn, kernel))
    sigma, outer = s[0], np.outer(left[:, 0], right[0])
    expected = (g - np.sum(g * _matrix(sn, kernel) / sigma) * outer) / sigma
    scale = np.linalg.norm(expected)
    assert np.linalg.norm(grad - expected) < 1e-3 * scale
    assert np.linalg.norm(grad - g / sigma) > 1e-2 * scale  # the sigma term matters


def test_kernel_is_trainable_and_u_is_not():
    sn = SpectralNormalization(keras.layers.Dense(5))
    model = keras.Sequential([keras.Input((7,)), sn])
    assert [w.path for w in model.trainable_variables] == [sn.kernel.path, sn.layer.bias.path]
    assert [w.path for w in model.non_trainable_variables] == [sn.u.path]
    assert any(w is sn.kernel for w in sn.trainable_weights)
    assert sn.u.dtype == "float32" and sn.u.aggregation == "only_first_replica"


def test_fit_updates_kernel_and_u():
    sn = SpectralNormalization(keras.layers.Dense(2))
    model = keras.Sequential([keras.Input((7,)), sn])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    x = _input("dense")
    model(x)
    kernel, u = sn.kernel.numpy(), sn.u.numpy()
    model.fit(x, np.ones((3, 2)), batch_size=3, epochs=1, verbose=0)
    assert not np.allclose(sn.kernel.numpy(), kernel)
    assert not np.allclose(sn.u.numpy(), u)


def test_mixed_precision_computes_sigma_in_float32():
    sn = SpectralNormalization(keras.layers.Dense(5, dtype="mixed_float16"))
    x = _input("dense")
    y = sn(x, training=True)
    assert y.dtype == "float16" and sn.u.dtype == "float32" and sn.kernel.dtype == "float32"
    expected = x @ sn.normalized_kernel().numpy() + sn.layer.bias.numpy()
    np.testing.assert_allclose(sn(x).numpy(), expected, rtol=1e-2, atol=1e-2)


def test_mirrored_strategy_updates_u_identically_on_replicas():
    strategy = conftest.mirrored_strategy()
    with strategy.scope():
        sn = SpectralNormalization(keras.layers.Dense(3))
        sn.build((None, 4))
    u0, w = sn.u.numpy()[0].astype("float64"), sn.kernel.numpy().astype("float64")
    # Desynchronise the second copy: only the first replica's update may count.
    strategy.experimental_local_results(sn.u.value)[1].assign([[1.0, 2.0, 3.0]])

    @tf.function
    def step(x):
        return strategy.run(lambda x: sn(x, training=True), args=(x,))

    step(tf.ones((4, 4)))
    replicas = [v.numpy()[0] for v in strategy.experimental_local_results(sn.u.value)]
    assert len(replicas) == 2
    np.testing.assert_array_equal(replicas[0], replicas[1])
    v = w @ u0 / np.linalg.norm(w @ u0)
    np.testing.assert_allclose(replicas[0], v @ w / np.linalg.norm(v @ w), rtol=1e-5)


def test_config_and_saving_round_trip(tmp_path):
    sn = SpectralNormalization(keras.layers.Conv2D(4, 3, padding="same"), power_iterations=3)
    for clone in (SpectralNormalization.from_config(sn.get_config()),
                  keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(sn))):
        assert isinstance(clone, SpectralNormalization)
        assert clone.power_iterations == 3
        assert clone.layer.get_config() == sn.layer.get_config()
    model = keras.Sequential([keras.Input((6, 6, 3)), sn])
    x = _input("conv2d")
    model(x, training=True)
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras")
    np.testing.assert_array_equal(loaded.layers[0].u.numpy(), sn.u.numpy())
    np.testing.assert_allclose(loaded(x), model(x), rtol=1e-6)


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(UserError, match="not LayerNormalization"):
        SpectralNormalization(keras.layers.LayerNormalization())
    with pytest.raises(UserError, match="power_iterations"):
        SpectralNormalization(keras.layers.Dense(3), power_iterations=0)
