"""Callbacks: named entries, each switched on by linking its schema (configs/callbacks/, src/callbacks/)."""

from __future__ import annotations

from dataclasses import dataclass

from schemas.store import store


@store("callbacks/model_checkpoint")
@dataclass
class ModelCheckpointConf:
    """Keep the best checkpoint by the task's monitored metric (``best.ckpt``); its metric must be finite."""

    _target_: str = "src.callbacks.checkpoint.ModelCheckpoint"  # Lightning's, its state key built once
    dirpath: str = "${paths.output_dir}/checkpoints"
    filename: str = "best"
    monitor: str = "${task.monitor}"
    mode: str = "${task.mode}"
    save_top_k: int = 1
    save_last: bool = False  # last.ckpt is the last_checkpoint entry's: Lightning's is rewritten only on improvement
    auto_insert_metric_name: bool = False
    enable_version_counter: bool = False  # best.ckpt is replaced, never joined by best-v1.ckpt


@store("callbacks/last_checkpoint")
@dataclass
class LastCheckpointConf:
    """``last.ckpt`` after every epoch (what ``resume=`` continues from), whatever the monitored metric did."""

    _target_: str = "src.callbacks.checkpoint.ModelCheckpoint"  # Lightning's, its state key built once
    dirpath: str = "${paths.output_dir}/checkpoints"
    filename: str = "last"
    monitor: str | None = None  # no monitor: the newest epoch is the one kept
    save_top_k: int = 1
    enable_version_counter: bool = False  # a resumed run replaces last.ckpt, never writes last-v1.ckpt


@store("callbacks/early_stopping")
@dataclass
class EarlyStoppingConf:
    """Stop when the task's monitored metric has not improved for ``patience`` epochs."""

    _target_: str = "lightning.pytorch.callbacks.EarlyStopping"
    monitor: str = "${task.monitor}"
    mode: str = "${task.mode}"
    patience: int = 5
    min_delta: float = 0.0


@store("callbacks/lr_monitor")
@dataclass
class LearningRateMonitorConf:
    """Log the learning rate (``lr-<optimizer>``) once per epoch."""

    _target_: str = "lightning.pytorch.callbacks.LearningRateMonitor"
    logging_interval: str = "epoch"


@store("callbacks/rich_progress_bar")
@dataclass
class RichProgressBarConf:
    """A rich progress bar (needs a terminal; with trainer.enable_progress_bar=false it must be off)."""

    _target_: str = "lightning.pytorch.callbacks.RichProgressBar"


@store("callbacks/progress_bar")
@dataclass
class ProgressBarConf:
    """Lightning's tqdm progress bar, redrawn every ``interval`` seconds rather than after every step (cheaper)."""

    _target_: str = "src.speed.progress.TimedProgressBar"
    interval: float = 0.2  # seconds between redraws; 0 redraws after every step, as Lightning's own bar does


@store("callbacks/rich_model_summary")
@dataclass
class RichModelSummaryConf:
    """A rich table of the model's modules and parameter counts at the start of fitting."""

    _target_: str = "lightning.pytorch.callbacks.RichModelSummary"
    max_depth: int = 2


@store("callbacks/curves")
@dataclass
class CurvesPlotConf:
    """curves.png (train/val loss and the monitored metric per epoch) next to metrics.csv."""

    _target_: str = "src.callbacks.curves.CurvesPlot"
    monitor: str = "${task.monitor}"


@store("callbacks/base")
@dataclass
class CallbacksConf:
    """Named callbacks; an entry left null is off."""

    model_checkpoint: ModelCheckpointConf | None = None
    last_checkpoint: LastCheckpointConf | None = None
    early_stopping: EarlyStoppingConf | None = None
    lr_monitor: LearningRateMonitorConf | None = None
    rich_model_summary: RichModelSummaryConf | None = None
    progress_bar: ProgressBarConf | None = None
    rich_progress_bar: RichProgressBarConf | None = None
    curves: CurvesPlotConf | None = None
