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
