"""Training data as infinite, exactly resumable `tf.data` pipelines of float batches.

`load(name, batch_size, seed=s, start_batch=k)` yields batches k, k+1, ... of one fixed
sequence that depends only on (data, batch_size, seed), so a resumed run sees exactly the
batches an uninterrupted run would have seen:

- data held in memory (mnist, fashion_mnist, an .npz, a folder of images) is read through a
  fresh permutation per epoch, computed statelessly from (seed, epoch) by `index_shuffle`:
  no shuffle buffer, and starting at batch k costs nothing;
- 2-D mixtures (`ring8`, `grid25`) sample batch b with stateless ops seeded by (seed, b);
- TFDS datasets, streamed from disk, go through a seeded shuffle buffer and `skip(k)`:
  exact as well, but resuming reads the k skipped batches again.

Batches are float32 (batch, H, W, C) in [-1, 1] for images, (batch, 2) for 2-D mixtures;
with `labels=True`, (images, int32 class labels in [0, K)) for a class-conditional run, the
labels read from every labelled source: mnist / fashion_mnist, an .npz's `y` array, the
subfolders of an image folder (one per class), a TFDS dataset's `label` feature.
The pipelines hold no Python state, so `tf.distribute` can split their batches.
Every mistake a user can make (name, path, files, sizes) raises a one-line `UserError`.
"""
import dataclasses
import gzip
import os
import zipfile

import numpy as np
import tensorflow as tf
from PIL import Image

from tfgan_variants.errors import UserError

#: The 2-D Gaussian mixtures (`mixture_centers`).
DATASETS_2D = ("ring8", "grid25")
#: The 28x28 greyscale datasets, read offline from the Keras cache or Debian, with labels.
KERAS_DATASETS = ("mnist", "fashion_mnist")
# TFDS datasets trained at a size other than their native one (lsun images vary in size).
DEFAULT_IMAGE_SIZE = {"stl10": 48, "lsun/bedroom": 64}
DEBIAN_FASHION_MNIST = "/usr/share/datasets/fashion-mnist"   # Debian's dataset-fashion-mnist
FASHION_MNIST_FILES = ("train-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz",
                       "t10k-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz")
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp")
# Image folders that decode to at most this many bytes are held in memory; larger ones are
# decoded batch by batch (the same images in the same order, only slower).
IN_MEMORY_LIMIT = 1 << 30
TFDS_SHUFFLE_BUFFER = 10_000

_MIXTURE_STD = {"ring8": 0.01, "grid25": 0.05}   # PacGAN (Lin et al. 2018) settings
_KERAS_SIZES = {"train": 60_000, "test": 10_000}
_GRAYSCALE_MODES = ("1", "L", "LA", "I", "I;16", "F")
# tf.random.experimental.index_shuffle pads a [2] seed to the [3] its op needs with this
# constant; padding per-row seeds the same way keeps our permutations equal to its ones.
_INDEX_SHUFFLE_PAD = 498247692
# Mixed into the seed of `subset`, so that it is not the data order's draw.
_SUBSET_SEED = 0xf4ac
_AUTOTUNE = tf.data.AUTOTUNE


@dataclasses.dataclass(frozen=True)
class DatasetInfo:
    """What the networks need: the shape of one example and how many examples there are."""
    name: str
    shape: tuple               # (H, W, C) for images, (2,) for 2-D mixtures
    num_examples: int | None   # None when unknown or unbounded (2-D mixtures)
    is_2d: bool
    num_classes: int | None = None   # K of the class labels; None unless asked for


def mixture_centers(name):
    """The (k, 2) float32 component means of a 2-D mixture: 8 on the unit circle, or the
    5 x 5 grid {-4, -2, 0, 2, 4}^2."""
    _check_mixture(name)
    if name == "ring8":
        angles = 2 * np.pi * np.arange(8) / 8
        return np.stack([np.cos(angles), np.sin(angles)], axis=1).astype(np.float32)
    return np.array([(x, y) for x in range(-4, 5, 2) for y in range(-4, 5, 2)], np.float32)


def mixture_spacing(name):
    """The distance between a 2-D mixture's nearest centres: 2 sin(pi / 8) on ring8, 2 on
    grid25."""
    centers = mixture_centers(name)
    distances = np.linalg.norm(centers[:, None] - centers[None], axis=-1)
    return float(distances[~np.eye(len(centers), dtype=bool)].min())


def mixture_std(name):
    """The standard deviation of every component of a 2-D mixture."""
    _check_mixture(name)
    return _MIXTURE_STD[name]


def ensure_fashion_mnist_cache():
    """Make Fashion-MNIST readable offline and return the keras cache folder holding it.

    Files missing from keras's cache (`$KERAS_HOME/datasets/fashion-mnist`, by default under
    ~/.keras) are symlinked from Debian's copy, so that this module and
    `keras.datasets.fashion_mnist.load_data()` both find them without a download.
    """
    cache = os.path.join(_keras_datasets_dir(), "fashion-mnist")
    missing = [f for f in FASHION_MNIST_FILES if not os.path.isfile(os.path.join(cache, f))]
    if not all(os.path.isfile(os.path.join(DEBIAN_FASHION_MNIST, f)) for f in missing):
        raise UserError(f"Fashion-MNIST is not in {cache}: run `apt-get install "
                        "dataset-fashion-mnist`, or allow keras to download it (network)")
    try:
        os.makedirs(cache, exist_ok=True)
        for f in missing:
            try:
                os.symlink(os.path.join(DEBIAN_FASHION_MNIST, f), os.path.join(cache, f))
            except FileExistsError:   # a concurrent process linked it first
                pass
    except OSError as e:
        raise UserError(f"cannot fill the Fashion-MNIST cache {cache}: {e.strerror}") from None
    return cache


#: Plain split names; anything else (e.g. 'train[:10%]') is a TFDS split expression.
KNOWN_SPLIT_NAMES = ("train", "test", "validation", "unlabelled")


def describe(name, image_size=None, data_dir=None, *, split="train", num_examples=None,
             labels=False):
    """The `DatasetInfo` of what `load` with the same arguments yields, read from headers
    and metadata rather than by loading the data; with `labels`, its number of classes,
    the labels checked (`class_labels`)."""
    size = _image_size(image_size, name)
    kind = _kind(name)
    if kind == "2d":
        if labels:
            raise UserError(f"{name} is a 2-D mixture without class labels: a class-conditional "
                            "run needs labelled images")
        return DatasetInfo(name, (2,), None, True)
    if kind == "keras":
        _keras_file(name, split)   # fail now, not at training time, if the data is missing
        shape, n = (28, 28, 1), _KERAS_SIZES[split]
    elif kind == "npz":
        shape, n = _npz_header(name, split)
    elif kind == "folder":
        files = _image_files(name)
        shape, n = _image_shape(files[0]), len(files)
    else:
        builder = _tfds_builder(name, data_dir or None)
        shape = _tfds_shape(builder, name, size)
        known = set(builder.info.splits.keys())
        if known and split in KNOWN_SPLIT_NAMES and split not in known:
            raise UserError(f"TFDS dataset {name!r} has no split {split!r}; it has "
                            f"{', '.join(sorted(known))}")
        try:
            n = builder.info.splits[split].num_examples
        except KeyError:   # not prepared yet, or a split expression: unknown until loaded
            n = None
    if size:
        shape = size + tuple(shape[2:])
    if num_examples and n is not None:
        n = min(n, num_examples)
    num_classes = None
    if labels:
        num_classes = (tfds_num_classes(builder, name) if kind == "tfds" else
                       int(class_labels(name, split, num_examples).max()) + 1)
    return DatasetInfo(name, tuple(shape), n, False, num_classes)


def load(name, batch_size, *, seed=0, start_batch=0, split="train", image_size=None,
         data_dir=None, num_examples=None, labels=False, fraction=1.0):
    """An infinite, prefetched `tf.data.Dataset` of float32 batches, from batch `start_batch`.

    name: 'ring8' / 'grid25' (2-D mixtures), 'mnist' / 'fashion_mnist' (keras caches,
      offline), a folder of .png/.jpg images (searched recursively), an .npz file (array
      'images', 'x', 'x_<split>' or its only array; uint8 in [0, 255] or floats in [-1, 1];
      (N, H, W) or (N, H, W, C)), or else a TFDS dataset name. A path that exists wins over
      a TFDS name; '/', '.' and '~' mark a path.
    image_size: None/0 for the native size, an int (square) or (height, width); images are
      cropped centrally to that aspect ratio and resized. Ignored for 2-D mixtures.
    split: 'train' / 'test' for keras datasets and .npz files with x_train / x_test, any
      TFDS split; ignored for folders and 2-D mixtures.
    data_dir: TFDS data folder (None or '' for TFDS's default).
    num_examples: use only the first this many examples (None or 0: all).
    labels: batches of (images, int32 labels in [0, K)), read and checked by `class_labels`
      (TFDS: the `label` feature); a source without labels is a UserError.
    fraction: train on `subset(n, fraction, seed)` of the n examples (in-memory data and
      folders; a TFDS dataset takes a split such as 'train[:10%]' instead).
    """
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) \
            or batch_size <= 0:
        raise UserError(f"batch size must be a positive integer, got {batch_size!r}")
    if not isinstance(start_batch, (int, np.integer)) or start_batch < 0:
        raise UserError(f"start batch must be a non-negative integer, got {start_batch!r}")
    batch_size, start_batch, seed = int(batch_size), int(start_batch), int(seed)
    if num_examples and (not isinstance(num_examples, (int, np.integer)) or num_examples < 0):
        raise UserError(f"num_examples must be a positive integer, got {num_examples!r}")
    size = _image_size(image_size, name)
    num_examples = num_examples or None
    kind = _kind(name)
    _check_fraction(fraction, kind, name)
    if kind == "2d":
        if labels:
            describe(name, labels=True)   # the one-line refusal
        dataset = _mixture_pipeline(name, batch_size, seed, start_batch)
    elif kind == "tfds":
        dataset = _tfds_pipeline(name, batch_size, seed, start_batch, split, size,
                                 data_dir or None, num_examples, labels)
    elif kind == "folder":
        dataset = _folder_pipeline(name, batch_size, seed, start_batch, size, num_examples,
                                   labels, fraction)
    else:
        path = _keras_file(name, split) if kind == "keras" else name
        images = (_read_idx_images(path) if name == "fashion_mnist"
                  else _npz_images(path, split))[:num_examples]
        if size == images.shape[1:3]:
            size = None
        classes = class_labels(name, split, num_examples) if labels else None
        if fraction < 1.0:
            keep = subset(len(images), fraction, seed)
            images, classes = images[keep], None if classes is None else classes[keep]
        dataset = _array_pipeline(images, batch_size, seed, start_batch, size, classes)
    return dataset.prefetch(_AUTOTUNE)


def subset(n, fraction, seed):
    """The indices, increasing, of the round(fraction n) examples (at least one) of n that a
    run of `seed` trains on with data.fraction < 1: a uniform draw without replacement."""
    count = max(1, int(round(fraction * n)))
    return np.sort(np.random.default_rng([seed, _SUBSET_SEED]).permutation(n)[:count])


def _check_fraction(fraction, kind, name):
    if not 0.0 < fraction <= 1.0:
        raise UserError(f"the fraction of the data to train on must be in (0, 1], got "
                        f"{fraction}")
    if fraction < 1.0 and kind in ("2d", "tfds"):
        hint = ("a 2-D mixture has no finite training set" if kind == "2d" else
                "for a TFDS dataset give a split such as --config.data.split='train[:10%]'")
        raise UserError(f"--config.data.fraction takes in-memory data or an image folder, not "
                        f"{name!r}: {hint}")


# ---- pipelines ---------------------------------------------------------------------------

def _batch_indices(batch, batch_size, n, seed):
    """The example indices of batch `batch`: stream position j = batch * batch_size + i is
    item j % n of epoch j // n, whose permutation is drawn statelessly from (seed, epoch)."""
    j = batch * batch_size + tf.range(batch_size, dtype=tf.int64)
    # One seed row per element, since a batch can straddle epochs. The raw op, because
    # tf.random.experimental.index_shuffle pads an [n, 2] seed on the wrong axis (TF 2.21).
    seeds = tf.concat([tf.broadcast_to(tf.constant([[_INDEX_SHUFFLE_PAD, seed]], tf.int64),
                                       [batch_size, 2]), (j // n)[:, None]], axis=1)
    return tf.raw_ops.RandomIndexShuffle(index=j % n, seed=seeds,
                                         max_index=tf.constant(n - 1, tf.int64), rounds=4)


def index_batches(n, batch_size, seed, start_batch):
    """Infinite dataset of the (batch_size,) index vectors of batches start_batch, ..."""
    return tf.data.Dataset.counter(start_batch).map(
        lambda b: _batch_indices(b, batch_size, n, seed))


def _array_pipeline(images, batch_size, seed, start_batch, size, labels=None):
    """Batches gathered from an in-memory (N, H, W, C) array in one vectorised op each;
    (images, labels) batches when given the (N,) labels."""
    data = tf.constant(images)
    classes = None if labels is None else tf.constant(labels, tf.int32)

    def batch(indices):
        x = tf.gather(data, indices)
        x = to_unit(_resize(x, size) if size else x)
        return x if classes is None else (x, tf.gather(classes, indices))

    return index_batches(len(images), batch_size, seed, start_batch).map(
        batch, num_parallel_calls=_AUTOTUNE, deterministic=True)


def _folder_pipeline(folder, batch_size, seed, start_batch, size, num_examples, labels,
                     fraction):
    """Batches of a folder's images: decoded once into memory if they fit in
    IN_MEMORY_LIMIT, else decoded per batch from the same shuffled indices; with `labels`,
    each image's class is its subfolder (`folder_classes`); `subset` of them for a fraction
    below 1."""
    files = _image_files(folder)[:num_examples]
    classes = folder_classes(folder, files)[1] if labels else None
    if fraction < 1.0:
        keep = subset(len(files), fraction, seed)
        files = [files[i] for i in keep]
        classes = None if classes is None else classes[keep]
    shape = _common_shape(folder, files, size)

    def decode(path):
        image = tf.io.decode_image(tf.io.read_file(path), channels=shape[-1],
                                   expand_animations=False)
        return tf.ensure_shape(_resize(image, size) if size else image, shape)

    if len(files) * np.prod(shape) <= IN_MEMORY_LIMIT:
        decoded = tf.data.Dataset.from_tensor_slices(files).map(
            decode, num_parallel_calls=_AUTOTUNE).batch(1024)
        try:
            images = np.concatenate(list(decoded.as_numpy_iterator()))
        except tf.errors.InvalidArgumentError as e:   # PIL accepted a file TF cannot decode
            raise UserError(f"cannot decode an image in {folder}: "
                            f"{e.message.splitlines()[0]}") from None
        return _array_pipeline(images, batch_size, seed, start_batch, None, classes)
    files = tf.constant(files)
    if classes is None:
        return (index_batches(len(files), batch_size, seed, start_batch)
                .map(lambda indices: tf.gather(files, indices)).unbatch()
                .map(decode, num_parallel_calls=_AUTOTUNE, deterministic=True)
                .batch(batch_size, drop_remainder=True).map(to_unit))
    classes = tf.constant(classes, tf.int32)
    return (index_batches(len(files), batch_size, seed, start_batch)
            .map(lambda indices: (tf.gather(files, indices), tf.gather(classes, indices)))
            .unbatch()
            .map(lambda path, label: (decode(path), label), num_parallel_calls=_AUTOTUNE,
                 deterministic=True)
            .batch(batch_size, drop_remainder=True)
            .map(lambda images, label: (to_unit(images), label)))


def _mixture_pipeline(name, batch_size, seed, start_batch):
    """Batch b of a 2-D mixture: uniform components plus Gaussian noise, seeded by (seed, b)."""
    centers, std = tf.constant(mixture_centers(name)), mixture_std(name)

    def batch(b):
        key = tf.random.experimental.stateless_fold_in(tf.constant([seed, 0], tf.int64), b)
        component_key, noise_key = tf.unstack(tf.random.experimental.stateless_split(key, 2))
        components = tf.random.stateless_uniform([batch_size], component_key, minval=0,
                                                 maxval=len(centers), dtype=tf.int32)
        noise = tf.random.stateless_normal([batch_size, 2], noise_key)
        return tf.gather(centers, components) + std * noise

    return tf.data.Dataset.counter(start_batch).map(
        batch, num_parallel_calls=_AUTOTUNE, deterministic=True)


def _tfds_pipeline(name, batch_size, seed, start_batch, split, size, data_dir, num_examples,
                   labels=False):
    """A TFDS split, read in file order, through a seeded shuffle buffer, repeated; batches
    before `start_batch` are produced and skipped (exact, but costs their reading). With
    `labels`, (images, labels) from the `label` feature."""
    builder = _tfds_builder(name, data_dir)
    _tfds_shape(builder, name, size)
    if labels:
        tfds_num_classes(builder, name)
    builder.download_and_prepare()
    try:
        dataset = builder.as_dataset(split=split, shuffle_files=False)
    except ValueError as e:   # e.g. an unknown split
        raise UserError(f"TFDS dataset {name!r}: {str(e).splitlines()[0]}") from None
    if num_examples:
        dataset = dataset.take(num_examples)
    def example_of(example):
        image = _resize(example["image"], size) if size else example["image"]
        return (image, tf.cast(example["label"], tf.int32)) if labels else image

    dataset = dataset.map(example_of, num_parallel_calls=_AUTOTUNE)
    unit = (lambda images, label: (to_unit(images), label)) if labels else to_unit
    return (dataset.shuffle(TFDS_SHUFFLE_BUFFER, seed=seed).repeat()
            .batch(batch_size, drop_remainder=True).skip(start_batch).map(unit))


def _resize(images, size):
    """Crop images ((H, W, C) or a batch) centrally to the aspect ratio of size = (h, w),
    then resize with antialiasing; uint8 stays uint8 (rounded), floats stay floats."""
    height, width = tf.shape(images)[-3], tf.shape(images)[-2]
    crop_h = tf.minimum(height, width * size[0] // size[1])
    crop_w = tf.minimum(width, height * size[1] // size[0])
    cropped = tf.image.crop_to_bounding_box(images, (height - crop_h) // 2,
                                            (width - crop_w) // 2, crop_h, crop_w)
    resized = tf.image.resize(cropped, size, antialias=True)
    return tf.saturate_cast(tf.round(resized), tf.uint8) if images.dtype == tf.uint8 else resized


def to_unit(images):
    """uint8 in [0, 255] -> float32 in [-1, 1]; float images are in [-1, 1] already."""
    if images.dtype == tf.uint8:
        return tf.cast(images, tf.float32) / 127.5 - 1.0
    return tf.cast(images, tf.float32)


# ---- sources -----------------------------------------------------------------------------

def _kind(name):
    """Which source a dataset name refers to: '2d', 'keras', 'npz', 'folder' or 'tfds'."""
    if not isinstance(name, str) or not name:
        raise UserError(f"a dataset name must be a non-empty string, got {name!r}")
    if name in DATASETS_2D:
        return "2d"
    if name in KERAS_DATASETS:
        return "keras"
    if name.lower().endswith(".npz"):
        return "npz"
    if os.path.exists(name) or name.startswith(("/", ".", "~")):
        return "folder"
    return "tfds"


def _check_mixture(name):
    if name not in DATASETS_2D:
        raise UserError(f"unknown 2-D mixture {name!r}: choose one of {', '.join(DATASETS_2D)}")


def _image_size(image_size, name):
    """None (native size) or (height, width), from None/0, an int or a pair; TFDS datasets
    in DEFAULT_IMAGE_SIZE default to their usual training size."""
    image_size = image_size or DEFAULT_IMAGE_SIZE.get(name)
    if not image_size:
        return None
    size = (image_size,) * 2 if isinstance(image_size, (int, np.integer)) else image_size
    if (not isinstance(size, (tuple, list)) or len(size) != 2
            or not all(isinstance(s, (int, np.integer)) and s > 0 for s in size)):
        raise UserError(f"image size must be a positive integer or (height, width), "
                        f"got {image_size!r}")
    return tuple(int(s) for s in size)


def _keras_datasets_dir():
    """Keras's dataset cache: $KERAS_HOME/datasets, by default ~/.keras/datasets."""
    return os.path.join(os.environ.get("KERAS_HOME") or os.path.expanduser("~/.keras"),
                        "datasets")


def _keras_file(name, split):
    """The cached file holding the images of a keras dataset split, checked to exist."""
    if split not in _KERAS_SIZES:
        raise UserError(f"{name} has splits 'train' and 'test', not {split!r}")
    if name == "fashion_mnist":
        prefix = "train" if split == "train" else "t10k"
        return os.path.join(ensure_fashion_mnist_cache(), f"{prefix}-images-idx3-ubyte.gz")
    path = os.path.join(_keras_datasets_dir(), "mnist.npz")
    if not os.path.isfile(path):
        raise UserError(f"MNIST is not in {path} and cannot be downloaded here: copy mnist.npz "
                        "there (keras.datasets.mnist.load_data() fetches it, with network)")
    return path


def _read_idx_images(path):
    """The uint8 (N, H, W, 1) images of a gzipped IDX file (the MNIST file format)."""
    try:
        with gzip.open(path, "rb") as f:
            data = f.read()
        n, height, width = (int.from_bytes(data[i:i + 4], "big") for i in (4, 8, 12))
        images = np.frombuffer(data, np.uint8, offset=16).reshape(n, height, width, 1)
    except (OSError, ValueError) as e:
        raise UserError(f"cannot read {path} as gzipped IDX images: {e}") from None
    return images


def _read_idx_labels(path):
    """The int64 (N,) labels of a gzipped IDX label file."""
    try:
        with gzip.open(path, "rb") as f:
            return np.frombuffer(f.read(), np.uint8, offset=8).astype(np.int64)
    except (OSError, ValueError) as e:
        raise UserError(f"cannot read {path} as gzipped IDX labels: {e}") from None


def labelled_split(name, split):
    """(uint8 images (N, 28, 28, 1), int64 labels) of a split of mnist or fashion_mnist."""
    if name not in KERAS_DATASETS:
        raise UserError(f"labels are read for {KERAS_DATASETS} only, not {name!r}")
    path = _keras_file(name, split)
    if name == "fashion_mnist":
        images = _read_idx_images(path)
    else:
        with np.load(path) as f:
            images = f[f"x_{split}"][..., None]
    return images, class_labels(name, split)


# ---- class labels ------------------------------------------------------------------------

def class_labels(name, split="train", num_examples=None):
    """The int64 (N,) class labels of a keras dataset, an .npz or an image folder, in the
    order of its images, checked by `check_labels` (for a TFDS dataset:
    `tfds_num_classes`)."""
    kind = _kind(name)
    if kind == "keras":
        path = _keras_file(name, split)
        if name == "fashion_mnist":
            labels = _read_idx_labels(path.replace("images-idx3", "labels-idx1"))
        else:
            with np.load(path) as f:
                labels = f[f"y_{split}"].astype(np.int64)
        count = _KERAS_SIZES[split]
    elif kind == "npz":
        labels, count = _npz_labels(name, split), _npz_header(name, split)[1]
    elif kind == "folder":
        files = _image_files(name)
        labels, count = folder_classes(name, files)[1], len(files)
    else:
        raise UserError(f"{name!r} has no class labels that this function reads")
    labels = check_labels(labels, count, name)
    return labels[:num_examples or None]


def check_labels(labels, num_images, source):
    """`labels` as int64 (N,), checked to give each of the `num_images` images a class in
    0..K-1 with every one of the K >= 2 classes present; else a one-line UserError."""
    labels = np.asarray(labels)
    if labels.ndim != 1 or not (np.issubdtype(labels.dtype, np.integer)
                                or labels.dtype == bool):
        raise UserError(f"{source}: class labels must be a 1-D integer array, got "
                        f"{labels.dtype} {labels.shape}")
    if len(labels) != num_images:
        raise UserError(f"{source} has {len(labels)} labels for {num_images} images: every "
                        "image needs one")
    labels = labels.astype(np.int64)
    if labels.min() < 0:
        raise UserError(f"{source}: class labels must be >= 0, found {labels.min()}")
    counts = np.bincount(labels)
    if len(counts) < 2:
        raise UserError(f"{source} has a single class: a class-conditional run needs two or "
                        "more")
    empty = np.flatnonzero(counts == 0)
    if len(empty):
        raise UserError(f"{source}: class labels must be 0..K-1 with every class present; "
                        f"label {empty[0]} has no image (max label {len(counts) - 1})")
    return labels


def folder_classes(folder, files):
    """(class names, int64 labels of `files`): an image's class is the first subfolder of
    `folder` on its path, classes numbered in sorted order of their names."""
    folder = os.path.expanduser(folder)
    parts = [os.path.relpath(path, folder).split(os.sep) for path in files]
    loose = next((path for path, part in zip(files, parts) if len(part) == 1), None)
    if loose is not None:
        raise UserError(f"{loose} is not in a class subfolder: a class-conditional run on a "
                        "folder needs one subfolder of images per class")
    names = sorted({part[0] for part in parts})
    if len(names) < 2:
        raise UserError(f"{folder} has a single class subfolder ({names[0]}): a "
                        "class-conditional run needs two or more")
    index = {name: i for i, name in enumerate(names)}
    return names, np.array([index[part[0]] for part in parts], np.int64)


def tfds_num_classes(builder, name):
    """K of a TFDS dataset's `label` feature (a ClassLabel), or a one-line UserError."""
    features = builder.info.features
    num_classes = getattr(features["label"], "num_classes", None) if "label" in features \
        else None
    if not num_classes:
        raise UserError(f"TFDS dataset {name!r} has no class 'label' feature for a "
                        "class-conditional run")
    return int(num_classes)


def _npz_labels(path, split):
    """The label array of an .npz: 'y', 'labels' or 'y_<split>'."""
    with _open_npz(path) as npz:
        keys = [k for k in ("y", "labels", f"y_{split}") if k in npz.files]
        if not keys:
            raise UserError(f"{path} has no class labels: a class-conditional run needs an "
                            f"array 'y', 'labels' or 'y_{split}' beside the images")
        return npz[keys[0]]


def _open_npz(path):
    path = os.path.expanduser(path)
    if not os.path.isfile(path):
        raise UserError(f"no such .npz file: {path}")
    try:
        return np.load(path, allow_pickle=False)
    except (OSError, ValueError, zipfile.BadZipFile) as e:
        raise UserError(f"cannot read {path} as .npz: {e}") from None


def _npz_key(npz, path, split):
    """The name of the image array in an .npz file."""
    keys = [k for k in ("images", "x", f"x_{split}") if k in npz.files]
    if not keys and len(npz.files) == 1:
        keys = npz.files
    if not keys:
        raise UserError(f"{path} has no image array: expected 'images', 'x', 'x_{split}' or a "
                        f"single array, found {', '.join(npz.files) or 'none'}")
    return keys[0]


def _example_shape(shape, dtype, path):
    """The (H, W, C) of one example of an (N, H, W) or (N, H, W, C) image array."""
    if len(shape) not in (3, 4) or not (dtype == np.uint8 or np.issubdtype(dtype, np.floating)):
        raise UserError(f"{path}: expected uint8 or float images of shape (N, H, W) or "
                        f"(N, H, W, C), got {dtype} {tuple(shape)}")
    if shape[0] == 0:
        raise UserError(f"{path} holds no images")
    return tuple(shape[1:]) + ((1,) if len(shape) == 3 else ())


def _npz_header(path, split):
    """(example shape, N) of the image array of an .npz, read from its header alone."""
    with _open_npz(path) as npz, npz.zip.open(_npz_key(npz, path, split) + ".npy") as f:
        version = np.lib.format.read_magic(f)
        shape, _, dtype = getattr(np.lib.format, f"read_array_header_{version[0]}_0")(f)
    return _example_shape(shape, dtype, path), shape[0]


def _npz_images(path, split):
    """The (N, H, W, C) image array of an .npz: uint8, or float32 checked to lie in [-1, 1]."""
    with _open_npz(path) as npz:
        images = npz[_npz_key(npz, path, split)]
    images = images.reshape(images.shape[:1] + _example_shape(images.shape, images.dtype, path))
    if images.dtype == np.uint8:
        return images
    if images.min() < -1 - 1e-6 or images.max() > 1 + 1e-6:
        raise UserError(f"{path}: float images must lie in [-1, 1], found "
                        f"[{images.min():.3g}, {images.max():.3g}] (store uint8 for [0, 255])")
    return images.astype(np.float32)


def _image_files(folder):
    """The image files under `folder`, recursively, in sorted (reproducible) order."""
    folder = os.path.expanduser(folder)
    if not os.path.isdir(folder):
        raise UserError(f"no such folder: {folder}" if not os.path.exists(folder) else
                        f"{folder} is neither a folder of images nor an .npz file")
    if not os.access(folder, os.R_OK | os.X_OK):
        raise UserError(f"cannot read folder {folder}")
    files = sorted(os.path.join(root, f) for root, _, names in os.walk(folder)
                   for f in names if f.lower().endswith(IMAGE_EXTENSIONS))
    if not files:
        raise UserError(f"no {'/'.join(IMAGE_EXTENSIONS)} images in folder {folder}")
    return files


def _image_shape(path, verify=False):
    """(H, W, C) of an image file from its header (C = 1 for grayscale, else 3); `verify`
    also checks the file's integrity as far as PIL can without decoding it."""
    try:
        with Image.open(path) as image:
            if verify:
                image.verify()
            return image.height, image.width, 1 if image.mode in _GRAYSCALE_MODES else 3
    except (OSError, SyntaxError, ValueError) as e:   # what PIL raises on broken files
        raise UserError(f"cannot read image {path}: {e}") from None


def _common_shape(folder, files, size):
    """The (H, W, C) every image of a folder decodes to, checking every file."""
    first = None
    for path in files:
        shape = _image_shape(path, verify=True)
        shape = size + shape[2:] if size else shape
        if first is None:
            first = path, shape
        elif shape != first[1]:
            raise UserError(f"images in {folder} differ in shape: {first[0]} is {first[1]}, "
                            f"{path} is {shape}" + ("" if size else "; set an image size"))
    return first[1]


def _tfds_builder(name, data_dir):
    import tensorflow_datasets as tfds   # slow to import: only for TFDS names

    try:
        builder = tfds.builder(name, data_dir=data_dir)
    except tfds.core.registered.DatasetNotFoundError:
        raise UserError(f"unknown dataset {name!r}: not one of "
                        f"{', '.join(DATASETS_2D + KERAS_DATASETS)}, an existing folder or "
                        ".npz file, or a TFDS dataset name") from None
    if "image" not in builder.info.features:
        raise UserError(f"TFDS dataset {name!r} has no 'image' feature")
    return builder


def _tfds_shape(builder, name, size):
    """The (H, W, C) of a TFDS dataset's images after resizing to `size`."""
    shape = tuple(builder.info.features["image"].shape)
    if size:
        return size + shape[2:]
    if None in shape:
        raise UserError(f"TFDS dataset {name!r} has images of varying size: set an image size")
    return shape
