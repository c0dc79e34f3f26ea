"""Benchmark rkeras_backend.Attention against keras.layers.Attention.

    python bench/attention.py            # the cases of the issue (~3-5 min)
    python bench/attention.py --quick    # small shapes, smoke run (< 60 s)

Method (see bench/README.md for the reasoning):

* Time: one long-lived worker process per implementation, both started with
  the same environment. Each case is built and warmed up (compilation
  included) in both workers; then the parent asks them for one sample at a
  time, alternating which goes first. A sample is the wall time of `n` calls
  divided by `n` (n chosen so a sample lasts >= ~20 ms). The time ratio is the
  median over samples of ours/reference from the same round, so slow phases
  of a noisy machine hit both sides of a pair.
* Memory: two more fresh worker processes (one per implementation) run with
  glibc told to mmap every allocation >= 64 KiB and to return freed memory at
  once (MALLOC_MMAP_THRESHOLD_/MALLOC_TRIM_THRESHOLD_), so resident memory
  follows live tensors instead of allocator caches, and TensorFlow's oneDNN
  allocator is told to use malloc instead of its never-shrinking BFC pool
  (TF_ONEDNN_USE_SYSTEM_ALLOCATOR=1). After warm-up the worker
  resets the kernel's peak-RSS counter (write 5 to /proc/self/clear_refs),
  reads VmRSS, makes one call and reads VmHWM: growth = VmHWM - VmRSS before.
  That sees every allocation, TensorFlow's and XLA's included, which
  tracemalloc would not. Median of 3 calls.
* Throughput: dot mode's matmul FLOPs (2 matmuls forward, 6 for forward plus
  backward, each 2*B*Tq*Tv*D) over the median time, next to the GFLOP/s of a
  plain batched matmul of the same shape measured in the same worker.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
PREFIX = "@@bench "
SETTLE_S = float(os.environ.get("BENCH_SETTLE_S", "0"))


@dataclass(frozen=True)
class Case:
    mode: str  # "dot" or "concat"
    batch: int
    tq: int
    tv: int
    dim: int
    backward: bool
    time_target: float
    mem_target: float

    @property
    def label(self) -> str:
        t = f"T={self.tq}" if self.tq == self.tv else f"Tq={self.tq}, Tv={self.tv}"
        what = "forward+backward" if self.backward else "forward"
        return f"{self.mode}, B={self.batch}, {t}, dim={self.dim}, {what}"

    def matmul_flops(self) -> float:
        one = 2.0 * self.batch * self.tq * self.tv * self.dim
        return one * (6 if self.backward else 2)


FULL_CASES = [
    Case("concat", 2, 1024, 1024, 256, False, 0.2, 0.1),
    Case("concat", 2, 512, 512, 256, True, 0.5, 0.25),
    Case("dot", 4, 512, 512, 128, False, 1.0, 1.0),
    Case("dot", 4, 1024, 1024, 128, False, 1.0, 1.0),
    Case("dot", 4, 512, 512, 128, True, 1.0, 1.0),
    Case("dot", 4, 1024, 1024, 128, True, 1.0, 1.0),
]
QUICK_CASES = [
    Case("concat", 2, 256, 256, 128, False, 0.2, 0.1),
    Case("concat", 2, 128, 128, 128, True, 0.5, 0.25),
    Case("dot", 4, 256, 256, 64, False, 1.0, 1.0),
    Case("dot", 4, 256, 256, 64, True, 1.0, 1.0),
]


# --------------------------------------------------------------------------
# Worker side: imports keras, runs one implementation.
# --------------------------------------------------------------------------


def _status_kib(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


class Worker:
    def __init__(self, impl: str) -> None:
        import keras

        self.keras = keras
        self.backend = keras.backend.backend()
        if impl == "ref":
            self.layer_cls = keras.layers.Attention
        else:
            import rkeras_backend

            self.layer_cls = rkeras_backend.Attention
        self.call: Any = None
        self._mm: dict[tuple[int, ...], Any] = {}

    def setup(self, case: dict[str, Any]) -> dict[str, Any]:
        import numpy as np

        c = Case(**case)
        keras = self.keras
        rng = np.random.default_rng(0)
        q = keras.ops.convert_to_tensor(
            rng.standard_normal((c.batch, c.tq, c.dim)).astype("float32")
        )
        v = keras.ops.convert_to_tensor(
            rng.standard_normal((c.batch, c.tv, c.dim)).astype("float32")
        )
        cot = keras.ops.convert_to_tensor(
            rng.standard_normal((c.batch, c.tq, c.dim)).astype("float32")
        )
        layer = self.layer_cls(score_mode=c.mode)
        layer([q, v])
        self.call = self._make_call(layer, q, v, cot, c.backward)
        t0 = time.perf_counter()
        self.call()
        first = time.perf_counter() - t0
        t0 = time.perf_counter()
        self.call()
        second = time.perf_counter() - t0
        return {"first_s": first, "warm_s": second}

    def _make_call(self, layer: Any, q: Any, v: Any, cot: Any, backward: bool) -> Any:
        name = self.backend
        if not backward:
            if name == "jax":
                return lambda: layer([q, v]).block_until_ready()
            return lambda: layer([q, v])
        if name == "tensorflow":
            import tensorflow as tf

            def step() -> Any:
                with tf.GradientTape() as tape:
                    tape.watch([q, v])
                    loss = tf.reduce_sum(layer([q, v]) * cot)
                return tape.gradient(loss, [q, v, *layer.trainable_variables])

            return step
        if name == "jax":
            import jax

            trainable = [w.value for w in layer.trainable_variables]
            non_trainable = [w.value for w in layer.non_trainable_variables]

            def loss(tv: Any, qq: Any, vv: Any) -> Any:
                out, _ = layer.stateless_call(tv, non_trainable, [qq, vv])
                return (out * cot).sum()

            grad = jax.grad(loss, argnums=(0, 1, 2))
            return lambda: jax.block_until_ready(grad(trainable, q, v))

        def torch_step() -> Any:
            qq = q.detach().requires_grad_(True)
            vv = v.detach().requires_grad_(True)
            (layer([qq, vv]) * cot).sum().backward()
            return qq.grad

        return torch_step

    def time(self, n: int) -> float:
        if SETTLE_S:
            # Optional idle gap before a sample (see bench/README.md: on
            # this VM every call after an idle gap is slower, for both).
            time.sleep(SETTLE_S)
        t0 = time.perf_counter()
        for _ in range(n):
            self.call()
        return (time.perf_counter() - t0) / n

    def memory(self, repeats: int) -> list[int]:
        import gc

        growths = []
        for _ in range(repeats):
            gc.collect()
            with open("/proc/self/clear_refs", "w") as f:
                f.write("5")
            base = _status_kib("VmRSS")
            result = self.call()
            peak = _status_kib("VmHWM")
            del result
            growths.append((peak - base) * 1024)
        return growths

    def matmul_gflops(self, shape: list[int], repeats: int) -> float:
        """GFLOP/s of one plain batched matmul (b, m, k) @ (b, k, n)."""
        import numpy as np

        b, m, k, n = shape
        ops = self.keras.ops
        key = tuple(shape)
        if key not in self._mm:
            rng = np.random.default_rng(1)
            x = ops.convert_to_tensor(rng.standard_normal((b, m, k)).astype("float32"))
            y = ops.convert_to_tensor(rng.standard_normal((b, k, n)).astype("float32"))
            self._mm[key] = (x, y)
            ops.matmul(x, y)
        x, y = self._mm[key]
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            out = ops.matmul(x, y)
            if self.backend == "jax":
                out.block_until_ready()
            times.append(time.perf_counter() - t0)
        return 2.0 * b * m * k * n / statistics.median(times) / 1e9


def worker_main(impl: str) -> None:
    w = Worker(impl)
    _reply({"ready": True, "backend": w.backend})
    for line in sys.stdin:
        req = json.loads(line)
        op = req["op"]
        if op == "setup":
            _reply(w.setup(req["case"]))
        elif op == "time":
            _reply({"t": w.time(req["n"])})
        elif op == "memory":
            _reply({"growth": w.memory(req["repeats"])})
        elif op == "matmul":
            _reply({"gflops": w.matmul_gflops(req["shape"], req["repeats"])})
        elif op == "quit":
            _reply({"bye": True})
            return


def _reply(obj: dict[str, Any]) -> None:
    sys.stdout.write(PREFIX + json.dumps(obj) + "\n")
    sys.stdout.flush()


# --------------------------------------------------------------------------
# Parent side: no keras import, only orchestration and arithmetic.
# --------------------------------------------------------------------------


class Proc:
    def __init__(self, impl: str, memory_mode: bool, backend: str) -> None:
        env = dict(os.environ)
        env["KERAS_BACKEND"] = backend
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(REPO / "r-package" / "inst" / "python"), env.get("PYTHONPATH", "")) if p
        )
        if memory_mode:
            # Make RSS track live memory: no allocator caching of big blocks.
            env["MALLOC_MMAP_THRESHOLD_"] = "65536"
            env["MALLOC_TRIM_THRESHOLD_"] = "0"
            # TF's oneDNN CPU allocator keeps large blocks in a BFC pool that
            # never shrinks; route them through malloc as well.
            env["TF_ONEDNN_USE_SYSTEM_ALLOCATOR"] = "1"
        self.impl = impl
        self.p = subprocess.Popen(
            [sys.executable, __file__, "--worker", impl],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
        )

    def read(self) -> dict[str, Any]:
        assert self.p.stdout is not None
        for line in self.p.stdout:
            if line.startswith(PREFIX):
                return json.loads(line[len(PREFIX) :])
        raise RuntimeError(f"{self.impl} worker died (exit {self.p.wait()})")

    def ask(self, **req: Any) -> dict[str, Any]:
        assert self.p.stdin is not None
        self.p.stdin.write(json.dumps(req) + "\n")
        self.p.stdin.flush()
        return self.read()

    def close(self) -> None:
        try:
            self.ask(op="quit")
        except (BrokenPipeError, RuntimeError):
            pass
        self.p.wait(timeout=30)


SQUARE = [1, 2048, 2048, 2048]


def _rounds(case: Case, rounds: int | None, quick: bool) -> int:
    if rounds:
        return rounds
    if quick:
        return 5
    # The reference's concat calls take ~0.3-1 s each; dot calls ~5-50 ms,
    # where more rounds are cheap and the margin is thinner.
    return 9 if case.mode == "concat" else 31


def run_timing(
    cases: list[Case], rounds: int | None, backend: str, quick: bool
) -> tuple[list[dict[str, Any]], float]:
    """Per-case timings, and the GFLOP/s of a large square matmul."""
    ref, ours = Proc("ref", False, backend), Proc("ours", False, backend)
    ref.read()
    ours.read()
    square = [ours.ask(op="matmul", shape=SQUARE, repeats=5)["gflops"]]
    results = []
    for case in cases:
        spec = asdict(case)
        warm = [p.ask(op="setup", case=spec)["warm_s"] for p in (ref, ours)]
        # Samples of >= 20 ms; the same n on both sides.
        n = max(1, math.ceil(0.02 / max(min(warm), 1e-6)))
        t_ref: list[float] = []
        t_ours: list[float] = []
        qk_shape = [case.batch, case.tq, case.dim, case.tv]
        plain: list[float] = []
        for r in range(_rounds(case, rounds, quick)):
            order = (ref, ours) if r % 2 == 0 else (ours, ref)
            for p in order:
                t = p.ask(op="time", n=n)["t"]
                (t_ref if p is ref else t_ours).append(t)
            if case.mode == "dot":
                # Interleaved with the rounds, so it sees the same noise.
                plain.append(ours.ask(op="matmul", shape=qk_shape, repeats=3)["gflops"])
        ratios = [o / r for o, r in zip(t_ours, t_ref, strict=True)]
        results.append(
            {
                "case": case,
                "n": n,
                "ref_ms": 1e3 * statistics.median(t_ref),
                "ours_ms": 1e3 * statistics.median(t_ours),
                "time_ratio": statistics.median(ratios),
                "plain_matmul_gflops": statistics.median(plain) if plain else None,
            }
        )
        print(
            f"  timed {case.label}: ref {results[-1]['ref_ms']:.1f} ms, "
            f"ours {results[-1]['ours_ms']:.1f} ms, ratio {results[-1]['time_ratio']:.3f}",
            file=sys.stderr,
            flush=True,
        )
    square.append(ours.ask(op="matmul", shape=SQUARE, repeats=5)["gflops"])
    ref.close()
    ours.close()
    return results, max(square)


def run_memory(cases: list[Case], backend: str, repeats: int) -> list[tuple[float, float]]:
    out = []
    procs = {impl: Proc(impl, True, backend) for impl in ("ref", "ours")}
    for p in procs.values():
        p.read()
    for case in cases:
        growth = {}
        for impl, p in procs.items():
            p.ask(op="setup", case=asdict(case))
            growth[impl] = statistics.median(p.ask(op="memory", repeats=repeats)["growth"])
        out.append((growth["ref"], growth["ours"]))
        print(
            f"  memory {case.label}: ref {growth['ref'] / 2**20:.1f} MiB, "
            f"ours {growth['ours'] / 2**20:.1f} MiB",
            file=sys.stderr,
            flush=True,
        )
    for p in procs.values():
        p.close()
    return out


def _mib(x: float) -> str:
    return f"{x / 2**20:.1f}"


def report(
    timing: list[dict[str, Any]], memory: list[tuple[float, float]], square_gflops: float
) -> str:
    lines = [
        "| case | ref ms | ours ms | time ratio | target | ref MiB | ours MiB "
        "| memory-growth ratio | target | met |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|:---:|",
    ]
    for t, (m_ref, m_ours) in zip(timing, memory, strict=True):
        c: Case = t["case"]
        m_ratio = m_ours / m_ref if m_ref > 0 else float("nan")
        ok = t["time_ratio"] <= c.time_target and m_ratio <= c.mem_target
        lines.append(
            f"| {c.label} | {t['ref_ms']:.1f} | {t['ours_ms']:.1f} | "
            f"{t['time_ratio']:.3f} | <= {c.time_target} | {_mib(m_ref)} | "
            f"{_mib(m_ours)} | {m_ratio:.3f} | <= {c.mem_target} | "
            f"{'yes' if ok else 'NO'} |"
        )
    concat = [t for t in timing if t["case"].mode == "concat"]
    if concat:
        lines += [
            "",
            "| concat case | tanh terms (B*Tq*Tv*D) | ref Gterm/s | ours Gterm/s |",
            "|---|---:|---:|---:|",
        ]
        for t in concat:
            c = t["case"]
            # Forward evaluates each term once; the backward recomputes it
            # twice (one pass per reduction axis) on our side.
            terms = float(c.batch * c.tq * c.tv * c.dim)
            lines.append(
                f"| {c.label} | {terms / 1e6:.0f} M | "
                f"{terms / (t['ref_ms'] / 1e3) / 1e9:.2f} | "
                f"{terms / (t['ours_ms'] / 1e3) / 1e9:.2f} |"
            )
    dots = [t for t in timing if t["case"].mode == "dot"]
    if dots:
        lines += [
            "",
            f"Plain square matmul (2048^3, float32): {square_gflops:.0f} GFLOP/s.",
            "",
            "| dot case | matmul GFLOP | ref GFLOP/s | ours GFLOP/s "
            "| plain Q@K^T-shaped matmul GFLOP/s | ours / plain | ours / square |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for t in dots:
            c = t["case"]
            flops = c.matmul_flops()
            ours = flops / (t["ours_ms"] / 1e3) / 1e9
            ref = flops / (t["ref_ms"] / 1e3) / 1e9
            plain = t["plain_matmul_gflops"]
            lines.append(
                f"| {c.label} | {flops / 1e9:.2f} | {ref:.0f} | {ours:.0f} | "
                f"{plain:.0f} | {ours / plain:.2f} | {ours / square_gflops:.2f} |"
            )
    return "\n".join(lines)


def _machine() -> str:
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} logical CPUs"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="small shapes, few rounds")
    ap.add_argument("--rounds", type=int, help="alternating timing rounds per case")
    ap.add_argument("--backend", default=os.environ.get("KERAS_BACKEND", "tensorflow"))
    ap.add_argument("--only", help="substring: run the cases whose label contains it")
    ap.add_argument("--worker", choices=["ref", "ours"], help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker_main(args.worker)
        return
    cases = QUICK_CASES if args.quick else FULL_CASES
    if args.only:
        cases = [c for c in cases if args.only in c.label]
    rounds = args.rounds
    desc = f"{rounds}" if rounds else ("5" if args.quick else "9 (concat) / 31 (dot)")
    t0 = time.perf_counter()
    print(f"backend={args.backend}, {desc} alternating rounds per case", file=sys.stderr)
    timing, square = run_timing(cases, rounds, args.backend, args.quick)
    memory = run_memory(cases, args.backend, repeats=1 if args.quick else 3)
    print(report(timing, memory, square))
    print(
        f"\n({_machine()}; backend {args.backend}; {desc} alternating rounds; "
        f"total {time.perf_counter() - t0:.0f} s)"
    )
    if args.quick:
        print(
            "(--quick uses smaller shapes than the issue's cases; the targets are for the full run)"
        )


if __name__ == "__main__":
    main()
