"""Train: ``python -m src.train [group=option ...] [key=value ...]`` (``--help`` lists the options)."""

from __future__ import annotations

import hydra
from omegaconf import DictConfig

from src.cli.env import CONFIG_DIR
from src.cli.job import guarded
from src.cli.launch import launch
from src.runs.requeue import continued
from src.runs.resume import expand_resume, record_resume


@hydra.main(version_base="1.3", config_path=str(CONFIG_DIR), config_name="train")
@guarded
def main(cfg: DictConfig) -> float | None:
    """Fit, test the best checkpoint, print the final metrics; return ``optimized_metric`` for sweepers."""
    from src.build.trainer import trainer_for  # torch is imported only once the config is composed and checked
    from src.build.triad import build_triad, check_checkpoint
    from src.cli import results

    cfg = continued(cfg)  # a SLURM job requeued after its time limit continues its own folder (a new config object)
    datamodule, model = build_triad(cfg, backbone_ckpt=cfg.backbone_ckpt, freeze_backbone=cfg.freeze_backbone)
    if cfg.ckpt_path:
        check_checkpoint(model, cfg.ckpt_path)  # before anything is written: Lightning's error would be a traceback
    record_resume(cfg)  # resume=<run dir>: only now, with every check passed, is the run folder touched
    with trainer_for(cfg) as trainer:
        trainer.fit(model, datamodule=datamodule, ckpt_path=cfg.ckpt_path)
        metrics = results.fit_metrics(trainer)
        if cfg.test:
            trainer.test(model, datamodule=datamodule, ckpt_path=results.best_checkpoint(trainer), verbose=False)
            metrics |= results.logged_metrics(trainer, "test")
    results.show_metrics(metrics, title=f"{cfg.job_name}: final metrics")
    return results.optimized_value(metrics, cfg.optimized_metric)


def cli() -> None:
    """Console entry point (``triad-train``): ``resume=<run dir>`` expanded, every bad override reported at once."""
    launch(main, config_name="train", expand=expand_resume)


if __name__ == "__main__":
    cli()
