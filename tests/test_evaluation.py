"""Evaluation: feature networks, sanity of the metrics on real data, eval.py, and the
evaluation that runs during training."""
import json
import os
import subprocess
import sys

import keras
import numpy as np
import pytest
import tensorflow as tf

from helpers import ROOT, load_config, tiny
from tfgan_variants import evaluation, features, metrics, summaries, training
from tfgan_variants.errors import UserError

ENV = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")


@pytest.fixture(scope="module")
def classifier():
    """The Fashion-MNIST domain classifier (trained once per machine, then cached)."""
    return features.make("domain_classifier", "fashion_mnist", verbose=0)


@pytest.fixture(scope="module")
def fashion_features(classifier):
    train = evaluation.real_samples("fashion_mnist", 10000, split="train")
    test = evaluation.real_samples("fashion_mnist", 10000, split="test")
    noise = np.random.default_rng(0).uniform(-1, 1, size=test.shape).astype(np.float32)
    return {name: classifier(x) for name, x in
            (("train", train), ("test", test), ("noise", noise))}


def eval_cli(*args):
    return subprocess.run([sys.executable, os.path.join(ROOT, "eval.py"), *args],
                          capture_output=True, text=True, env=ENV, timeout=600)


def assert_one_line_error(result, fragment):
    assert result.returncode != 0 and "Traceback" not in result.stderr, result.stderr[-2000:]
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("error: ") and fragment in last, last


# ------------------------------------------------------------------ feature networks
def test_the_shipped_classifier_is_used_as_is_and_reaches_90_percent(classifier, monkeypatch):
    monkeypatch.setattr(features, "train_domain_classifier",
                        lambda *a, **k: pytest.fail("the shipped classifier was retrained"))
    monkeypatch.setenv("TFGAN_VARIANTS_CACHE", "/nonexistent")  # no cache is looked at
    again = features.make("auto", "fashion_mnist", verbose=0)
    assert again.name == classifier.name == (
        f"domain_classifier:fashion_mnist:v{features._CLASSIFIER_VERSION}"
        f"@{classifier.test_accuracy:.3f}")
    images, labels = features._labelled_split("fashion_mnist", "test")
    predicted = again(images).logits.argmax(axis=1)
    accuracy = np.mean(predicted == labels)
    assert accuracy >= 0.90 and abs(accuracy - classifier.test_accuracy) < 1e-3


def test_without_a_shipped_classifier_one_is_trained_once_and_cached(monkeypatch, tmp_path):
    shipped, _ = features._load_classifier(os.path.join(
        features.SHIPPED_CLASSIFIERS, f"fashion_mnist-v{features._CLASSIFIER_VERSION}"))
    trainings = []

    def train(dataset, **kwargs):
        trainings.append(dataset)
        return shipped, 0.5

    monkeypatch.setattr(features, "SHIPPED_CLASSIFIERS", str(tmp_path / "none"))
    monkeypatch.setenv("TFGAN_VARIANTS_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(features, "train_domain_classifier", train)
    first = features.make("domain_classifier", "fashion_mnist", verbose=0)
    again = features.make("domain_classifier", "fashion_mnist", verbose=0)
    assert trainings == ["fashion_mnist"] and again.name.endswith("@0.500")
    assert os.path.exists(tmp_path / "cache" / "classifiers" /
                          f"fashion_mnist-v{features._CLASSIFIER_VERSION}.weights.h5")
    images = evaluation.real_samples("fashion_mnist", 50, split="test")
    a, b = first(images), again(images)
    assert a.pool.shape == (50, 32) and a.logits.shape == (50, 10)
    np.testing.assert_allclose(a.pool, b.pool, rtol=1e-5, atol=1e-5)


@pytest.mark.slow
@pytest.mark.long   # trains the classifier: left out of CI to fit its time, run by hand
def test_the_classifier_recipe_reaches_90_percent():
    """The recipe the shipped classifier came from (and MNIST's is trained with)."""
    _, accuracy = features.train_domain_classifier("fashion_mnist")
    assert accuracy >= 0.90


def test_structureless_images_keep_pixel_values_but_lose_spatial_structure():
    real = evaluation.real_samples("fashion_mnist", 200, split="train")
    fake = features.structureless_images(real, 400, np.random.default_rng(0))
    assert fake.shape == (400, 28, 28, 1) and fake.dtype == np.float32
    assert fake.min() >= -1 and fake.max() <= 1

    def neighbour_correlation(images):
        centred = images - images.mean(axis=(1, 2, 3), keepdims=True)
        return np.corrcoef(centred[:, :, :-1].ravel(), centred[:, :, 1:].ravel())[0, 1]

    assert neighbour_correlation(real) > 0.8 and abs(neighbour_correlation(fake)) < 0.02
    real_histograms = {np.sort(image.ravel()).tobytes() for image in real}
    shuffled = sum(np.sort(image.ravel()).tobytes() in real_histograms for image in fake)
    assert 150 <= shuffled <= 250  # the rest are Gaussian pixels of random mean and std


def test_identity_features_for_2d_data_and_no_image_network_for_them():
    points = np.random.default_rng(0).normal(size=(10, 2))
    result = features.make("auto", "ring8")(points)
    np.testing.assert_array_equal(result.pool, points)
    assert result.logits is None
    with pytest.raises(UserError, match="2-D"):
        features.make("domain_classifier", "grid25")
    with pytest.raises(UserError, match="unknown feature extractor"):
        features.make("vgg", "fashion_mnist")


def test_inception_v3_from_a_local_weights_file(tmp_path):
    """Pool features are the 2048-d average pool, logits the pre-softmax top layer: their
    softmax equals the Keras model's own predictions."""
    keras.utils.set_random_seed(0)
    reference = keras.applications.InceptionV3(weights=None)
    path = str(tmp_path / "inception.weights.h5")
    reference.save_weights(path)
    extractor = features.inception_v3(path)
    assert extractor.name == "inception_v3:inception.weights.h5"
    images = np.random.default_rng(0).uniform(-1, 1, size=(3, 28, 28, 1)).astype(np.float32)
    result = extractor(images)
    assert result.pool.shape == (3, 2048) and result.logits.shape == (3, 1000)
    resized = tf.image.resize(np.repeat(images, 3, axis=-1), (299, 299), method="bilinear")
    expected = reference.predict(resized, verbose=0)
    np.testing.assert_allclose(tf.nn.softmax(result.logits).numpy(), expected, atol=1e-5)
    with pytest.raises(UserError, match="does not exist"):
        features.inception_v3(str(tmp_path / "missing.h5"))
    with pytest.raises(UserError, match="grey or RGB"):
        extractor(np.zeros((2, 8, 8, 2), np.float32))


# ------------------------------------------------------------------ sanity on real data
def test_real_train_and_test_are_close_and_noise_is_far(fashion_features):
    f = fashion_features
    real_vs_real = metrics.frechet_distance(f["train"].pool, f["test"].pool)
    real_vs_noise = metrics.frechet_distance(f["train"].pool, f["noise"].pool)
    print("FD train-test", real_vs_real, "train-noise", real_vs_noise)
    assert real_vs_real < 0.02 * real_vs_noise
    kid_rr, _ = metrics.kernel_distance(f["train"].pool, f["test"].pool)
    kid_rn, _ = metrics.kernel_distance(f["train"].pool, f["noise"].pool)
    assert abs(kid_rr) < 0.01 * kid_rn


def test_inception_score_of_real_test_data_is_near_the_class_count(fashion_features):
    score = metrics.inception_score(fashion_features["test"].logits)
    noise = metrics.inception_score(fashion_features["noise"].logits)
    print("IS test", score, "noise", noise)
    assert 7.5 <= score <= 10.0 and noise < 3.0


def test_precision_recall_real_vs_real_high_and_real_vs_noise_low(fashion_features):
    f = fashion_features
    precision, recall = metrics.precision_recall(f["train"].pool, f["test"].pool)
    print("P/R real-real", precision, recall)
    assert precision >= 0.9 and recall >= 0.9
    noise_precision, noise_recall = metrics.precision_recall(f["train"].pool, f["noise"].pool)
    print("P/R real-noise", noise_precision, noise_recall)
    assert noise_precision <= 0.1 and noise_recall <= 0.1


# ------------------------------------------------------------------ the evaluator
def test_evaluator_scores_exact_mixture_samples_as_perfect():
    evaluator = evaluation.Evaluator("grid25", 2500, verbose=0)
    real = evaluation.real_samples("grid25", 2500, split="train")
    result = evaluator.score(real + 0)   # the reference set itself (same seed)
    assert result["modes_covered"] == 25 and result["high_quality_fraction"] >= 0.95
    assert result["fid"] < 1e-9 and result["precision"] == result["recall"] == 1.0
    collapsed = evaluator.score(np.random.default_rng(0).normal(0, 0.05, size=(2500, 2)))
    assert collapsed["modes_covered"] == 1 and collapsed["fid"] > 10


def test_reference_features_are_computed_once_then_read_from_the_cache(monkeypatch):
    first = evaluation.Evaluator("ring8", 300, ["fid"], verbose=0)
    _, path = first._cache_path()
    if os.path.exists(path):
        os.remove(path)
    points = evaluation.real_samples("ring8", 300)
    expected = first.score(points)
    assert os.path.exists(path)
    monkeypatch.setattr(evaluation, "real_samples",
                        lambda *a, **k: pytest.fail("reference data was loaded again"))
    assert evaluation.Evaluator("ring8", 300, ["fid"], verbose=0).score(points)["fid"] == \
        expected["fid"]


@pytest.mark.parametrize("names,message", [("fid,bogus", "unknown metric"),
                                           ("mode_coverage", "unknown metric")])
def test_unknown_or_inapplicable_metrics_are_user_errors(names, message):
    with pytest.raises(UserError, match=message):
        evaluation.parse_metrics(names, is_2d=False)


def test_samples_of_the_wrong_shape_or_non_finite_are_user_errors():
    evaluator = evaluation.Evaluator("ring8", 10, verbose=0)
    with pytest.raises(UserError, match="shape"):
        evaluator.score(np.zeros((10, 3)))
    with pytest.raises(UserError, match="NaN"):
        evaluator.score(np.full((10, 2), np.nan))


@pytest.mark.parametrize("make", ["missing", "empty", "unfinished"])
def test_workdirs_without_a_generator_are_user_errors(tmp_path, make):
    workdir = tmp_path / "run"
    if make != "missing":
        workdir.mkdir()
    if make == "unfinished":
        training.train(tiny("ns_gan", "ring8", 4), workdir, verbose=0, until=2)
    with pytest.raises(UserError, match="does not exist|no training run|no exported"):
        evaluation.evaluate_workdir(str(workdir))


# ------------------------------------------------------------------ eval.py
def test_eval_cli_scores_an_image_run_with_the_keys_design_lists(tmp_path, classifier):
    training.train(tiny("ns_gan", "fashion_mnist", 2), tmp_path / "run", verbose=0)
    result = eval_cli(f"--workdir={tmp_path / 'run'}", "--num_samples=300")
    assert result.returncode == 0, result.stderr[-2000:]
    scores = json.loads(result.stdout.strip().splitlines()[-1])
    for key in ("fid", "inception_score", "kid", "kid_std", "precision", "recall",
                "num_samples", "feature_extractor"):
        assert key in scores, key
    assert scores["num_samples"] == 300 and scores["feature_extractor"] == classifier.name
    assert scores["fid"] > 0 and 1 <= scores["inception_score"] <= 10
    assert json.loads((tmp_path / "run" / "eval.json").read_text()) == scores
    assert (tmp_path / "run" / "eval_samples.png").stat().st_size > 0

    wrong_shape = eval_cli(f"--saved_model={tmp_path / 'run' / 'saved_model'}",
                           "--dataset=ring8", "--num_samples=10")
    assert_one_line_error(wrong_shape, "shape")
    bad_metric = eval_cli(f"--workdir={tmp_path / 'run'}", "--metrics=fid,fcd")
    assert_one_line_error(bad_metric, "unknown metric")


def test_eval_cli_needs_exactly_one_source(tmp_path):
    assert_one_line_error(eval_cli(), "exactly one of --workdir and --saved_model")
    assert_one_line_error(eval_cli(f"--saved_model={tmp_path}"), "--dataset")


# ------------------------------------------------------------------ during training
def test_training_evaluates_logs_and_keeps_the_best_generator(tmp_path):
    config = tiny("ns_gan", "ring8", 6)
    config.eval.update({"every": 2, "num_samples": 200})
    run = training.train(config, tmp_path, verbose=0)
    records = [json.loads(line) for line in (tmp_path / "eval.jsonl").read_text().splitlines()]
    assert [r["step"] for r in records] == [2, 4, 6]
    best = min(records, key=lambda r: r["fid"])
    assert json.loads((tmp_path / "best_checkpoint" / "best.json").read_text()) == {
        "step": best["step"], "fid": best["fid"]}
    assert tf.train.latest_checkpoint(tmp_path / "best_checkpoint").endswith(f"-{best['step']}")
    tags = set()
    for event_file in tf.io.gfile.glob(str(tmp_path / "tensorboard" / "events.*")):
        for event in tf.compat.v1.train.summary_iterator(event_file):
            tags.update(v.tag for v in event.summary.value)
    assert {"eval/fid", "eval/modes_covered", "eval/precision"} <= tags

    # A run that died after evaluating step 8 but before checkpointing it redoes step 8.
    with open(tmp_path / "eval.jsonl", "a") as f:
        f.write(json.dumps({"step": 8, "fid": 0.0}) + "\n")
    assert training.Run(config, tmp_path).best == {"step": best["step"], "fid": best["fid"]}
    steps = [json.loads(l)["step"] for l in (tmp_path / "eval.jsonl").read_text().splitlines()]
    assert steps == [2, 4, 6]
    assert run.step == 6


def test_best_checkpoint_restores_the_best_generator(tmp_path):
    config = tiny("ns_gan", "ring8", 4)
    config.eval.update({"every": 2, "num_samples": 200})
    run = training.train(config, tmp_path, verbose=0)
    best = json.loads((tmp_path / "best_checkpoint" / "best.json").read_text())
    restored = training.Run(config, tmp_path / "other")
    restored.checkpoint.restore(tf.train.latest_checkpoint(tmp_path / "best_checkpoint"))
    assert restored.step == best["step"]
    z = summaries.fixed_latent(config, 200)
    again = evaluation.Evaluator("ring8", 200, ["fid"], verbose=0).score(
        restored.model.generator(z).numpy())
    assert np.isfinite(again["fid"]) and run.best == best


def test_bad_eval_settings_are_user_errors(tmp_path):
    for overrides, message in [({"eval__every": -1}, "eval.every"),
                               ({"eval__metrics": "fid,is"}, "unknown metric"),
                               ({"eval__feature_extractor": "vgg"}, "feature_extractor")]:
        with pytest.raises(UserError, match=message):
            training.Run(load_config("ns_gan", "ring8", **overrides), tmp_path)


def test_evaluations_past_float32_range_do_not_stop_training(tmp_path):
    # A generator far off grid25 gave a KID of 8e44, which a float32 TensorBoard scalar cannot
    # hold: the summary skips it (eval.jsonl keeps it) instead of raising.
    run = training.Run(tiny("ns_gan", "ring8", 1), tmp_path)
    run.summaries.evaluation(3, {"fid": 2.5, "kid": 8.4e44, "modes_covered": 0, "seconds": 1.0})
    run.summaries.writer.flush()
    tags = {value.tag for path in tf.io.gfile.glob(str(tmp_path / "tensorboard" / "*"))
            for event in tf.compat.v1.train.summary_iterator(path)
            for value in event.summary.value}
    assert {"eval/fid", "eval/modes_covered"} <= tags and "eval/kid" not in tags
