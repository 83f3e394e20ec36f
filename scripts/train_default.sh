#!/usr/bin/env bash
# Sets up .venv and runs the default training: Sphere GAN (configs/sphere_gan_stable.py) on
# Fashion-MNIST.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python train.py "$@"
