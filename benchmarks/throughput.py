"""Throughput against length: every sequence backbone's tokens/s and peak memory, from 1k positions up.

Run:  python -m benchmarks.throughput [--threads 2] [--quick]      (or: make bench)

Each point is one forward and backward pass of the backbone alone (built from its defaults at width 128 and depth 2,
token inputs, batch 1), in a fresh process, so that its peak resident memory is its own, with malloc set as in a
tasktriad run (``keep_freed_memory``, src/speed.py). A backbone's lengths double from 1,024 until one pass takes
over 30 s (the next would take over a minute). Then, side by side: Hyena's figures against the transformer's, bf16
autocast against float32, and tasktriad's step against a plain PyTorch loop at 4k and 64k positions (copy_number,
batch 1; at least five alternating rounds; both in one process, so with the same malloc settings).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import ROOT, Record, arguments, configure, cpu_name, sequence_backbones

START, LONGEST, PATIENCE = 1024, 1 << 20, 30.0  # lengths from START to LONGEST; stop after a pass over PATIENCE s
SETTINGS = {"width": 128, "depth": 2}


def one_pass(backbone: str, length: int, batch: int, threads: int, autocast: bool, device: str) -> dict[str, float]:
    """Seconds of one forward and backward pass (the fastest of a few, after one warm-up), and peak memory (MiB).

    Peak memory is resident memory on a CPU, allocated memory on a GPU.
    """
    import torch
    from hydra.utils import get_object

    from schemas.store import options, target_of
    from src.speed import keep_freed_memory

    keep_freed_memory()  # malloc as a tasktriad run sets it (the trainer's build does this)
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    cls: Any = get_object(str(target_of(options("backbone")[backbone])))
    model = cls(in_shape=(length,), vocab_size=4, **SETTINGS).to(device)
    x = torch.randint(0, 4, (batch, length), device=device)
    weights = torch.randn(batch, length, SETTINGS["width"], device=device)  # a gradient reaching every output
    gpu = device.startswith("cuda")

    def step() -> float:
        start = time.perf_counter()
        with torch.autocast(device.split(":")[0], dtype=torch.bfloat16, enabled=autocast):
            out = model(x)
        (out.float() * weights).mean().backward()
        if gpu:
            torch.cuda.synchronize()
        return time.perf_counter() - start

    first = step()  # a warm-up, kept only when it is all there is time for
    seconds = [step() for _ in range(3 if first < 2 else 2 if first < 15 else 0)] or [first]
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak = torch.cuda.max_memory_allocated() / 2**20 if gpu else rss
    return {"seconds": min(seconds), "peak_mib": peak}


def measure(backbone: str, length: int, how: Any, batch: int = 1, autocast: bool = False) -> dict[str, float]:
    """``one_pass`` in a fresh process (``how``: the command line's device and threads); tokens/s added."""
    threads = how.threads
    case = json.dumps([backbone, length, batch, threads, autocast, how.device])
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.throughput", "--child", case],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "OMP_NUM_THREADS": str(threads)},
    )
    if done.returncode != 0:  # say why: its last error line, or the signal that killed it (out of memory: 9)
        why = (done.stderr.strip().splitlines() or [f"killed by signal {-done.returncode}"])[-1]
        print(f"  {backbone} at {length} positions, batch {batch}: failed: {why}")
        return {"seconds": float("nan"), "peak_mib": float("nan"), "tokens_s": float("nan"), "failed": 1.0}
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return {**result, "tokens_s": batch * length / result["seconds"]}


def idle_mib() -> float:
    """Peak RSS of a process that imports torch and the project and builds nothing: the floor under every figure."""
    code = "import resource, torch, src.build.compatibility; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    return float(done.stdout.strip()) / 1024


def table(record: Record, how: Any) -> dict[str, dict[int, dict[str, float]]]:
    """Every sequence backbone's tokens/s and peak memory against length."""
    longest = 16384 if how.quick else LONGEST
    seen: dict[str, dict[int, dict[str, float]]] = {}
    print(f"  {'backbone':<12} {'length':>9} {'pass':>10} {'tokens/s':>10} {'peak RSS':>10}")
    for backbone in sequence_backbones():
        seen[backbone] = {}
        length = START
        while length <= longest:
            point = seen[backbone][length] = measure(backbone, length, how)
            print(f"  {backbone:<12} {length:>9} {point['seconds']:>9.3f}s {point['tokens_s']:>10.0f} "
                  f"{point['peak_mib']:>7.0f} MiB")  # fmt: skip
            record.figure(f"throughput/{backbone}/{length}", point["tokens_s"], "tokens/s", peak_mib=point["peak_mib"])
            if not point["seconds"] < PATIENCE:  # over PATIENCE, or it failed (out of memory)
                break
            length *= 2
    return seen


def hyena_against_attention(record: Record, seen: dict[str, dict[int, dict[str, float]]], how: Any) -> None:
    """Hyena at 65k against 4k and against the transformer; the crossover; both at a batch of 8 at 4k."""
    hyena, attention = seen.get("hyena", {}), seen.get("transformer", {})
    if 4096 in hyena and 65536 in hyena:
        ratio = hyena[4096]["tokens_s"] / hyena[65536]["tokens_s"]
        record.figure("throughput/hyena/4k_over_65k", ratio, "x", target="<=1.5")
    if 65536 in hyena and 65536 in attention:
        ratio = hyena[65536]["tokens_s"] / attention[65536]["tokens_s"]
        record.figure("throughput/hyena_over_transformer/65k", ratio, "x", target=">=10")
    shared = sorted(set(hyena) & set(attention))
    faster = [n for n in shared if hyena[n]["tokens_s"] > attention[n]["tokens_s"]]
    if faster:
        record.figure("throughput/hyena_over_transformer/crossover", faster[0], "positions", target="<=2048")
    batched = {name: measure(name, 4096, how, batch=8) for name in ("hyena", "transformer") if name in seen}
    for name, point in batched.items():
        record.figure(f"throughput/{name}/4k_batch8", point["tokens_s"], "tokens/s", peak_mib=point["peak_mib"])
    if len(batched) == 2:
        ratio = batched["hyena"]["tokens_s"] / batched["transformer"]["tokens_s"]
        record.figure("throughput/hyena_over_transformer/4k_batch8", ratio, "x")


def bf16_against_float32(record: Record, how: Any) -> None:
    """bf16 autocast against float32, every sequence backbone at 4k (and 64k, except the slowest)."""
    for backbone in sequence_backbones():
        for length in (4096,) if how.quick else (4096, 65536):
            plain = measure(backbone, length, how)
            if not plain["seconds"] < PATIENCE / 2:
                continue
            mixed = measure(backbone, length, how, autocast=True)
            record.figure(f"bf16/{backbone}/{length}", plain["seconds"] / mixed["seconds"], "x faster")


def framework_against_plain(record: Record, device: str, rounds: int, quick: bool) -> None:
    """The framework's step against a plain loop on the same model and batches (copy_number, batch 1)."""
    from benchmarks.step import measure as fits

    for backbone in ("hyena", "tcn"):
        for length in (4096,) if quick else (4096, 65536):
            steps = 30 if length <= 4096 else 6  # an epoch of 1.5-4 s at 4k: 29 timed steps, not 5, steady the figure
            epochs = 3 if length <= 4096 else 2  # at 4k, two timed epochs a round (the first warms up): half the spread
            overrides = [f"backbone={backbone}", "backbone.width=128", "data/sampler=copy_number"]
            overrides += [f"data.sampler.length={length}", "data.batch_size=1", f"data.num_train={steps}"]
            overrides += ["data.num_val=1"]
            seen = fits(overrides, device, rounds, epochs=epochs, bare_lightning=False)
            ours, plain = seen["framework"], seen["plain"]
            record.figure(f"long_step/{backbone}/{length}/plain", plain["step"] * 1e3, "ms")
            record.figure(f"long_step/{backbone}/{length}/tasktriad", ours["step"] * 1e3, "ms")
            record.figure(f"long_step/{backbone}/{length}/ratio", ours["step_ratio"], "x", target="<=1.05")


def main() -> None:
    """The table, then the side-by-side figures."""
    if sys.argv[1:2] == ["--child"]:
        print(json.dumps(one_pass(*json.loads(sys.argv[2]))))
        return
    args = arguments(__doc__.splitlines()[0])
    configure(args.threads)
    record = Record("throughput", args)
    print(f"throughput against length, {args.device} ({cpu_name()}), {args.threads} torch thread(s)")
    print(f"  a process that imports torch and builds nothing: {idle_mib():.0f} MiB")
    seen = table(record, args)
    hyena_against_attention(record, seen, args)
    bf16_against_float32(record, args)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("LOG_DIR", str(Path(tmp) / "logs"))
        rounds = 1 if args.quick else max(args.rounds, 5)  # a long step moves more between rounds than a short one
        framework_against_plain(record, args.device, rounds, args.quick)


if __name__ == "__main__":
    main()
