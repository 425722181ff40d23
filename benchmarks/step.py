"""Train step and whole fit: a default tasktriad run against a plain PyTorch loop on the same model and batches.

Run:  python -m benchmarks.step [--device cuda] [--threads 1] [--rounds 3] [--quick]      (or: make bench)
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.common import Record, alternate, arguments, configure, median

# name -> (overrides of the default run, target step ratio, target fit ratio): the models, batch 256
CASES: dict[str, tuple[list[str], str | None, str | None]] = {
    "mlp_big": (
        ["backbone.depth=2", "backbone.width=256", "data.sampler.dim=64", "data.sampler.num_classes=10"],
        "<=1.3",
        "<=1.5",
    ),
    "mlp_tiny": (
        ["backbone.depth=1", "backbone.width=32", "data.sampler.dim=16", "data.sampler.num_classes=2"],
        "<=2.0",
        None,
    ),
}
SEQUENCE = ["data/sampler=associative_recall", "data.batch_size=64", "backbone.width=64", "backbone.depth=2"]
for _backbone in ("transformer", "gru", "tcn", "hyena"):  # every sequence backbone, on MQAR tokens (per position)
    CASES[_backbone] = ([f"backbone={_backbone}", *SEQUENCE], None, None)
CASES["cnn_digits"] = (["experiment=digits_cnn"], None, None)  # 8x8 images from files, batch 64


def measure(name: str, overrides: list[str], device: str, rounds: int, epochs: int) -> dict[str, Any]:
    """Median step and fit seconds of both contestants, alternating over ``rounds``."""
    from benchmarks.loops import bare_lightning_fit, compose, framework_fit, plain_fit
    from benchmarks.plain_data import plain_batches

    results: dict[str, list[Any]] = {"framework": [], "plain": [], "lightning": []}
    with tempfile.TemporaryDirectory() as tmp:
        base = ["data.batch_size=256", f"trainer.max_epochs={epochs}", "callbacks.early_stopping=null", *overrides]
        if device.startswith("cuda") and not any(o.startswith("experiment=digits") for o in overrides):
            base.append("data.device=cuda")  # simulated batches drawn on the GPU, for both contestants
        # early stopping off: both contestants train the same number of epochs (its per-epoch check stays cheap)
        holder: dict[str, Any] = {}

        def ours() -> float:
            cfg = compose(base, Path(tmp) / f"run{len(results['framework'])}", device)
            timings, model, datamodule = framework_fit(cfg, device)
            holder.update(cfg=cfg, model=model, datamodule=datamodule)
            results["framework"].append(timings)
            return timings.fit

        def plain() -> float:
            if "cfg" not in holder:
                ours()
            train, val = plain_batches(holder["datamodule"], holder["cfg"])
            timings = plain_fit(holder["model"], train, val, holder["cfg"], device, Path(tmp))
            results["plain"].append(timings)
            return timings.fit

        def bare() -> float:
            if "cfg" not in holder:
                ours()
            timings = bare_lightning_fit(holder["model"], holder["datamodule"], holder["cfg"], device)
            results["lightning"].append(timings)
            return timings.fit

        contestants: dict[str, Callable[[], float]] = {"framework": ours, "plain": plain, "lightning": bare}
        alternate(contestants, rounds)
    return {
        side: {
            "step": median([s for t in timings for s in t.step]),
            "fit_per_step": median([t.fit / t.steps for t in timings]),
        }
        for side, timings in results.items()
    }


def main() -> None:
    """Every case, printed and recorded."""
    args = arguments(__doc__.splitlines()[0])
    configure(args.threads)
    record = Record("step", args)
    cases = {k: v for k, v in CASES.items() if not args.quick or k in ("mlp_big", "mlp_tiny")}
    print(f"train step and whole fit, {args.device}, {args.threads} torch thread(s), {args.rounds} rounds")
    for name, (overrides, step_target, fit_target) in cases.items():
        seen = measure(name, overrides, args.device, args.rounds, epochs=2 if args.quick else 4)
        ours, plain, bare = seen["framework"], seen["plain"], seen["lightning"]
        record.figure(f"step/{name}/plain", plain["step"] * 1e3, "ms")
        record.figure(f"step/{name}/bare_lightning", bare["step"] * 1e3, "ms")
        record.figure(f"step/{name}/tasktriad", ours["step"] * 1e3, "ms")
        record.figure(f"step/{name}/ratio", ours["step"] / plain["step"], "x", target=step_target)
        record.figure(f"step/{name}/bare_lightning_ratio", bare["step"] / plain["step"], "x")
        record.figure(f"fit/{name}/ratio", ours["fit_per_step"] / plain["fit_per_step"], "x", target=fit_target)


if __name__ == "__main__":
    main()
