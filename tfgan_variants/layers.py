"""Reusable layers and geometric ops.

- `SpectralNormalization`: Miyato, Kataoka, Koyama & Yoshida, "Spectral Normalization for
  Generative Adversarial Networks", ICLR 2018, arXiv 1802.05957 (Algorithm 1, eq. 8).
- `WeightNormDense`: Salimans & Kingma, "Weight Normalization", NIPS 2016, arXiv
  1602.07868 (eq. 2), as the Improved GAN networks use it.
- `ConditionalBatchNormalization`: batch normalisation with a scale and shift per class
  (de Vries et al. 2017, arXiv 1707.00683; Miyato & Koyama, "cGANs with Projection
  Discriminator", ICLR 2018, arXiv 1802.05637, Section 5).
- Sphere ops: Park & Kwon, "Sphere Generative Adversarial Network Based on Geometric Moment
  Matching", CVPR 2019: the inverse stereographic projection R^n -> S^n and the geodesic
  distance d_s(a, b) = arccos(<a, b>) on the unit sphere, in numerically stable forms.
"""
import contextlib

import keras
import numpy as np
from keras import ops

from tfgan_variants.errors import UserError

_EPSILON = 1e-12  # as in the paper's code (sngan_projection, _l2normalize)


@contextlib.contextmanager
def _swapped_attribute(obj, name, value):
    """Temporarily sets `obj.<name>`, bypassing Keras' attribute tracking.

    Not thread-safe; MirroredStrategy's replica threads take turns and only switch at
    merge calls, of which there are none inside the block.
    """
    original = vars(obj)[name]
    object.__setattr__(obj, name, value)
    try:
        yield
    finally:
        object.__setattr__(obj, name, original)


def _l2_normalize(x):
    return x / (ops.norm(x) + _EPSILON)


def _safe_norm(x):
    """Euclidean norm over the last axis, with a finite gradient at zero."""
    tiny = np.finfo(keras.backend.standardize_dtype(x.dtype)).tiny
    return ops.sqrt(ops.maximum(ops.sum(ops.square(x), axis=-1), tiny))


@keras.saving.register_keras_serializable(package="tfgan_variants")
class SpectralNormalization(keras.layers.Wrapper):
    """Runs `layer` with its kernel replaced by W / sigma(W) (Miyato et al. 2018, eq. 8).

    W is viewed as a matrix of shape (rest, out) with the output axis last. sigma(W) is
    estimated by power iteration (Algorithm 1) on a persistent, non-trainable u of shape
    (1, out): v = u W^T / |u W^T|, u = v W / |v W|, then sigma = v W u^T with u and v held
    constant, so the gradient flows through sigma (the extra term of Section 2.3). u moves
    only when `training` is true; the raw kernel variable is never assigned. The power
    iteration and sigma are computed in float32 whatever the layer's compute dtype.

    Args:
        layer: a `Dense`, `Conv2D`, `Conv2DTranspose` or `Embedding` layer.
        power_iterations: power-iteration steps per training call (the paper uses 1).
    """

    SUPPORTED = (keras.layers.Dense, keras.layers.Conv2D, keras.layers.Conv2DTranspose,
                 keras.layers.Embedding)

    def __init__(self, layer, power_iterations=1, **kwargs):
        if not isinstance(layer, self.SUPPORTED):
            raise UserError(
                "SpectralNormalization wraps Dense, Conv2D, Conv2DTranspose or Embedding "
                f"layers, not {type(layer).__name__}")
        if power_iterations < 1:
            raise UserError(f"power_iterations must be >= 1, got {power_iterations}")
        # A float32 wrapper that never autocasts: W and u are read at their variable dtype
        # (float32 under mixed precision, where Keras' autocast scope of a mixed-policy
        # wrapper would read them in float16); the wrapped layer still computes in its own
        # policy, with its other weights autocast.
        kwargs.setdefault("dtype", "float32")
        super().__init__(layer, autocast=False, **kwargs)
        self.power_iterations = power_iterations
        # Keras stores Conv2DTranspose kernels as (h, w, out, in).
        self._out_axis = -2 if isinstance(layer, keras.layers.Conv2DTranspose) else -1

    def build(self, input_shape):
        super().build(input_shape)
        public = "embeddings" if isinstance(self.layer, keras.layers.Embedding) else "kernel"
        weight = getattr(self.layer, public)
        # The instance attribute behind the public property, which call() reads.
        self._kernel_attr = next(
            (name for name, value in vars(self.layer).items() if value is weight), None)
        if self._kernel_attr is None:
            raise UserError(f"cannot spectrally normalise {self.layer.name}: its {public} "
                            "is not a plain variable (quantized or LoRA layer?)")
        self.u = self.add_weight(
            name="u", shape=(1, weight.shape[self._out_axis]),
            initializer=keras.initializers.RandomNormal(stddev=1.0), dtype="float32",
            trainable=False, aggregation="only_first_replica")

    @property
    def kernel(self):
        """The raw, unnormalised kernel variable W of the wrapped layer."""
        return getattr(self.layer, self._kernel_attr)

    def normalized_kernel(self, training=False):
        """W / sigma(W) in float32 (eq. 8); updates u when `training` (Algorithm 1)."""
        kernel = ops.cast(self.kernel, "float32")
        w = ops.moveaxis(kernel, self._out_axis, -1)
        w = ops.reshape(w, (-1, w.shape[-1]))
        u = ops.convert_to_tensor(self.u)
        if training:
            for _ in range(self.power_iterations):
                v = _l2_normalize(ops.matmul(u, ops.transpose(w)))
                u = _l2_normalize(ops.matmul(v, w))
            self.u.assign(u)
        else:
            v = _l2_normalize(ops.matmul(u, ops.transpose(w)))
        u, v = ops.stop_gradient(u), ops.stop_gradient(v)
        return kernel / ops.sum(ops.matmul(v, w) * u)

    def call(self, inputs, training=None):
        kernel = ops.cast(self.normalized_kernel(training), self.layer.compute_dtype)
        with _swapped_attribute(self.layer, self._kernel_attr, kernel):
            return self.layer(inputs)

    def get_config(self):
        return {**super().get_config(), "power_iterations": self.power_iterations}


@keras.saving.register_keras_serializable(package="tfgan_variants")
class WeightNormDense(keras.layers.Layer):
    """A dense layer y = g * (x v) / ||v|| + b (Salimans & Kingma 2016, eq. 2): each output
    unit's weight vector w = g v / ||v|| has its length g as a parameter of its own.

    g starts at `scale_init` (1) rather than at the data-dependent value of the paper's
    Section 3 initialisation, which needs a batch at build time; `trainable_scale=False`
    holds g fixed, as the Improved GAN code does for every layer but the last.
    """

    def __init__(self, units, activation=None, scale_init=1.0, trainable_scale=True,
                 **kwargs):
        super().__init__(**kwargs)
        self.units = int(units)
        self.activation = keras.activations.get(activation)
        self.scale_init = float(scale_init)
        self.trainable_scale = bool(trainable_scale)

    def build(self, input_shape):
        self.direction = self.add_weight(shape=(input_shape[-1], self.units), name="direction",
                                         initializer=keras.initializers.RandomNormal(0, 0.05))
        self.scale = self.add_weight(shape=(self.units,), name="scale",
                                     initializer=keras.initializers.Constant(self.scale_init),
                                     trainable=self.trainable_scale)
        self.bias = self.add_weight(shape=(self.units,), name="bias", initializer="zeros")

    def call(self, x):
        direction = ops.cast(self.direction, x.dtype)
        norms = ops.sqrt(ops.sum(ops.square(direction), axis=0) + _EPSILON)
        y = ops.matmul(x, direction) * (ops.cast(self.scale, x.dtype) / norms)
        return self.activation(y + ops.cast(self.bias, x.dtype))

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def get_config(self):
        return {**super().get_config(), "units": self.units,
                "activation": keras.activations.serialize(self.activation),
                "scale_init": self.scale_init, "trainable_scale": self.trainable_scale}


@keras.saving.register_keras_serializable(package="tfgan_variants")
class ConditionalBatchNormalization(keras.layers.Layer):
    """y = gamma_c (x - mu) / sqrt(var + eps) + beta_c for an example of class c: the batch's
    statistics over every axis but the channels (synchronised across replicas, as the
    unconditional generators' BatchNorm), then the class's row of a scale table (initialised
    to 1) and of a shift table (initialised to 0). Called on [x, labels], labels int (batch,).

    The categorical conditional BN of the projection paper's generators (Miyato & Koyama
    2018, Section 5; the authors' CategoricalConditionalBatchNormalization in
    pfnet-research/sngan_projection, with the same initialisation).
    """

    def __init__(self, num_classes, **kwargs):
        super().__init__(**kwargs)
        self.num_classes = int(num_classes)
        self.normalize = keras.layers.BatchNormalization(synchronized=True, center=False,
                                                         scale=False, dtype=self.dtype_policy)

    def build(self, input_shape):
        x_shape = input_shape[0]
        self.normalize.build(x_shape)
        channels = x_shape[-1]
        self.gamma = self.add_weight(shape=(self.num_classes, channels), name="gamma",
                                     initializer="ones")
        self.beta = self.add_weight(shape=(self.num_classes, channels), name="beta",
                                    initializer="zeros")

    def call(self, inputs, training=None):
        x, labels = inputs
        x = self.normalize(x, training=training)
        # One row per example, broadcast over the spatial axes of a feature map.
        shape = (-1,) + (1,) * (len(x.shape) - 2) + (x.shape[-1],)
        gamma = ops.reshape(ops.take(ops.cast(self.gamma, x.dtype), labels, axis=0), shape)
        beta = ops.reshape(ops.take(ops.cast(self.beta, x.dtype), labels, axis=0), shape)
        return x * gamma + beta

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def get_config(self):
        return {**super().get_config(), "num_classes": self.num_classes}


def inverse_stereographic_projection(p):
    """P(p) = (2p / (|p|^2 + 1), (|p|^2 - 1) / (|p|^2 + 1)): [..., n] -> [..., n + 1].

    The last coordinate is computed as 1 - 2 / (|p|^2 + 1), so every output lies on the
    unit sphere S^n, including for very small and very large |p| (Park & Kwon 2019).
    """
    p = ops.convert_to_tensor(p)
    scale = 2.0 / (ops.sum(ops.square(p), axis=-1, keepdims=True) + 1.0)
    return ops.concatenate([scale * p, 1.0 - scale], axis=-1)


def geodesic_distance(a, b):
    """d_s(a, b) = arccos(<a, b>) between unit vectors along the last axis, in [0, pi].

    Computed as 2 atan2(|a - b|, |a + b|), which equals the arccos for unit vectors and has
    finite gradients everywhere, including at a = b and a = -b.
    """
    a, b = ops.convert_to_tensor(a), ops.convert_to_tensor(b)
    return 2.0 * ops.arctan2(_safe_norm(a - b), _safe_norm(a + b))


def north_pole_distance(p):
    """d_s(P(p), N) with N = (0, ..., 0, 1), for p in R^n before the projection.

    Equals arccos((|p|^2 - 1) / (|p|^2 + 1)) (Park & Kwon 2019, Eq. 3, the last coordinate
    of P(p)), computed in the exact stable form 2 atan2(1, |p|): pi at p = 0, tending to 0 as
    |p| grows, with finite gradients at both ends. The Sphere GAN losses are moments of this
    distance.
    """
    norm = _safe_norm(ops.convert_to_tensor(p))
    return 2.0 * ops.arctan2(ops.ones_like(norm), norm)
