"""The search space: Hydra's sweep grammar (choice, range, interval, tag(log, ...)) as Optuna's distributions.

Imported by Hydra's plugin scan on every command: optuna is imported only inside the functions.
"""

from typing import TYPE_CHECKING

from hydra.core.override_parser.types import ChoiceSweep, IntervalSweep, Override, RangeSweep

if TYPE_CHECKING:
    import optuna
    from optuna.distributions import BaseDistribution


def distribution(override: Override) -> "BaseDistribution | None":
    """Optuna's distribution for a sweep override; None for a fixed value."""
    from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

    value = override.value()
    log_scale = "log" in getattr(value, "tags", set())
    if isinstance(value, ChoiceSweep):
        return CategoricalDistribution(list(value.list))
    if isinstance(value, RangeSweep):
        if all(isinstance(v, int) for v in (value.start, value.stop, value.step)):
            return IntDistribution(value.start, value.stop - 1, step=value.step)  # range's stop is exclusive
        return FloatDistribution(value.start, value.stop, step=value.step)
    if isinstance(value, IntervalSweep):
        if isinstance(value.start, int) and isinstance(value.end, int):
            return IntDistribution(value.start, value.end, log=log_scale)
        return FloatDistribution(float(value.start), float(value.end), log=log_scale)
    return None


def suggest(trial: "optuna.trial.Trial", name: str, dist: "BaseDistribution") -> None:
    """Sample one parameter of ``trial`` from its distribution (a retried trial keeps the value it had)."""
    from optuna.distributions import CategoricalDistribution, IntDistribution

    if isinstance(dist, CategoricalDistribution):
        trial.suggest_categorical(name, dist.choices)
    elif isinstance(dist, IntDistribution):
        trial.suggest_int(name, dist.low, dist.high, step=dist.step, log=dist.log)
    else:
        trial.suggest_float(name, dist.low, dist.high, step=dist.step, log=dist.log)


def sampler(name: str, space: dict[str, "BaseDistribution"], seed: int | None) -> "optuna.samplers.BaseSampler":
    """The sampler ``hydra.sweeper.sampler`` names (tpe, random, grid), seeded; one message for a bad choice."""
    import optuna
    from optuna.distributions import CategoricalDistribution

    from src.errors import TriadError

    if name == "grid":  # every point of the choice(...) keys, each once, in a seeded order
        if not all(isinstance(d, CategoricalDistribution) for d in space.values()):
            raise TriadError("hydra.sweeper.sampler=grid needs every swept key as choice(...): a grid has points.")
        return optuna.samplers.GridSampler({k: list(d.choices) for k, d in space.items()}, seed=seed)
    samplers = {"tpe": optuna.samplers.TPESampler, "random": optuna.samplers.RandomSampler}
    if name not in samplers:
        raise TriadError(f"hydra.sweeper.sampler={name}: choose tpe, random or grid.")
    return samplers[name](seed=seed)
