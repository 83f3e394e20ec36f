#!/usr/bin/env bash
# Sets up .venv and runs the fast test suite (add `-m slow` for the training runs).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m pytest "$@"
