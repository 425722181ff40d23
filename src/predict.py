"""Predict: ``python -m src.predict ckpt_path=<checkpoint>`` writes the task's predictions to a CSV file."""

from __future__ import annotations

from omegaconf import DictConfig

from src.cli.job import guarded
from src.cli.launch import launch
from src.runs.life import Run


@guarded
def main(cfg: DictConfig, run: Run) -> str:
    """Rebuild the run from its checkpoint, predict on the test split, write a CSV row per sample (a file per head)."""
    from src.build.trainer import trainer_for  # torch is imported only once the config is composed and checked
    from src.build.triad import rebuild
    from src.runs.predictions import check_new, prediction_files, write_predictions

    check_new(cfg.output)
    datamodule, model = rebuild(cfg.ckpt_path, cfg.data)
    heads = list(getattr(model.task, "heads", {}))  # several heads (task=multi): a file each
    for path in prediction_files(cfg.output, heads):
        check_new(str(path))
    with trainer_for(cfg, run) as trainer:
        batches = trainer.predict(model, datamodule=datamodule)
    return ", ".join(str(path) for path in write_predictions(batches, cfg.output, heads))


def cli() -> None:
    """Console entry point (``triad-predict``); also ``python -m src.predict``."""
    launch(main, config_name="predict")


if __name__ == "__main__":
    cli()
