"""Predict: ``python -m src.predict ckpt_path=<checkpoint>`` writes the task's predictions to a CSV file."""

from __future__ import annotations

import sys

import hydra
from omegaconf import DictConfig

import schemas  # noqa: F401  (registers the config schemas)
from src.utils.cli import check_overrides
from src.utils.env import CONFIG_DIR, load_env

load_env()


@hydra.main(version_base="1.3", config_path=str(CONFIG_DIR), config_name="predict")
def main(cfg: DictConfig) -> str:
    """Rebuild the run from its checkpoint, predict on the test split, write one CSV row per sample."""
    from src.utils.reporting import reported, validate  # torch is imported only once the config is composed

    with reported():
        validate(cfg)
        from src.utils import checkpoint, env, instantiators, predictions

        env.prepare_run(cfg.seed)
        datamodule, model = checkpoint.rebuild(cfg.ckpt_path, cfg.data)
        with instantiators.trainer_for(cfg) as trainer:
            batches = trainer.predict(model, datamodule=datamodule)
        return str(predictions.write_csv(batches, cfg.output))


def cli() -> None:
    """Console entry point: report every bad override at once, then run."""
    check_overrides("predict", sys.argv[1:])
    main()


if __name__ == "__main__":
    cli()
