"""Pieces shared by the architecture builders: normalisation, dropout, geometry, and the
inputs and output head of class-conditional networks."""
import keras
import tensorflow as tf

from tfgan_variants import layers as tfgan_layers
from tfgan_variants.errors import ConfigError

NORMS = ("none", "batch", "layer", "spectral")


def check_norm(norm):
    if norm not in NORMS:
        raise ConfigError(f"norm must be one of {NORMS}, got {norm!r}")


def weight_layer(layer, norm):
    """`layer`, wrapped in SpectralNormalization when norm == 'spectral'."""
    return tfgan_layers.SpectralNormalization(layer) if norm == "spectral" else layer


def normalization(norm):
    """The feature normalisation that follows a weight layer (none for 'spectral')."""
    if norm == "batch":
        # Synchronised across replicas, so statistics are those of the global batch.
        return keras.layers.BatchNormalization(synchronized=True)
    if norm == "layer":
        # Over all of (H, W, C) per example, as tf.contrib's layer_norm in the Sphere GAN code.
        return keras.layers.LayerNormalization(axis=(-3, -2, -1))
    return None


class Dropout(keras.layers.Dropout):
    """Keras' Dropout, except that a GAN model may draw its masks (`use_mask_source`).

    Keras draws a mask from the layer's seed generator, whose state is the same on every
    replica: two replicas would drop the same units in their halves of a batch, so the update
    would depend on the replica count. With a mask source (the engine's stateless, globally
    drawn and replica-sliced `random_uniform`), masks are a function of (seed, step, draw)
    and of the global batch, like every other random draw of the training step.
    """

    mask_source = None

    def call(self, inputs, training=False):
        if not training or self.rate == 0 or self.mask_source is None:
            return super().call(inputs, training=training)
        uniform = self.mask_source([tf.shape(inputs)[0], *inputs.shape[1:]])
        return tf.where(uniform >= self.rate, inputs / (1.0 - self.rate), tf.zeros_like(inputs))


class GaussianNoise(keras.layers.GaussianNoise):
    """Keras' GaussianNoise (additive N(0, stddev^2), training only), drawing from a GAN
    model's stateless, replica-sliced `random_normal` once it has one (`use_noise_source`),
    for the reason `Dropout` does."""

    noise_source = None

    def call(self, inputs, training=False):
        if not training or self.stddev == 0 or self.noise_source is None:
            return super().call(inputs, training=training)
        noise = self.noise_source([tf.shape(inputs)[0], *inputs.shape[1:]])
        return inputs + tf.cast(self.stddev * noise, inputs.dtype)


def use_noise_source(model, normal):
    """Makes every `GaussianNoise` of `model` draw with `normal(shape)`, N(0, 1)."""
    for layer in model._flatten_layers():
        if isinstance(layer, GaussianNoise):
            layer.noise_source = normal


def dropout(rate):
    """A Dropout layer, or None (no layer at all, as before the option) for rate 0."""
    if not 0.0 <= rate < 1.0:
        raise ConfigError(f"dropout rate must be in [0, 1), got {rate}")
    return Dropout(rate) if rate > 0 else None


def dropout_layers(model):
    return [layer for layer in model._flatten_layers() if isinstance(layer, Dropout)]


def use_mask_source(model, uniform):
    """Makes every `Dropout` of `model` draw its masks with `uniform(shape)`, U[0, 1)."""
    for layer in dropout_layers(model):
        layer.mask_source = uniform


def with_features(model):
    """A model sharing `model`'s layers that returns (penultimate features, output): the
    features are the input of its last layer (CT-GAN's D_, Wei et al. 2018)."""
    return keras.Model(model.inputs, [model.layers[-1].input, model.outputs[0]],
                       name=f"{model.name}_with_features")


def apply(x, *modules):
    for module in modules:
        if module is not None:
            x = module(x)
    return x


def upsampling_plan(size, smallest_base=4):
    """(base size, number of 2x upsamplings), halving while the base stays >= smallest_base:
    with 4, 28 -> (7, 2), 32 -> (4, 3), 48 -> (6, 3), 64 -> (4, 4)."""
    steps = 0
    while size % 2 == 0 and size // 2 >= smallest_base:
        size //= 2
        steps += 1
    if steps == 0:
        raise ConfigError(f"image size {size} cannot be reached by 2x upsampling from >= "
                         f"{smallest_base}")
    return size, steps


def check_square(image_shape):
    height, width, _ = image_shape
    if height != width:
        raise ConfigError(f"square images expected, got {height}x{width}")
    return height


# ---- class-conditional networks ---------------------------------------------------------
# A conditional network takes [x, label], label an int32 class index per example; with
# num_classes 0 the builders make the unconditional network, unchanged.

def label_input(num_classes):
    """The int32 (batch,) class input of a conditional network, or None (unconditional)."""
    if num_classes < 0:
        raise ConfigError(f"num_classes must be >= 0, got {num_classes}")
    return keras.Input((), dtype="int32", name="label") if num_classes else None


def model_inputs(x, label):
    return x if label is None else [x, label]


def generator_batch_norm(label, num_classes):
    """The generator's normalisation after a weight layer: BatchNorm, or for a conditional
    generator BatchNorm with the class's scale and shift (Miyato & Koyama 2018, Section 5)."""
    def batch_norm(x):
        if label is None:
            return normalization("batch")(x)
        return tfgan_layers.ConditionalBatchNormalization(num_classes)([x, label])
    return batch_norm


def output_head(features, label, output_dim, norm, num_classes):
    """D's last layer on its pooled features phi(x): Dense(output_dim), plus the class's term
    for a conditional D.

    * A scalar output takes the projection (Miyato & Koyama 2018, arXiv 1802.05637, Eq. 3):
      D(x, y) = psi(phi(x)) + e_y . phi(x), e_y a learned class embedding, spectrally
      normalised with the rest of a spectrally normalised D (the authors' SNEmbedID).
    * A vector output p in R^n, which Sphere GAN projects onto S^n and scores by its
      geodesic distance to the north pole, a function of |p|, takes a class offset:
      p(x, y) = W phi(x) + c_y. Then |p|^2 = |W phi(x)|^2 + 2 (W^T c_y) . phi(x) + |c_y|^2:
      the distance to the pole holds the projection term (W^T c_y) . phi(x), while the
      output, the inverse stereographic projection and the moments stay the paper's, so
      the sphere's geometry is kept (a projection in the scalar form would give one number,
      not a point of R^n; an auxiliary classifier would add a second objective).
    """
    out = weight_layer(keras.layers.Dense(output_dim, dtype="float32"), norm)(features)
    if label is None:
        return out
    embedding = weight_layer(keras.layers.Embedding(
        num_classes, features.shape[-1] if output_dim == 1 else output_dim,
        embeddings_initializer="glorot_uniform", dtype="float32"), norm)(label)
    if output_dim == 1:
        return keras.layers.Add(dtype="float32")(
            [out, keras.layers.Dot(axes=-1, dtype="float32")([embedding, features])])
    return keras.layers.Add(dtype="float32")([out, embedding])
