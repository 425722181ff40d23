"""Evaluate: ``python -m src.eval ckpt_path=<checkpoint>``, with the config of the run that wrote it."""

from __future__ import annotations

import sys

import hydra
from omegaconf import DictConfig

import schemas  # noqa: F401  (registers the config schemas)
from src.utils.cli import check_overrides
from src.utils.env import CONFIG_DIR, load_env

load_env()


@hydra.main(version_base="1.3", config_path=str(CONFIG_DIR), config_name="eval")
def main(cfg: DictConfig) -> dict[str, float]:
    """Rebuild the run's data, backbone and task from the checkpoint, test it, print the metrics."""
    from src.utils.reporting import reported, validate  # torch is imported only once the config is composed

    with reported():
        validate(cfg)
        from src.utils import checkpoint, env, instantiators, results

        env.prepare_run(cfg.seed)
        datamodule, model = checkpoint.rebuild(cfg.ckpt_path, cfg.data)
        with instantiators.trainer_for(cfg) as trainer:
            trainer.test(model, datamodule=datamodule, verbose=False)
            metrics = {name: float(value) for name, value in trainer.callback_metrics.items()}
        results.show_metrics(metrics, title=f"{cfg.job_name}: test metrics")
        return metrics


def cli() -> None:
    """Console entry point: report every bad override at once, then run."""
    check_overrides("eval", sys.argv[1:])
    main()


if __name__ == "__main__":
    cli()
