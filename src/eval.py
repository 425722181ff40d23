"""Evaluate: ``python -m src.eval ckpt_path=<checkpoint>``, with the config of the run that wrote it."""

from __future__ import annotations

from omegaconf import DictConfig

from src.cli.job import guarded
from src.cli.launch import launch
from src.runs.life import Run


@guarded
def main(cfg: DictConfig, run: Run) -> dict[str, float]:
    """Rebuild the run's data, backbone and task from the checkpoint, test it, print the metrics."""
    from src.build.trainer import trainer_for  # torch is imported only once the config is composed and checked
    from src.build.triad import rebuild
    from src.cli import results

    datamodule, model = rebuild(cfg.ckpt_path, cfg.data)
    with trainer_for(cfg, run) as trainer:
        trainer.test(model, datamodule=datamodule, verbose=False)
        metrics = results.logged_metrics(trainer)
    results.show_metrics(metrics, title=f"{cfg.job_name}: test metrics")
    return metrics


def cli() -> None:
    """Console entry point (``triad-eval``); also ``python -m src.eval``."""
    launch(main, config_name="eval")


if __name__ == "__main__":
    cli()
