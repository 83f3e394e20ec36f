"""Pieces shared by the architecture builders: normalisation choice and geometry."""
import keras

from tfgan_variants import layers as tfgan_layers

NORMS = ("none", "batch", "layer", "spectral")


def check_norm(norm):
    if norm not in NORMS:
        raise ValueError(f"norm must be one of {NORMS}, got {norm!r}")


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


def apply(x, *modules):
    for module in modules:
        if module is not None:
            x = module(x)
    return x


def upsampling_plan(size):
    """(base size, number of 2x upsamplings) with base in [4, 8): 28 -> (7, 2), 32 -> (4, 3),
    48 -> (6, 3), 64 -> (4, 4)."""
    steps = 0
    while size % 2 == 0 and size // 2 >= 4:
        size //= 2
        steps += 1
    if steps == 0:
        raise ValueError(f"image size {size} cannot be reached by 2x upsampling from >= 4")
    return size, steps


def check_square(image_shape):
    height, width, _ = image_shape
    if height != width:
        raise ValueError(f"square images expected, got {height}x{width}")
    return height
