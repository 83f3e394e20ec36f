"""Evaluates a training run's exported generator; prints one JSON object on its last line.

    python eval.py --workdir=runs/wgan_gp_ring8          # also writes <workdir>/eval.json
"""
import json
import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from absl import app, flags, logging  # noqa: E402

_WORKDIR = flags.DEFINE_string("workdir", None, "A training run's workdir.", required=True)
_NUM_SAMPLES = flags.DEFINE_integer("num_samples", 2500, "Generated samples to score.",
                                    lower_bound=2)
_SEED = flags.DEFINE_integer("seed", 0, "Seed of the latent samples.")


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"unexpected arguments: {' '.join(argv[1:])}")
    logging.set_verbosity(logging.WARNING)
    from tfgan_variants import cli, evaluation, files
    with cli.user_errors():
        result = evaluation.evaluate_workdir(_WORKDIR.value, _NUM_SAMPLES.value, _SEED.value)
        text = json.dumps(result, sort_keys=True)
        files.write_text_atomically(os.path.join(_WORKDIR.value, "eval.json"), text + "\n")
        print(text)


if __name__ == "__main__":
    app.run(main)
