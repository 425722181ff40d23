"""Train step and whole fit: a default tasktriad run against a plain PyTorch loop on the same model and batches.

Run:  python -m benchmarks.step [--device cuda] [--threads 1] [--rounds 3] [--quick]      (or: make bench)
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.common import Record, alternate, arguments, configure, cpu_name, median, sequence_backbones


@dataclass(frozen=True)
class Case:
    """One model and data: overrides of the default run, epochs (None: the default run's 10), targets."""

    overrides: list[str]
    epochs: int | None = None
    step_target: str | None = None
    fit_target: str | None = None


MLP = ["backbone.depth={}", "backbone.width={}", "data.sampler.dim={}", "data.sampler.num_classes={}"]
SEQUENCE = ["data/sampler=associative_recall", "data.batch_size=64", "backbone.width=64", "backbone.depth=2"]
SEQUENCE += ["data.num_train=1024", "data.num_val=256"]  # 16 steps an epoch: a CPU step takes 30-70 ms
MLPS = {  # the two MLPs at batch 256, for the default run's 10 epochs
    "mlp_big": Case([o.format(v) for o, v in zip(MLP, (2, 256, 64, 10), strict=True)], None, "<=1.3", "<=1.5"),
    "mlp_tiny": Case([o.format(v) for o, v in zip(MLP, (1, 32, 16, 2), strict=True)], None, "<=2.0"),
}


def cases(quick: bool) -> dict[str, Case]:
    """The MLPs; unless ``quick``, also every sequence backbone on MQAR (2 epochs) and the cnn on digits (3)."""
    if quick:
        return MLPS
    sequences = {name: Case([f"backbone={name}", *SEQUENCE], 2) for name in sequence_backbones()}
    return MLPS | sequences | {"cnn_digits": Case(["experiment=digits_cnn"], 3)}  # 8x8 images from files, batch 64


def measure(
    overrides: list[str], device: str, rounds: int, epochs: int | None, bare_lightning: bool = True
) -> dict[str, Any]:
    """Median step and fit seconds of each contestant, alternating over ``rounds``, and the step ratios to plain.

    A step ratio is the median over rounds of each round's ratio: a round's contestants run back to back, so a
    slow spell of the machine that spans a round changes both sides of its ratio alike.
    """
    from benchmarks.loops import bare_lightning_fit, compose, framework_fit, lightning_environment, plain_fit
    from benchmarks.plain_data import plain_batches

    results: dict[str, list[Any]] = {"framework": [], "plain": [], "lightning": []}
    with tempfile.TemporaryDirectory() as tmp:
        base = ["data.batch_size=256", "callbacks.early_stopping=null", *overrides]
        base += [] if epochs is None else [f"trainer.max_epochs={epochs}"]
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
            with lightning_environment(imported=False):
                timings = plain_fit(holder["model"], train, val, holder["cfg"], device, Path(tmp))
            results["plain"].append(timings)
            return timings.fit

        def bare() -> float:
            if "cfg" not in holder:
                ours()
            with lightning_environment(imported=True):
                timings = bare_lightning_fit(holder["model"], holder["datamodule"], holder["cfg"], device)
            results["lightning"].append(timings)
            return timings.fit

        contestants: dict[str, Callable[[], float]] = {"framework": ours, "plain": plain, "lightning": bare}
        alternate(contestants if bare_lightning else {"framework": ours, "plain": plain}, rounds)
    plain_steps = [median(t.step) for t in results["plain"]]
    return {
        side: {
            "step": median([s for t in timings for s in t.step]),
            "fit_per_step": median([t.fit / t.steps for t in timings]),
            "step_ratio": median([median(t.step) / p for t, p in zip(timings, plain_steps, strict=True)]),
        }
        for side, timings in results.items()
        if timings
    }


def main() -> None:
    """Every case, printed and recorded."""
    args = arguments(__doc__.splitlines()[0])
    configure(args.threads)
    record = Record("step", args)
    where = f"{args.device} ({cpu_name()}), {args.threads} torch thread(s)"
    print(f"train step and whole fit, {where}, {args.rounds} rounds")
    for name, case in cases(args.quick).items():
        seen = measure(case.overrides, args.device, args.rounds, epochs=2 if args.quick else case.epochs)
        ours, plain, bare = seen["framework"], seen["plain"], seen["lightning"]
        record.figure(f"step/{name}/plain", plain["step"] * 1e3, "ms")
        record.figure(f"step/{name}/bare_lightning", bare["step"] * 1e3, "ms")
        record.figure(f"step/{name}/tasktriad", ours["step"] * 1e3, "ms")
        record.figure(f"step/{name}/ratio", ours["step_ratio"], "x", target=case.step_target)
        record.figure(f"step/{name}/bare_lightning_ratio", bare["step_ratio"], "x")
        record.figure(f"fit/{name}/ratio", ours["fit_per_step"] / plain["fit_per_step"], "x", target=case.fit_target)


if __name__ == "__main__":
    main()
