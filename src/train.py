"""Train: ``python -m src.train [group=option ...] [key=value ...]`` (``--help`` lists the options)."""

from __future__ import annotations

import sys

import hydra
from omegaconf import DictConfig

import schemas  # noqa: F401  (registers the config schemas)
from src.utils.cli import check_overrides
from src.utils.env import CONFIG_DIR, load_env
from src.utils.resume import expand_resume

load_env()


@hydra.main(version_base="1.3", config_path=str(CONFIG_DIR), config_name="train")
def main(cfg: DictConfig) -> float | None:
    """Fit, test the best checkpoint, print the final metrics; return ``optimized_metric`` for sweepers."""
    from src.utils.reporting import reported, validate  # torch is imported only once the config is composed

    with reported():
        validate(cfg)
        from src.utils import build, env, instantiators, results

        env.prepare_run(cfg.seed)
        datamodule, model = build.build_triad(cfg, cfg.backbone_ckpt, cfg.freeze_backbone)
        with instantiators.trainer_for(cfg) as trainer:
            trainer.fit(model, datamodule=datamodule, ckpt_path=cfg.ckpt_path)
            metrics = results.fit_metrics(trainer)
            if cfg.test:
                trainer.test(model, datamodule=datamodule, ckpt_path=results.best_checkpoint(trainer), verbose=False)
                metrics |= {k: float(v) for k, v in trainer.callback_metrics.items() if k.startswith("test/")}
        results.show_metrics(metrics, title=f"{cfg.job_name}: final metrics")
        return results.optimized_value(metrics, cfg.optimized_metric)


def cli() -> None:
    """Console entry point: expand ``resume=<run dir>``, report every bad override at once, then run."""
    from src.utils.reporting import reported

    with reported():
        sys.argv[1:] = expand_resume(sys.argv[1:])
    check_overrides("train", sys.argv[1:])
    main()


if __name__ == "__main__":
    cli()
