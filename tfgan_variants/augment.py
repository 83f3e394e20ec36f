"""Differentiable augmentation of the discriminator's inputs (DiffAugment; Zhao et al. 2020,
arXiv 2006.10738, Section 3 and the authors' DiffAugment_tf.py).

D sees T(x) for real and generated images alike, in the discriminator's and the generator's
updates, each call with its own random draws; T is differentiable, so G's gradient passes
through it. A policy is a comma-separated list of transforms applied in this order:

* ``color``: brightness x + (u - 0.5), saturation m + 2u (x - m) about the mean m over the
  channels, contrast m + (u + 0.5) (x - m) about the image's mean m (u ~ U[0, 1) per image).
  For one channel the saturation step is the identity, as in the authors' code.
* ``translation``: a shift by whole pixels, up to 1/8 of each side either way, zeros shifted in.
* ``cutout``: a square of half the image's side set to 0, at a uniform random centre (the
  square may hang over the border).

The random numbers come from `draws`, an object with `random_uniform(shape)` (U[0, 1)) and
`random_integers(shape, low, high)`; the engine passes itself (`GAN`), so the draws
are stateless functions of (seed, step, draw index), whatever the number of replicas.
"""
import tensorflow as tf

from tfgan_variants.errors import UserError

TRANSFORMS = ("color", "translation", "cutout")
#: The authors' ratios: translation up to 1/8 of the side, a cutout of half the side.
TRANSLATION_RATIO = 0.125
CUTOUT_RATIO = 0.5


def parse_policy(text):
    """The transforms of a policy string ('translation,cutout,color'), in application
    order; '' is no augmentation. A name outside `TRANSFORMS` is a UserError."""
    names = [name.strip() for name in (text or "").split(",") if name.strip()]
    unknown = [name for name in names if name not in TRANSFORMS]
    if unknown:
        raise UserError(f"unknown --config.train.augment transform(s) {unknown}; a policy is a "
                        f"comma-separated list of {', '.join(TRANSFORMS)}")
    return tuple(name for name in TRANSFORMS if name in names)


def apply(images, policy, draws):
    """T(images) for images [N, H, W, C] and a parsed `policy`."""
    for name in policy:
        images = _TRANSFORMS[name](images, draws)
    return images


def color(images, draws):
    n = tf.shape(images)[0]
    dtype = images.dtype

    def per_image():
        return tf.cast(draws.random_uniform([n, 1, 1, 1]), dtype)

    images = images + (per_image() - 0.5)
    mean = tf.reduce_mean(images, axis=3, keepdims=True)
    images = (images - mean) * (per_image() * 2.0) + mean
    mean = tf.reduce_mean(images, axis=[1, 2, 3], keepdims=True)
    return (images - mean) * (per_image() + 0.5) + mean


def translation(images, draws):
    """Each image moved by (dy, dx) whole pixels, |dy| <= round(H / 8), |dx| <= round(W / 8)."""
    n = tf.shape(images)[0]
    height, width = images.shape[1], images.shape[2]
    shifts = []
    for size in (height, width):
        limit = int(size * TRANSLATION_RATIO + 0.5)
        shifts.append(draws.random_integers([n], -limit, limit + 1))
    images, rows_valid = _shift(images, shifts[0], height, axis=1)
    images, cols_valid = _shift(images, shifts[1], width, axis=2)
    return images * _grid_mask(rows_valid, cols_valid, images.dtype)


def _shift(images, shift, size, axis):
    """Rows (axis 1) or columns (axis 2) of each image moved by its `shift`: output index i
    reads i - shift; returns the moved images and which output indices read inside."""
    source = tf.range(size)[None, :] - shift[:, None]
    valid = tf.logical_and(source >= 0, source < size)
    moved = tf.gather(images, tf.clip_by_value(source, 0, size - 1), axis=axis, batch_dims=1)
    return moved, valid


def cutout(images, draws):
    """A square of side round(H / 2) x round(W / 2) zeroed at a random centre per image."""
    n = tf.shape(images)[0]
    height, width = images.shape[1], images.shape[2]
    inside = []
    for size in (height, width):
        side = int(size * CUTOUT_RATIO + 0.5)
        # The authors' offsets: uniform on [0, size + (1 - side % 2)), the square's first
        # index at offset - side // 2, clipped to the image.
        start = draws.random_integers([n], 0, size + (1 - side % 2)) - side // 2
        index = tf.range(size)[None, :]
        inside.append(tf.logical_and(index >= start[:, None], index < start[:, None] + side))
    return images * (1.0 - _grid_mask(inside[0], inside[1], images.dtype))


def _grid_mask(rows, cols, dtype):
    """[n, H, W, 1] of 1 where row i of rows [n, H] and column j of cols [n, W] are both
    true, else 0."""
    return tf.cast(tf.logical_and(rows[:, :, None, None], cols[:, None, :, None]), dtype)


_TRANSFORMS = {"color": color, "translation": translation, "cutout": cutout}
