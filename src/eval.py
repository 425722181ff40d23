"""Evaluate: ``python -m src.eval ckpt_path=<checkpoint>``, with the config of the run that wrote it."""

from __future__ import annotations

import hydra
from omegaconf import DictConfig

from src.cli.env import CONFIG_DIR
from src.cli.job import guarded
from src.cli.launch import launch


@hydra.main(version_base="1.3", config_path=str(CONFIG_DIR), config_name="eval")
@guarded
def main(cfg: DictConfig) -> dict[str, float]:
    """Rebuild the run's data, backbone and task from the checkpoint, test it, print the metrics."""
    from src.build.trainer import trainer_for  # torch is imported only once the config is composed and checked
    from src.build.triad import rebuild
    from src.cli import results

    datamodule, model = rebuild(cfg.ckpt_path, cfg.data)
    with trainer_for(cfg) as trainer:
        trainer.test(model, datamodule=datamodule, verbose=False)
        metrics = results.logged_metrics(trainer)
    results.show_metrics(metrics, title=f"{cfg.job_name}: test metrics")
    return metrics


def cli() -> None:
    """Console entry point (``triad-eval``): every bad override reported at once."""
    launch(main, config_name="eval")


if __name__ == "__main__":
    cli()
