"""Run tests/test_attention.py under the other Keras backends, in subprocesses.

The backend is fixed when keras is first imported, so each backend needs its
own interpreter. The subprocesses start when this module is collected, so
they overlap with the in-process TensorFlow tests (most of their time is
single-threaded compilation), and each parametrised test waits for its own.
A backend that is not installed is skipped: the default TensorFlow-only run
stays green and short.
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
OTHER_BACKENDS = ("jax", "torch")
CURRENT = os.environ.get("KERAS_BACKEND", "tensorflow")


def _installed(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


def _start(name: str) -> subprocess.Popen[str]:
    env = dict(os.environ, KERAS_BACKEND=name)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(REPO / "r-package" / "inst" / "python"), env.get("PYTHONPATH", "")) if p
    )
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    proc = subprocess.Popen(
        [*cmd, str(REPO / "tests" / "test_attention.py")],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    # Deselected tests never collect the output; do not leave runs behind.
    atexit.register(lambda: proc.poll() is None and proc.kill())
    return proc


_RUNS = {name: _start(name) for name in OTHER_BACKENDS if name != CURRENT and _installed(name)}


@pytest.mark.parametrize("name", OTHER_BACKENDS)
def test_differential_suite_on_backend(name: str) -> None:
    if name == CURRENT:
        pytest.skip(f"{name} is the backend of this run")
    if name not in _RUNS:
        pytest.skip(f"{name} is not installed")
    proc = _RUNS[name]
    out, _ = proc.communicate(timeout=600)
    assert proc.returncode == 0, f"KERAS_BACKEND={name}:\n{out[-6000:]}"
