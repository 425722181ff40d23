"""Data: samplers through tasktriad's loader vs their plain draw; file data vs the same arrays in memory.

Each simulated sampler's samples/s through the train loader against ``sampler.sample`` in a plain loop; digits
through data=digits (cached and not, 0 and 2 workers) against the same arrays gathered from memory.

Run:  python -m benchmarks.data [--rounds 3]      (or: make bench)
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import torch

from benchmarks.common import Record, alternate, arguments, configure, median
from schemas.store import options


def per_second(items: Any, count: Any) -> float:
    """Items (samples or batches) per second while iterating ``items`` once (and finishing any GPU work)."""
    start, total = time.perf_counter(), 0
    for item in items:
        total += count(item)
    if torch.cuda.is_initialized():
        torch.cuda.synchronize()
    return total / (time.perf_counter() - start)


def sampler_rates(name: str, tmp: Path, device: str, rounds: int, batches: int) -> dict[str, float]:
    """Samples/s of one sampler: tasktriad's train loader vs the same numbers drawn by ``sampler.sample`` in a loop."""
    from hydra.utils import instantiate

    from benchmarks.loops import compose
    from src.data.simulated.streams import stream_seed

    where = "cuda" if device.startswith("cuda") else "cpu"  # on a GPU both draw there
    overrides = [
        f"data/sampler={name}",
        "data.batch_size=256",
        f"data.num_train={256 * batches}",
        f"data.device={where}",
    ]
    datamodule = instantiate(compose(overrides, tmp, device).data)
    sampler, generator = datamodule.sampler, torch.Generator(where).manual_seed(0)
    loader = datamodule.loader("train")  # made once, as for a run; each iteration is one epoch

    def ours() -> float:
        return per_second(loader, lambda b: len(b.y))

    def draw(index: int) -> Any:  # the same numbers as the loader's batch `index` of epoch 0: seeded the same way
        generator.manual_seed(stream_seed(datamodule.seed, "train", 0, index))
        return sampler.sample(256, generator)

    def plain() -> float:  # on a GPU the factory calls must create there; the CPU needs no device context (slower)
        with torch.device(where) if where != "cpu" else contextlib.nullcontext():
            return per_second((draw(index) for index in range(batches)), lambda b: len(b.y))

    seen = alternate({"tasktriad": ours, "plain": plain}, rounds)
    return {side: median(values) for side, values in seen.items()}


def file_rates(tmp: Path, device: str, rounds: int, workers: int, cache: bool) -> dict[str, float]:
    """Batches/s of digits through data=digits (one loader, epoch after epoch) against the same arrays in memory.

    In memory twice: gathered by index in a bare loop (no DataLoader at all), and through a DataLoader over a
    TensorDataset with the same batch size, shuffling and workers (plain PyTorch's way with arrays in memory). And a
    floor for reading from disk: each batch's files opened and read in one process, with nothing done to the bytes.
    """
    from hydra.utils import instantiate
    from torch.utils.data import DataLoader, TensorDataset

    from benchmarks.loops import compose
    from benchmarks.plain_data import plain_batches

    overrides = ["experiment=digits_cnn", f"data.num_workers={workers}", f"data.cache={str(cache).lower()}"]
    cfg = compose(overrides, tmp, device)
    datamodule = instantiate(cfg.data)
    train, _ = plain_batches(datamodule, cfg)  # sets the data module up: the same arrays, read once
    first = train(0)
    arrays = TensorDataset(first.x, first.y)
    tensor_loader = DataLoader(arrays, batch_size=cfg.data.batch_size, shuffle=True, num_workers=workers)
    loader = datamodule.train_dataloader()  # one loader for the whole run, as Lightning keeps it
    samples = datamodule.datasets["train"]
    paths = [samples.records[record][0] for record, _ in samples.refs]  # each training sample's file
    size = cfg.data.batch_size

    def read_batch(rows: list[int]) -> int:
        for row in rows:
            paths[row].read_bytes()
        return 1  # one batch

    def reads() -> float:  # the floor of one-file-per-sample data: open and read each batch's files, nothing else
        order = torch.randperm(len(paths)).tolist()
        return per_second((order[i : i + size] for i in range(0, len(order), size)), read_batch)

    for _ in range(3):  # the epochs before: workers start, every cache fills
        per_second(loader, lambda b: 1)

    seen = alternate(
        {
            "tasktriad": lambda: per_second(loader, lambda b: 1),
            "gather": lambda: per_second(train(0), lambda b: 1),
            "tensor_dataset": lambda: per_second(tensor_loader, lambda b: 1),
            "file_reads": reads,
        },
        rounds,
    )
    return {side: median(values) for side, values in seen.items()}


def main() -> None:
    """Every sampler, then file data in four settings."""
    args = arguments(__doc__.splitlines()[0])
    configure(args.threads)
    record = Record("data", args)
    samplers = list(options("data/sampler"))  # every registered sampler
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DATA_DIR"] = str(Path(tmp) / "data")  # digits is exported here once
        print(f"data throughput, {args.device}, {args.rounds} rounds")
        for name in samplers:
            rates = sampler_rates(name, Path(tmp) / name, args.device, args.rounds, 32 if args.quick else 128)
            record.figure(f"data/sampler/{name}/tasktriad", rates["tasktriad"], "samples/s")
            record.figure(f"data/sampler/{name}/plain", rates["plain"], "samples/s")
            record.figure(f"data/sampler/{name}/ratio", rates["tasktriad"] / rates["plain"], "x", target=">=0.8")
        for workers in (0, 2):
            for cache in (True, False):
                rates = file_rates(Path(tmp) / f"files{workers}{cache}", args.device, args.rounds, workers, cache)
                case = f"data/files/digits/workers{workers}_{'cached' if cache else 'uncached'}"
                record.figure(f"{case}/tasktriad", rates["tasktriad"], "batches/s")
                record.figure(f"{case}/in_memory_gather", rates["gather"], "batches/s")
                record.figure(f"{case}/in_memory_tensor_dataset", rates["tensor_dataset"], "batches/s")
                record.figure(
                    f"{case}/ratio_to_tensor_dataset", rates["tasktriad"] / rates["tensor_dataset"], "x", target=">=0.5"
                )
                record.figure(f"{case}/ratio_to_gather", rates["tasktriad"] / rates["gather"], "x")
                record.figure(f"{case}/file_reads_alone", rates["file_reads"], "batches/s")  # no parsing, no checks


if __name__ == "__main__":
    main()
