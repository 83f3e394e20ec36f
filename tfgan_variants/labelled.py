"""Labelled data for semi-supervised training: a few labels per class drawn from the training
split, a resumable pipeline of labelled batches, and the test split a classifier is scored on.

The semi-supervised benchmarks (Salimans et al. 2016, arXiv 1606.03498, Section 5; Qi et al.
2018, arXiv 1711.06020, Section 5) give a classifier k labels of each class, drawn at random
from the training split; every training image, those k K included, is also unlabelled data.
The draw is a function of (labels, k, seed) and is saved in the run's workdir
(`labelled_indices.json`), so that a run can be checked against and compared on its draw.
"""
import json
import os

import numpy as np
import tensorflow as tf

from tfgan_variants import data, files
from tfgan_variants.errors import UserError

INDICES_FILE = "labelled_indices.json"


def draw(labels, per_class, seed):
    """Sorted int64 indices of `per_class` examples of every class of `labels`, drawn without
    replacement with numpy's PCG64 seeded by (seed, class)."""
    labels = np.asarray(labels)
    classes = np.unique(labels)
    if per_class < 1:
        raise UserError(f"labels_per_class must be positive, got {per_class}")
    chosen = []
    for c in classes:
        members = np.flatnonzero(labels == c)
        if len(members) < per_class:
            raise UserError(f"class {c} has {len(members)} examples, fewer than "
                            f"labels_per_class = {per_class}")
        rng = np.random.Generator(np.random.PCG64([int(seed), int(c)]))
        chosen.append(rng.choice(members, per_class, replace=False))
    return np.sort(np.concatenate(chosen)).astype(np.int64)


def subset(name, per_class, seed, workdir=None):
    """(uint8 images, int64 labels, indices) of the labelled subset of `name`'s training
    split. With a workdir, the indices are read from its `labelled_indices.json` when there
    (a resumed run keeps its draw) and written there otherwise."""
    images, labels = data.labelled_split(name, "train")
    path = os.path.join(workdir, INDICES_FILE) if workdir else None
    if path and os.path.exists(path):
        indices = read_indices(path, per_class, len(labels))
    else:
        indices = draw(labels, per_class, seed)
        if path:
            files.write_text_atomically(path, json.dumps(
                {"dataset": name, "labels_per_class": int(per_class), "seed": int(seed),
                 "indices": indices.tolist()}) + "\n")
    return images[indices], labels[indices], indices


def read_indices(path, per_class, num_examples):
    """The indices saved at `path`, checked to be a draw of `per_class` labels per class."""
    try:
        with open(path) as f:
            saved = json.load(f)
        indices = np.asarray(saved["indices"], np.int64)
        saved_per_class = int(saved["labels_per_class"])
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise UserError(f"{path} is unreadable ({type(e).__name__}); use a new --workdir") \
            from None
    if saved_per_class != per_class:
        raise UserError(f"{path} holds {saved_per_class} labels per class, not {per_class}; "
                        "use a new --workdir")
    if indices.ndim != 1 or len(indices) == 0 or indices.min() < 0 \
            or indices.max() >= num_examples:
        raise UserError(f"{path} holds indices outside the training split; use a new --workdir")
    return indices


def pipeline(images, labels, batch_size, *, seed=0, start_batch=0):
    """Infinite (float32 images in [-1, 1], int32 labels) batches through the labelled
    examples, a fresh stateless permutation per pass (`data.index_batches`), from batch
    `start_batch`: as exactly resumable as the unlabelled stream."""
    images, labels = tf.constant(images), tf.constant(labels.astype(np.int32))

    def batch(indices):
        return data.to_unit(tf.gather(images, indices)), tf.gather(labels, indices)

    return data.index_batches(len(labels), batch_size, seed, start_batch).map(
        batch, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)


def test_split(name):
    """(float32 images in [-1, 1], int64 labels) of `name`'s test split."""
    images, labels = data.labelled_split(name, "test")
    return images.astype(np.float32) / 127.5 - 1.0, labels


def error_rate(classify, images, labels, batch_size=1000):
    """The fraction of `images` whose arg-max logit under `classify` (images -> [N, K]
    logits) is not their label."""
    wrong = 0
    for start in range(0, len(labels), batch_size):
        logits = np.asarray(classify(images[start:start + batch_size]))
        wrong += int(np.sum(np.argmax(logits, axis=-1) != labels[start:start + batch_size]))
    return wrong / len(labels)
