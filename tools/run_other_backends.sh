#!/usr/bin/env bash
# Run the attention differential tests under the non-default Keras backends.
#
#   tools/run_other_backends.sh            # jax and torch
#   tools/run_other_backends.sh torch      # just one
#
# A backend whose Python package is not installed is reported and skipped, so
# the script passes on a TensorFlow-only environment. Exit status is non-zero
# if any installed backend fails.
set -uo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-.venv/bin/python}"
[ -x "$PY" ] || PY=python3
export PYTHONPATH="r-package/inst/python${PYTHONPATH:+:$PYTHONPATH}"

status=0
for backend in "${@:-jax torch}"; do
  for b in $backend; do
    if ! "$PY" -c "import importlib.util, sys; sys.exit(importlib.util.find_spec('$b') is None)"; then
      echo "== $b: not installed, skipped"
      continue
    fi
    echo "== KERAS_BACKEND=$b"
    if ! KERAS_BACKEND="$b" "$PY" -m pytest -q -p no:cacheprovider tests/test_attention.py; then
      status=1
    fi
  done
done
exit "$status"
