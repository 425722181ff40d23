"""Scaling: tasktriad's step time against batch size, input size and (sequence backbones) sequence length.

Run:  python -m benchmarks.scaling      (or: make bench)
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from benchmarks.common import Record, arguments, configure, median, sequence_backbones

MLP = ["backbone.depth=2", "backbone.width=256", "data.sampler.num_classes=10"]
SEQUENCE = ["data/sampler=associative_recall", "backbone.width=64", "backbone.depth=2", "data.batch_size=64"]


def step_ms(overrides: list[str], tmp: Path, device: str, steps: int) -> float:
    """The median step of a short default run (2 epochs of ``steps`` steps; the second is timed)."""
    from benchmarks.loops import compose, framework_fit

    cfg = compose(["trainer.max_epochs=2", "callbacks.early_stopping=null", *overrides], tmp, device)
    batch = cfg.data.batch_size
    cfg.data.num_train, cfg.data.num_val, cfg.data.num_test = steps * batch, batch, batch
    timings, _, _ = framework_fit(cfg, device)
    return median(timings.step) * 1e3


def main() -> None:
    """Three sweeps, one figure per point."""
    args = arguments(__doc__.splitlines()[0])
    configure(args.threads)
    record = Record("scaling", args)
    steps = 8 if args.quick else 24
    print(f"step time scaling, {args.device}, {args.threads} torch thread(s)")
    with tempfile.TemporaryDirectory() as tmp:
        for batch in (32, 128, 512) if args.quick else (32, 64, 128, 256, 512, 1024):
            ms = step_ms(
                [*MLP, "data.sampler.dim=64", f"data.batch_size={batch}"], Path(tmp) / f"b{batch}", args.device, steps
            )
            record.figure(f"scaling/mlp_big/batch/{batch}", ms, "ms", per_sample_us=ms * 1e3 / batch)
        for dim in (16, 256, 4096) if args.quick else (16, 64, 256, 1024, 4096):
            ms = step_ms(
                [*MLP, f"data.sampler.dim={dim}", "data.batch_size=256"], Path(tmp) / f"d{dim}", args.device, steps
            )
            record.figure(f"scaling/mlp_big/input/{dim}", ms, "ms")
        for backbone in sequence_backbones():
            for length in (64, 256) if args.quick else (64, 128, 256, 512):
                pairs = max(4, length // 16)
                overrides = [
                    *SEQUENCE,
                    f"backbone={backbone}",
                    f"data.sampler.length={length}",
                    f"data.sampler.pairs={pairs}",
                ]
                ms = step_ms(overrides, Path(tmp) / f"{backbone}{length}", args.device, max(4, steps // 2))
                record.figure(f"scaling/{backbone}/length/{length}", ms, "ms", per_token_us=ms * 1e3 / (64 * length))


if __name__ == "__main__":
    main()
