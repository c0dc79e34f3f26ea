"""Benchmark: wall time of `python -m codegen generate` over N synthetic specs,
and of `python -m codegen import --missing keras.layers`.

Runs the real CLI in a fresh process (interpreter start included, as a user
or CI sees it): generate for N = 125, 250, 500, best of 3, fitting
time = a + b*N; import --missing (Keras import included) best of 2.  Prints
result lines for bench/README.md.  Exits 1 when 500 specs take over 2 s,
growth is clearly worse than linear, or import --missing takes over 30 s.

    .venv/bin/python bench/codegen.py
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SIZES = (125, 250, 500)
REPEATS = 3
BUDGET_500_S = 2.0
IMPORT_REPEATS = 2
BUDGET_IMPORT_S = 30.0

ARGUMENTS = """\
  - name: units
    type: {integer: {min: 1}}
    doc: Dimensionality of the output space.
  - name: rate
    type: {number: {min: 0, max: 1, max_open: true}}
    default: 0.5
    doc: |
      Fraction of the input units to drop, between 0 and 1. A longer text
      over several lines, as real argument docs are.
  - name: padding
    type: {choice: [valid, same, causal]}
    default: valid
    doc: One of `"valid"`, `"same"` or `"causal"`.
  - name: use_bias
    type: flag
    default: true
    doc: Whether the layer uses a bias vector.
  - name: seed
    type: integer
    nullable: true
    default: null
    doc: A random seed.
  - name: kernel_size
    type: integers
    default: [3, 3]
    doc: Size of the convolution window.
  - name: input_shape
    type: shape
    nullable: true
    default: null
    doc: Shape of the input.
  - name: activation
    type: activation
    nullable: true
    default: null
    doc: Activation function to use.
"""


def synthetic_spec(index: int) -> str:
    name = f"layer_synthetic_{index:04d}"
    return f"""\
r_name: {name}
py_class: keras.layers.Synthetic{index}
family: core
title: Synthetic layer number {index}.
description: |
  A generated spec of realistic size for the benchmark. It has eight
  arguments of varied types and two call arguments.
arguments:
{ARGUMENTS}call_inputs:
  - name: inputs
    doc: Input tensor.
call_arguments:
  - name: training
    type: flag
    doc: Training mode.
  - name: mask
    type: tensor
    doc: A mask.
output: A tensor.
see_also:
  - https://keras.io/api/layers/
example: |
  x <- keras_input(shape = c(8))
  {name}(x, units = 4)
"""


def time_generate(count: int, root: Path) -> float:
    specs = root / f"specs_{count}"
    specs.mkdir()
    shutil.copy(REPO / "specs" / "families.yaml", specs)
    for index in range(count):
        (specs / f"layer_synthetic_{index:04d}.yaml").write_text(synthetic_spec(index))
    best = float("inf")
    for _ in range(REPEATS):
        out = root / f"out_{count}"
        shutil.rmtree(out, ignore_errors=True)  # every run writes every file
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "codegen", "generate", "--specs", str(specs), "--out", str(out)],
            cwd=REPO,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        best = min(best, time.perf_counter() - started)
    return best


def linear_fit(xs: list[float], ys: list[float]) -> tuple[float, float]:
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mean_x) ** 2 for x in xs
    )
    return mean_y - slope * mean_x, slope


def time_import_missing() -> float:
    best = float("inf")
    for _ in range(IMPORT_REPEATS):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "codegen", "import", "--missing", "keras.layers"],
            cwd=REPO,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        best = min(best, time.perf_counter() - started)
    return best


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        times = {count: time_generate(count, Path(scratch)) for count in SIZES}
    import_seconds = time_import_missing()
    intercept, per_spec = linear_fit(list(times), list(times.values()))
    for count, seconds in times.items():
        print(f"  {count:4d} specs: {seconds:6.3f} s wall  ({seconds / count * 1000:5.2f} ms/spec)")
    # Linear: doubling 250 -> 500 adds about the 250 specs' own cost, not more.
    growth = (times[500] - intercept) / (times[250] - intercept)
    print(
        f"codegen: 500 specs in {times[500]:.2f} s wall (budget {BUDGET_500_S:.0f} s); "
        f"{per_spec * 1000:.2f} ms per spec + {intercept * 1000:.0f} ms start-up "
        f"(linear fit over {'/'.join(map(str, SIZES))}; 500/250 growth x{growth:.2f})"
    )
    print(
        f"codegen: import --missing keras.layers in {import_seconds:.1f} s wall "
        f"(budget {BUDGET_IMPORT_S:.0f} s; Keras import included)"
    )
    within_budget = times[500] <= BUDGET_500_S and import_seconds <= BUDGET_IMPORT_S
    roughly_linear = growth < 2.5
    return 0 if within_budget and roughly_linear else 1


if __name__ == "__main__":
    sys.exit(main())
