"""Train: ``python -m src.train [group=option ...] [key=value ...]`` (``--help`` lists the options)."""

from __future__ import annotations

from omegaconf import DictConfig

from src.cli.job import guarded
from src.cli.launch import launch
from src.runs.life import Run


@guarded
def main(cfg: DictConfig, run: Run) -> float | None:
    """Fit, test the best checkpoint, print the final metrics; return ``optimized_metric`` for sweepers."""
    from src.build.trainer import trainer_for  # torch is imported only once the config is composed and checked
    from src.build.triad import build_triad, check_checkpoint
    from src.cli import results

    datamodule, model = build_triad(cfg, backbone_ckpt=cfg.backbone_ckpt, freeze_backbone=cfg.freeze_backbone)
    if run.checkpoint:
        check_checkpoint(model, run.checkpoint)  # before anything is written: Lightning's error would be a traceback
    run.record(cfg)  # resume=<run dir>: only now, with every check passed, is the run folder touched
    with trainer_for(cfg, run) as trainer:
        trainer.fit(model, datamodule=datamodule, ckpt_path=run.checkpoint)
        metrics = results.fit_metrics(trainer)
        if cfg.test and not results.pruned(trainer):  # a pruned trial is not worth testing
            trainer.test(model, datamodule=datamodule, ckpt_path=results.best_checkpoint(trainer), verbose=False)
            metrics |= results.logged_metrics(trainer, "test")
    results.show_metrics(metrics, title=f"{cfg.job_name}: final metrics")
    return results.optimized_value(metrics, cfg.optimized_metric)


def cli() -> None:
    """Console entry point (``triad-train``); also ``python -m src.train``."""
    launch(main, config_name="train")


if __name__ == "__main__":
    cli()
