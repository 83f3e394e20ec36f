"""Evaluates an exported generator; prints one JSON object on its last stdout line.

    python eval.py --workdir=runs/sphere                  # also writes <workdir>/eval.json
    python eval.py --saved_model=path/to/saved_model --dataset=fashion_mnist \
                   --metrics=fid,kid --num_samples=5000 --output=scores.json

Images get fid, kid, kid_std, inception_score, precision, recall (on the domain classifier
for mnist / fashion_mnist, on Keras' Inception-v3 otherwise; `feature_extractor` in the JSON
names the network); 2-D mixtures get modes_covered, num_modes, high_quality_fraction and the
point-space fid, kid, precision, recall. An export with a classifier (a semi-supervised run,
configs/semi_supervised.py) also gets test_error, its error on the dataset's test split; a
class-conditional export (serving_default on z and label) also gets intra_fid and, on the
domain classifier, class_accuracy (docs/CONDITIONAL.md). The export of a run that averages
G's weights samples the average; --raw evaluates G itself.
Reference-data features are cached, so a second evaluation against the same data only
computes the generator's side.
"""
import json
import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from absl import app, flags, logging  # noqa: E402

_WORKDIR = flags.DEFINE_string("workdir", None, "A training run's workdir.")
_SAVED_MODEL = flags.DEFINE_string("saved_model", None,
                                   "An exported generator, instead of --workdir.")
_DATASET = flags.DEFINE_string("dataset", None, "The data to compare with (with --saved_model).")
_IMAGE_SIZE = flags.DEFINE_integer("image_size", 0, "Image size (with --saved_model; 0: native).")
_DATA_DIR = flags.DEFINE_string("data_dir", "", "TFDS data folder (with --saved_model).")
_NUM_SAMPLES = flags.DEFINE_integer("num_samples", None,
                                    "Generated samples (default 10000 for images, 2500 for "
                                    "2-D data).", lower_bound=2)
_METRICS = flags.DEFINE_list("metrics", [], "Metrics to compute (default: all that apply): "
                             "fid, kid, inception_score, precision_recall, mode_coverage.")
_EXTRACTOR = flags.DEFINE_enum("feature_extractor", "auto",
                               ["auto", "identity", "domain_classifier", "inception_v3"],
                               "Feature network of the metrics.")
_INCEPTION_WEIGHTS = flags.DEFINE_string("inception_weights", None,
                                         "Local InceptionV3 weights file (.h5).")
_OUTPUT = flags.DEFINE_string("output", None, "Also write the JSON here (default with "
                              "--workdir: <workdir>/eval.json).")
_SEED = flags.DEFINE_integer("seed", 0, "Seed of the latent samples.")
_RAW = flags.DEFINE_bool("raw", False, "For a run that averages G (train.ema_decay > 0): "
                         "evaluate G itself (serving_default_raw), not its average; with "
                         "--workdir, writes eval_raw.json and eval_samples_raw.png.")


def _evaluate():
    from tfgan_variants import evaluation
    from tfgan_variants.errors import UserError
    common = {"num_samples": _NUM_SAMPLES.value, "metric_names": _METRICS.value,
              "extractor": _EXTRACTOR.value, "seed": _SEED.value,
              "inception_weights": _INCEPTION_WEIGHTS.value, "raw": _RAW.value}
    if bool(_WORKDIR.value) == bool(_SAVED_MODEL.value):
        raise UserError("give exactly one of --workdir and --saved_model")
    if _WORKDIR.value:
        return (evaluation.evaluate_workdir(_WORKDIR.value, **common),
                _OUTPUT.value or os.path.join(_WORKDIR.value,
                                              "eval_raw.json" if _RAW.value else "eval.json"))
    if not _DATASET.value:
        raise UserError("--saved_model needs --dataset (the data to compare with)")
    result = evaluation.evaluate_saved_model(
        _SAVED_MODEL.value, _DATASET.value, image_size=_IMAGE_SIZE.value or None,
        data_dir=_DATA_DIR.value or None, **common)
    return result, _OUTPUT.value


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"unexpected arguments: {' '.join(argv[1:])}")
    logging.set_verbosity(logging.WARNING)
    from tfgan_variants import cli, files
    with cli.user_errors():
        result, output = _evaluate()
        text = json.dumps(result, sort_keys=True)
        if output:
            files.write_text_atomically(output, text + "\n")
        print(text)


if __name__ == "__main__":
    app.run(main)
