"""Predict: ``python -m src.predict ckpt_path=<checkpoint>`` writes the task's predictions to a CSV file."""

from __future__ import annotations

from omegaconf import DictConfig

from src.cli.job import guarded
from src.cli.launch import launch
from src.runs.life import Run


@guarded
def main(cfg: DictConfig, run: Run) -> str:
    """Rebuild the run from its checkpoint, predict on the test split, write one CSV row per sample."""
    from src.build.trainer import trainer_for  # torch is imported only once the config is composed and checked
    from src.build.triad import rebuild
    from src.runs.predictions import check_new, write_csv

    check_new(cfg.output)
    datamodule, model = rebuild(cfg.ckpt_path, cfg.data)
    with trainer_for(cfg, run) as trainer:
        batches = trainer.predict(model, datamodule=datamodule)
    return str(write_csv(batches, cfg.output))


def cli() -> None:
    """Console entry point (``triad-predict``); also ``python -m src.predict``."""
    launch(main, config_name="predict")


if __name__ == "__main__":
    cli()
