"""Predict: ``python -m src.predict ckpt_path=<checkpoint>`` writes the task's predictions to a CSV file."""

from __future__ import annotations

import hydra
from omegaconf import DictConfig

from src.cli.env import CONFIG_DIR
from src.cli.job import guarded
from src.cli.launch import launch


@hydra.main(version_base="1.3", config_path=str(CONFIG_DIR), config_name="predict")
@guarded
def main(cfg: DictConfig) -> str:
    """Rebuild the run from its checkpoint, predict on the test split, write one CSV row per sample."""
    from src.build.trainer import trainer_for  # torch is imported only once the config is composed and checked
    from src.build.triad import rebuild
    from src.runs.predictions import check_new, write_csv

    check_new(cfg.output)
    datamodule, model = rebuild(cfg.ckpt_path, cfg.data)
    with trainer_for(cfg) as trainer:
        batches = trainer.predict(model, datamodule=datamodule)
    return str(write_csv(batches, cfg.output))


def cli() -> None:
    """Console entry point (``triad-predict``): every bad override reported at once."""
    launch(main, config_name="predict")


if __name__ == "__main__":
    cli()
