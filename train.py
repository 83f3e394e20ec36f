"""Trains a GAN variant.

    python train.py                                   # Sphere GAN (stable) on Fashion-MNIST
    python train.py --config=configs/wgan_gp.py:ring8 --workdir=runs/wgan_gp_ring8 \
                    --config.train.steps=2000 --config.data.batch_size=128

Running the same command again resumes from the newest checkpoint in --workdir.
"""
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from absl import app, flags, logging  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from tfgan_variants import cli, distribution  # noqa: E402

_CONFIG = cli.define_config_file(
    os.path.join(HERE, "configs", "sphere_gan_stable.py") + ":fashion_mnist",
    "Config file and dataset, e.g. configs/sngan.py:cifar10; override fields with "
    "--config.train.steps=100.")
_WORKDIR = flags.DEFINE_string("workdir", "runs/default", "Directory for checkpoints, "
                               "TensorBoard logs, samples and the exported generator.")
_STRATEGY = flags.DEFINE_enum("strategy", "default", distribution.STRATEGIES,
                              "tf.distribute strategy: default (one device), mirrored (all "
                              "local GPUs or --num_cpu_devices), multi_worker (TF_CONFIG), tpu.")
_NUM_CPU_DEVICES = flags.DEFINE_integer(
    "num_cpu_devices", 0, "Split the CPU into this many logical devices (for testing "
    "--strategy=mirrored without GPUs); 0 leaves devices as they are.")


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"unexpected arguments: {' '.join(argv[1:])}")
    logging.set_verbosity(logging.WARNING)
    cli.configure_devices(_NUM_CPU_DEVICES.value)
    from tfgan_variants import training
    with cli.user_errors():
        config = cli.load_config(_CONFIG)
        strategy = distribution.make_strategy(_STRATEGY.value)
        run = training.train(config, _WORKDIR.value, strategy)
        if run.chief:
            print(f"done: step {run.step}; exported generator to {run.workdir.saved_model}")


if __name__ == "__main__":
    app.run(main, flags_parser=cli.parse_flags)
