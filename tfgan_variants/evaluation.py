"""Evaluation of generators: samples scored by `metrics` on `features`, the standard way.

`Evaluator` holds what one comparison needs (the reference data's features, computed once
and cached on disk per dataset + extractor + size) and scores any sampler against it;
`evaluate_workdir` scores the generator a training run exported, as `eval.py` does; the
training loop uses the same `Evaluator` every `config.eval.every` steps.

Images are scored with FID, KID (mean and std over blocks of at most 1024), Inception Score
(one split, TF-GAN's function, on the extractor's logits) and precision / recall (k = 3);
2-D mixtures with mode coverage and, on the points themselves, FID, KID and precision /
recall. The reference set is the dataset's test split where it has one (the training split
otherwise), `num_samples` examples in a fixed order.

A class-conditional generator (`conditional=True`) is asked for the classes 0, 1, ..., K-1 in
turn, so that every class has num_samples / K samples, and also gets `intra_fid`, the mean
over classes of the FID between its samples of a class and the reference examples of that
class (Miyato & Koyama 2018, Section 4.1), and, on the domain classifier (trained on the
dataset's own classes), `class_accuracy`, the fraction of samples classified as the class
they were asked for.
"""
import hashlib
import json
import os
import time

import ml_collections
import numpy as np
import tensorflow as tf

from tfgan_variants import data, export, features, files, labelled, metrics, visualize
from tfgan_variants.errors import UserError

IMAGE_METRICS = ("fid", "kid", "inception_score", "precision_recall")
MIXTURE_METRICS = ("mode_coverage", "fid", "kid", "precision_recall")
DEFAULT_NUM_SAMPLES = {True: 2500, False: 10000}   # keyed on "is 2-D"
_REAL_SEED = 1234   # reference examples are drawn with a seed no training run uses by default


def load_run_config(workdir):
    path = os.path.join(workdir, "config.json")
    if not os.path.isdir(workdir):
        raise UserError(f"workdir {workdir} does not exist")
    if not os.path.exists(path):
        raise UserError(f"{workdir} holds no training run (no config.json)")
    try:
        with open(path) as f:
            return ml_collections.ConfigDict(json.load(f))
    except (OSError, ValueError) as e:
        raise UserError(f"{path} is unreadable: {e}") from None


def generate(sample, latent_dim, num_samples, seed=0, batch_size=500, labels=None):
    """num_samples generator outputs for a fixed, seeded z; for a conditional generator,
    `sample(z, labels=...)` of the classes `labels` [num_samples]."""
    outputs = []
    for start in range(0, num_samples, batch_size):
        count = min(batch_size, num_samples - start)
        z = tf.random.stateless_normal([count, latent_dim], seed=[seed, start])
        outputs.append(np.asarray(sample(z) if labels is None else
                                  sample(z, labels=tf.constant(labels[start:start + count]))))
    return np.concatenate(outputs)


def balanced_labels(num_samples, num_classes):
    """The classes a conditional generator is evaluated on: 0, 1, ..., K-1, 0, 1, ..."""
    return (np.arange(num_samples) % num_classes).astype(np.int32)


def parse_metrics(names, is_2d):
    """The metric names to compute: all that apply when `names` is empty, else the listed
    ones (a comma-separated string or a sequence), each checked to apply to the data."""
    available = MIXTURE_METRICS if is_2d else IMAGE_METRICS
    if isinstance(names, str):
        names = [n.strip() for n in names.split(",") if n.strip()]
    if not names:
        return available
    unknown = [n for n in names if n not in available]
    if unknown:
        kind = "2-D data" if is_2d else "images"
        raise UserError(f"unknown metric(s) {', '.join(unknown)} for {kind}; choose from "
                        f"{', '.join(available)}")
    return tuple(names)


def _reference_split(name, image_size, data_dir):
    """The held-out split where the dataset has one ('test', else 'validation', as LSUN),
    else the training split."""
    for split in ("test", "validation"):
        try:
            data.describe(name, image_size, data_dir, split=split)
            return split
        except UserError:
            pass
    return "train"


def real_samples(name, count, *, split="test", image_size=None, data_dir=None, labels=False):
    """The first `count` examples of the dataset in a fixed (seeded) order; with `labels`,
    (examples, their int32 labels)."""
    batch = min(count, 1000)
    dataset = data.load(name, batch, seed=_REAL_SEED, split=split, image_size=image_size,
                        data_dir=data_dir, labels=labels)
    batches = list(dataset.take(-(-count // batch)).as_numpy_iterator())
    if labels:
        return tuple(np.concatenate(parts)[:count] for parts in zip(*batches))
    return np.concatenate(batches)[:count]


def intra_class_fid(real, real_labels, fake, fake_labels):
    """The mean over the classes of `real_labels` of the FID between the features of that
    class's generated and reference examples."""
    classes = np.unique(real_labels)
    return float(np.mean([metrics.frechet_distance(real[real_labels == c],
                                                   fake[fake_labels == c]) for c in classes]))


class Evaluator:
    """Scores samplers against one reference set of a dataset under one feature extractor.

    Args:
        dataset: the data's name (as in `config.data.name`).
        num_samples: generated samples per evaluation, and reference examples (at most the
            reference split's size).
        metric_names: a subset of IMAGE_METRICS / MIXTURE_METRICS; empty: all that apply.
        extractor: 'auto', 'identity', 'domain_classifier' or 'inception_v3'.
        conditional: score a class-conditional generator (see the module doc).
    """

    def __init__(self, dataset, num_samples=None, metric_names=(), extractor="auto", *,
                 image_size=None, data_dir=None, inception_weights=None, verbose=1,
                 conditional=False):
        self.info = data.describe(dataset, image_size, data_dir, labels=conditional)
        self.conditional = conditional
        self.dataset, self.image_size, self.data_dir = dataset, image_size, data_dir
        self.num_samples = int(num_samples or DEFAULT_NUM_SAMPLES[self.info.is_2d])
        if self.num_samples < 2:
            raise UserError(f"num_samples must be at least 2, got {self.num_samples}")
        self.metric_names = parse_metrics(metric_names, self.info.is_2d)
        self.extractor = features.make(extractor, dataset, inception_weights, verbose)
        if "inception_score" in self.metric_names and self.extractor.name == "identity":
            raise UserError("the Inception Score needs a classifier's logits")
        self.verbose = verbose
        self._real = None

    # -- the reference set
    def real_features(self):
        """Features of the reference examples, from the disk cache when computed before."""
        if self._real is None:
            self._real = self._load_or_compute_real()
        return self._real

    def _cache_path(self):
        split = "mixture" if self.info.is_2d else _reference_split(
            self.dataset, self.image_size, self.data_dir)
        source = os.path.abspath(self.dataset) if os.path.exists(self.dataset) else self.dataset
        key = json.dumps([source, split, self.info.shape, self.extractor.name,
                          self.num_samples, _REAL_SEED, self.data_dir]
                         + (["labels"] if self.conditional else []))
        digest = hashlib.sha256(key.encode()).hexdigest()[:16]
        slug = "".join(c if c.isalnum() else "_" for c in os.path.basename(self.dataset))
        return split, os.path.join(features.cache_dir(), "real_features",
                                   f"{slug}-{split}-{digest}.npz")

    def _load_or_compute_real(self):
        split, path = self._cache_path()
        with files.locked(path):
            return self._read_or_compute_real(split, path)

    def _read_or_compute_real(self, split, path):
        try:
            with np.load(path) as cached:
                return features.Features(cached["pool"],
                                         cached["logits"] if cached["logits"].size else None,
                                         cached["labels"] if self.conditional else None)
        except (OSError, ValueError, KeyError):
            pass   # absent or damaged: recompute and overwrite
        if self.verbose:
            print(f"computing reference features of {self.dataset} ({split}) with "
                  f"{self.extractor.name} (once; cached in {os.path.dirname(path)})",
                  flush=True)
        count = self.num_samples
        if self.info.num_examples:
            count = min(count, data.describe(self.dataset, self.image_size, self.data_dir,
                                             split=split).num_examples or count)
        examples = real_samples(self.dataset, count, split=split, image_size=self.image_size,
                                data_dir=self.data_dir, labels=self.conditional)
        labels = {}
        if self.conditional:
            examples, labels["labels"] = examples
        real = self.extractor(examples)
        real.labels = labels.get("labels")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        partial = files.temporary_path(path, ".partial.npz")
        np.savez(partial, pool=real.pool,
                 logits=real.logits if real.logits is not None else np.zeros(0), **labels)
        os.replace(partial, path)
        return real

    # -- scoring
    def check_samples(self, samples):
        if samples.shape[1:] != tuple(self.info.shape):
            raise UserError(f"the generator makes samples of shape {samples.shape[1:]}, but "
                            f"{self.dataset} has shape {tuple(self.info.shape)}")
        if not np.all(np.isfinite(samples)):
            raise UserError("the generator's samples contain NaN or Inf")

    def score(self, samples, labels=None):
        """The metrics of `samples` (shape [n, *data shape]) as a JSON-ready dict; with
        the classes `labels` they were asked for, the class metrics too."""
        samples = np.asarray(samples)
        self.check_samples(samples)
        start = time.time()
        real, fake = self.real_features(), self.extractor(samples)
        result = {"num_samples": int(len(samples)), "feature_extractor": self.extractor.name,
                  "dataset": self.dataset}
        names = self.metric_names
        if "mode_coverage" in names:
            result.update(metrics.mode_coverage(samples, data.mixture_centers(self.dataset),
                                                data.mixture_std(self.dataset)))
        if "fid" in names:
            result["fid"] = float(metrics.frechet_distance(real.pool, fake.pool))
        if "kid" in names:
            mean, std = metrics.kernel_distance(real.pool, fake.pool)
            result.update({"kid": float(mean), "kid_std": float(std)})
        if "inception_score" in names:
            result["inception_score"] = float(metrics.inception_score(fake.logits))
        if "precision_recall" in names:
            precision, recall = metrics.precision_recall(real.pool, fake.pool)
            result.update({"precision": precision, "recall": recall})
        if labels is not None:
            result.update(self.class_scores(real, fake, np.asarray(labels)))
        result["seconds"] = round(time.time() - start, 3)
        # JSON has no NaN: KID's std over a single block is undefined.
        return {k: None if isinstance(v, float) and not np.isfinite(v) else v
                for k, v in result.items()}

    def class_scores(self, real, fake, labels):
        """`intra_fid`, and `class_accuracy` when the extractor's logits are the dataset's
        classes (the domain classifier)."""
        scores = {"intra_fid": intra_class_fid(real.pool, real.labels, fake.pool, labels)}
        if self.extractor.name.startswith("domain_classifier"):
            predicted = np.argmax(fake.logits, axis=-1)
            scores["class_accuracy"] = float(np.mean(predicted == labels))
        return scores

    def labels(self):
        """The classes a conditional generator is asked for; None for an unconditional one."""
        if not self.conditional:
            return None
        return balanced_labels(self.num_samples, self.info.num_classes)

    def evaluate(self, sample, latent_dim, seed=0):
        """(metrics, samples) of a sampler z -> samples on `num_samples` seeded latents (for a
        conditional generator, `sample(z, labels=...)` on the classes of `labels()`)."""
        labels = self.labels()
        samples = generate(sample, latent_dim, self.num_samples, seed, labels=labels)
        return self.score(samples, labels), samples

    def picture(self, samples, title=""):
        """The samples over the true centres (2-D), a grid of the first 64 (images), or for
        a conditional generator one row per class."""
        if self.info.is_2d:
            return visualize.scatter_plot(samples, data.mixture_centers(self.dataset), title)
        if self.conditional:
            return visualize.class_rows(samples, self.labels(), self.info.num_classes)
        return visualize.image_grid(samples[:64])


def evaluate_saved_model(path, dataset, *, num_samples=None, metric_names=(),
                         extractor="auto", seed=0, image_size=None, data_dir=None,
                         inception_weights=None, picture_path=None, title=None, raw=False):
    """Metrics of an exported generator against `dataset`, and `test_error` when the export
    holds a classifier (`classify`); optionally writes its picture (titled `title`, default
    the SavedModel's folder name). `raw`: the raw G of a run that averages G
    (`serving_default_raw`), not its average."""
    loaded = export.load(path)
    signature = export.SIGNATURE + (export.RAW if raw else "")
    sample, latent_dim = export.load_generator(path, loaded, signature)
    evaluator = Evaluator(dataset, num_samples, metric_names, extractor, image_size=image_size,
                          data_dir=data_dir, inception_weights=inception_weights,
                          conditional=export.takes_labels(loaded))
    result, samples = evaluator.evaluate(sample, latent_dim, seed)
    if raw:
        result["signature"] = signature
    error = saved_model_test_error(path, dataset, loaded)
    if error is not None:
        result["test_error"] = error
    if picture_path:
        visualize.save_png(evaluator.picture(samples, title or os.path.basename(path)),
                           picture_path)
    return result


def exported_model(workdir):
    """The path of the SavedModel a finished run exported, or a one-line UserError."""
    saved_model = os.path.join(workdir, "saved_model")
    if not os.path.isdir(saved_model):
        raise UserError(f"{workdir} has no exported generator (saved_model/): the run has "
                        "not finished; run train.py with the same flags to finish it")
    return saved_model


def evaluate_workdir(workdir, num_samples=None, seed=0, metric_names=(), extractor="auto",
                     inception_weights=None, raw=False):
    """Metrics of the generator exported in `workdir` (with `raw`, of the raw G of a run
    that averages G); writes <workdir>/eval_samples.png (eval_samples_raw.png)."""
    config = load_run_config(workdir)
    saved_model = exported_model(workdir)
    suffix = "_raw" if raw else ""
    result = evaluate_saved_model(
        saved_model, config.data.name, num_samples=num_samples, metric_names=metric_names,
        extractor=extractor, seed=seed, image_size=config.data.get("image_size") or None,
        data_dir=config.data.get("data_dir") or None, inception_weights=inception_weights,
        picture_path=os.path.join(workdir, f"eval_samples{suffix}.png"),
        title=f"{config.variant} on {config.data.name}{' (raw G)' if raw else ''}", raw=raw)
    result["variant"] = config.variant
    return result


def saved_model_test_error(path, dataset, loaded=None):
    """The test-split error of the `classify` signature of an exported semi-supervised
    model; None for a SavedModel without one or a dataset without labels."""
    classify = export.load_classifier(path, loaded)
    if classify is None or dataset not in data.KERAS_DATASETS:
        return None
    return labelled.error_rate(classify, *labelled.test_split(dataset))


def write_json_lines(path, record):
    """Appends one JSON object as a line (the in-training evaluation log)."""
    with open(path, "a") as f:
        f.write(json.dumps(record, sort_keys=True) + "\n")


def truncate_json_lines(path, after_step):
    """Drops the records of steps later than `after_step` (evaluations of a run that died
    before its next checkpoint and will be redone by the resumed run)."""
    if not os.path.exists(path):
        return
    with open(path) as f:
        records = [line for line in f if line.strip()]
    kept = [line for line in records if json.loads(line).get("step", 0) <= after_step]
    if len(kept) != len(records):
        files.write_text_atomically(path, "".join(kept))
