"""Feature extractors for the metrics: images (or points) -> pool features and logits.

Every extractor has the same interface: `extractor(samples) -> Features(pool, logits)` on
float samples in the data's own range ([-1, 1] for images), batched internally, and a `name`
that is recorded with every number it produces, because a FID is only comparable with FIDs
computed by the same network:

* `identity` (2-D mixtures): the points themselves; no logits.
* `domain_classifier:<dataset>` (mnist, fashion_mnist): a small CNN trained on the dataset's
  training split, as TF-GAN did for MNIST (`tfgan.eval.mnist`): pool = its 32-d penultimate
  layer, logits = its 10 class logits. Trained with outlier exposure, so that structureless
  images land far from real ones (`train_domain_classifier`). The package ships the
  Fashion-MNIST one (`assets/classifiers/`), so that every machine computes its FIDs with the
  same network: the training is seeded but was not bit-exact from one machine to the next
  (their classifiers gave real-vs-real precisions of 0.933 and 0.935). Without a shipped
  one it is trained on first use and cached on disk. The name includes the version and the
  test accuracy, e.g. `domain_classifier:fashion_mnist:v3@0.906`.
* `inception_v3:<weights>`: `keras.applications.InceptionV3` (pool = the 2048-d global
  average pool, logits = the 1000-way pre-softmax scores), images resized bilinearly to
  299 x 299 and grey images repeated to 3 channels, as TF-GAN does. `weights` is a local
  `.weights.h5` / `.h5` file when given (this machine has no internet), else Keras' ImageNet
  download. These are *not* the 2015-12-05 Inception graph behind published FIDs (TTUR /
  TF-GAN), so its FIDs are not comparable with papers' numbers; the name says which it was.
"""
import dataclasses
import json
import os

import keras
import numpy as np
import tensorflow as tf

from tfgan_variants import data, files
from tfgan_variants.errors import UserError

EXTRACTORS = ("auto", "identity", "domain_classifier", "inception_v3")
INCEPTION_SIZE = 299
#: Bumped when the classifier's architecture or training changes, invalidating caches.
_CLASSIFIER_VERSION = 3
#: The shipped classifiers, <dataset>-v<version>.{weights.h5,json}: train_domain_classifier's
#: result, copied from the cache (TFGAN_VARIANTS_CACHE) of the machine that trained it.
SHIPPED_CLASSIFIERS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "assets",
                                   "classifiers")
#: Dropout before the pool layer of the domain classifier.
_DROPOUT = 0.15


@dataclasses.dataclass
class Features:
    pool: np.ndarray                 # [n, d] float64: FID, KID, precision/recall
    logits: np.ndarray | None        # [n, classes] float64: Inception Score (None: no IS)
    labels: np.ndarray | None = None  # [n] classes of the examples, where known


def cache_dir():
    """Where trained classifiers and real-data features are kept: $TFGAN_VARIANTS_CACHE,
    else ~/.cache/tfgan_variants."""
    return os.environ.get("TFGAN_VARIANTS_CACHE") or os.path.join(
        os.path.expanduser("~"), ".cache", "tfgan_variants")


def _batched(fn, samples, batch_size):
    outputs = [fn(tf.convert_to_tensor(samples[i:i + batch_size], tf.float32))
               for i in range(0, len(samples), batch_size)]
    return [np.concatenate([np.asarray(o[j], np.float64) for o in outputs])
            for j in range(len(outputs[0]))]


class Identity:
    """2-D mixtures are compared on the points themselves."""

    name = "identity"
    input_shape = None

    def __call__(self, samples):
        return Features(np.asarray(samples, np.float64).reshape(len(samples), -1), None)


class _KerasExtractor:
    """Runs a Keras model with outputs (pool, logits) over samples in batches."""

    batch_size = 500

    def __init__(self, model, name, input_shape):
        self.model, self.name, self.input_shape = model, name, tuple(input_shape)
        self._run = tf.function(lambda x: self.model(self._prepare(x), training=False),
                                reduce_retracing=True)

    def _prepare(self, images):
        return images

    def _check(self, samples):
        if samples.shape[1:] != self.input_shape:
            raise UserError(f"{self.name} takes images of shape {self.input_shape}, got "
                            f"{samples.shape[1:]}")

    def __call__(self, samples):
        samples = np.asarray(samples)
        self._check(samples)
        pool, logits = _batched(self._run, samples, self.batch_size)
        return Features(pool, logits)


# ------------------------------------------------------------------------ domain classifier
def _classifier_network(input_shape, classes=10):
    """A small CNN: two conv + max-pool blocks, dropout, a 32-d ReLU pool layer, 10 logits.

    The pool layer is narrow on purpose: k-NN manifolds (precision / recall) need many
    samples per intrinsic dimension. At 128-d, real-vs-real precision and recall on 4,000
    Fashion-MNIST images were 0.88; at 32-d they are above 0.9 (docs/EVALUATION.md).
    """
    x = inputs = keras.Input(input_shape)
    for filters in (32, 64):
        x = keras.layers.Conv2D(filters, 3, padding="same", use_bias=False)(x)
        x = keras.layers.ReLU()(keras.layers.BatchNormalization()(x))
        x = keras.layers.MaxPooling2D()(x)
    x = keras.layers.Dropout(_DROPOUT)(keras.layers.Flatten()(x))
    pool = keras.layers.Dense(32, activation="relu", name="pool")(x)
    logits = keras.layers.Dense(classes, name="logits")(pool)
    return keras.Model(inputs, [pool, logits], name="domain_classifier")


def structureless_images(images, n, rng):
    """Outlier exposure (Hendrycks et al. 2019): `n` images with no spatial structure, each
    either the pixels of a random image of `images` in a random order or i.i.d. Gaussian
    pixels of random mean in [-1, 1] and std in [0.1, 1], clipped to [-1, 1]. Uniform noise,
    which the sanity checks use, is not among them."""
    flat = images.reshape(len(images), -1)
    shuffled = rng.permuted(flat[rng.integers(len(flat), size=n)], axis=1)
    gaussian = rng.normal(rng.uniform(-1, 1, (n, 1)), rng.uniform(0.1, 1, (n, 1)),
                          size=shuffled.shape).clip(-1, 1)
    pick = rng.random((n, 1)) < 0.5
    return np.where(pick, shuffled, gaussian).astype(np.float32).reshape(
        (n,) + images.shape[1:])


def _labelled_split(dataset, split):
    """(images in [-1, 1] as float32 [n, 28, 28, 1], int labels) of a keras dataset split."""
    images, labels = data.labelled_split(dataset, split)
    return images.astype(np.float32) / 127.5 - 1.0, labels


def train_domain_classifier(dataset, epochs=6, seed=0, verbose=0):
    """(model, test accuracy) of the classifier trained on `dataset`'s training split.

    Besides the class logits, a linear "structure" head on the pool layer learns to tell
    the training images from `structureless_images` (a quarter as many), and is then
    dropped. Without it, structureless images all map near one point of pool space that
    falls inside the wide k-NN balls of a few real outliers (precision 0.46 for uniform
    noise); with it they land far from every real image (docs/EVALUATION.md).
    """
    keras.utils.set_random_seed(seed)
    x_train, y_train = _labelled_split(dataset, "train")
    x_test, y_test = _labelled_split(dataset, "test")
    outliers = structureless_images(x_train, len(x_train) // 4, np.random.default_rng(seed))
    images = np.concatenate([x_train, outliers])
    labels = np.concatenate([y_train, np.zeros(len(outliers), y_train.dtype)])
    is_outlier = np.repeat(np.float32([0, 1]), [len(x_train), len(outliers)])
    model = _classifier_network(x_train.shape[1:])
    pool, logits = model.output
    structure = keras.layers.Dense(1, name="structure")(pool)
    trainer = keras.Model(model.input, [logits, structure])
    steps = epochs * -(-len(images) // 128)
    learning_rate = keras.optimizers.schedules.PolynomialDecay(2e-3, steps, 0.0)
    trainer.compile(keras.optimizers.Adam(learning_rate),
                    [keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                     keras.losses.BinaryCrossentropy(from_logits=True)])
    trainer.fit(images, [labels, is_outlier], sample_weight=[1 - is_outlier,
                                                            np.ones_like(is_outlier)],
                batch_size=128, epochs=epochs, verbose=verbose)
    predicted = model.predict(x_test, batch_size=1000, verbose=0)[1].argmax(axis=1)
    return model, float(np.mean(predicted == y_test))


def domain_classifier(dataset, verbose=1):
    """The classifier of `dataset` as an extractor: the shipped one, else the cached one,
    trained on first use."""
    if dataset not in data.KERAS_DATASETS:  # the datasets with labels (data.labelled_split)
        raise UserError(f"there is no domain classifier for {dataset!r}; it exists for "
                        f"{data.KERAS_DATASETS}; use --feature_extractor=inception_v3")
    filename = f"{dataset}-v{_CLASSIFIER_VERSION}"
    model, info = _load_classifier(os.path.join(SHIPPED_CLASSIFIERS, filename))
    if model is None:
        stem = os.path.join(cache_dir(), "classifiers", filename)
        with files.locked(stem):
            model, info = _load_or_train_classifier(dataset, stem, verbose)
    name = f"domain_classifier:{dataset}:v{_CLASSIFIER_VERSION}@{info['test_accuracy']:.3f}"
    extractor = _KerasExtractor(model, name, model.input_shape[1:])
    extractor.test_accuracy = info["test_accuracy"]
    return extractor


def _load_or_train_classifier(dataset, stem, verbose):
    folder = os.path.dirname(stem)
    model, info = _load_classifier(stem)
    if model is None:
        if verbose:
            print(f"training the {dataset} domain classifier (once; cached in {folder})",
                  flush=True)
        model, accuracy = train_domain_classifier(dataset, verbose=2 if verbose else 0)
        info = {"dataset": dataset, "test_accuracy": accuracy, "version": _CLASSIFIER_VERSION}
        os.makedirs(folder, exist_ok=True)
        partial = files.temporary_path(stem, ".partial.weights.h5")
        model.save_weights(partial)
        os.replace(partial, f"{stem}.weights.h5")
        files.write_text_atomically(f"{stem}.json", json.dumps(info, indent=2) + "\n")
    return model, info


def _load_classifier(stem):
    """(model, info) from <stem>.json and <stem>.weights.h5, or (None, None) if they are
    absent or unreadable."""
    try:
        with open(f"{stem}.json") as f:
            info = json.load(f)
        model = _classifier_network((28, 28, 1))
        model.load_weights(f"{stem}.weights.h5")
        return model, info
    except (OSError, ValueError, KeyError):
        return None, None


# ------------------------------------------------------------------------ Inception-v3
class _Inception(_KerasExtractor):
    batch_size = 100

    def _prepare(self, images):
        if images.shape[-1] == 1:
            images = tf.repeat(images, 3, axis=-1)
        return tf.image.resize(images, (INCEPTION_SIZE, INCEPTION_SIZE), method="bilinear")

    def _check(self, samples):
        if samples.ndim != 4 or samples.shape[-1] not in (1, 3):
            raise UserError(f"{self.name} takes grey or RGB images [n, h, w, 1 or 3], got "
                            f"shape {samples.shape[1:]}")


def inception_v3(weights=None):
    """Keras' InceptionV3 with (pool, logits) outputs; `weights` a local file or None
    (Keras' ImageNet download). The pre-softmax logits are recomputed from the top layer's
    kernel, because Keras folds the softmax into it."""
    source = weights or "imagenet"
    if weights and not os.path.isfile(weights):
        raise UserError(f"Inception weights file {weights} does not exist")
    try:
        full = keras.applications.InceptionV3(weights=None if weights else "imagenet",
                                              include_top=True)
        if weights:
            full.load_weights(weights)
    except Exception as e:  # noqa: BLE001 - a download or file failure, reported plainly
        raise UserError(f"cannot load InceptionV3 weights from {source}: "
                        f"{str(e).splitlines()[0][:200] if str(e) else type(e).__name__}"
                        ) from None
    pool = full.get_layer("avg_pool").output
    logits_layer = keras.layers.Dense(1000, name="logits")
    logits = logits_layer(pool)
    logits_layer.set_weights(full.get_layer("predictions").get_weights())
    model = keras.Model(full.input, [pool, logits])
    label = os.path.basename(weights) if weights else "keras_imagenet"
    return _Inception(model, f"inception_v3:{label}", (None, None, None))


# ------------------------------------------------------------------------ choice
def make(kind, dataset, inception_weights=None, verbose=1):
    """The extractor `kind` ('auto' picks identity for 2-D data, the domain classifier for
    mnist / fashion_mnist and Inception-v3 for everything else) for `dataset`."""
    if kind not in EXTRACTORS:
        raise UserError(f"unknown feature extractor {kind!r}; choose one of {EXTRACTORS}")
    if kind == "auto":
        kind = ("identity" if dataset in data.DATASETS_2D else
                "domain_classifier" if dataset in data.KERAS_DATASETS else "inception_v3")
    if kind == "identity":
        return Identity()
    if dataset in data.DATASETS_2D:
        raise UserError(f"{kind} features need images; {dataset} is 2-D (use identity)")
    if kind == "domain_classifier":
        return domain_classifier(dataset, verbose=verbose)
    return inception_v3(inception_weights)
