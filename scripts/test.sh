#!/usr/bin/env bash
# Sets up .venv and runs the fast test suite, two tests at a time (pytest-xdist); add
# `-m slow` for the training runs, `-n 0` for one at a time.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m pytest -n 2 "$@"
