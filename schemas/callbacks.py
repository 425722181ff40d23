"""Callbacks: named entries of the trainer's callbacks; ``callbacks=default | rich | none`` picks a set of them.

Lightning's callbacks have hand-written schemas (the settings a run touches); tasktriad's own are read from their
classes' signatures.
"""

from __future__ import annotations

from dataclasses import dataclass

from schemas.store import preset, register, schema


@dataclass
class ModelCheckpointConf:
    """Keep the best checkpoint by the task's monitored metric (``best.ckpt``); its metric must be finite."""

    _target_: str = "src.speed.ModelCheckpoint"  # Lightning's, its state key built once
    dirpath: str = "${paths.output_dir}/checkpoints"
    filename: str = "best"
    monitor: str = "${task.monitor}"
    mode: str = "${task.mode}"
    save_top_k: int = 1
    save_last: bool = False  # last.ckpt is the last_checkpoint entry's: Lightning's is rewritten only on improvement
    auto_insert_metric_name: bool = False
    enable_version_counter: bool = False  # best.ckpt is replaced, never joined by best-v1.ckpt


@dataclass
class LastCheckpointConf:
    """``last.ckpt`` after every epoch (what ``resume=`` continues from), whatever the monitored metric did."""

    _target_: str = "src.speed.ModelCheckpoint"  # Lightning's, its state key built once
    dirpath: str = "${paths.output_dir}/checkpoints"
    filename: str = "last"
    monitor: str | None = None  # no monitor: the newest epoch is the one kept
    save_top_k: int = 1
    enable_version_counter: bool = False  # a resumed run replaces last.ckpt, never writes last-v1.ckpt


@dataclass
class EarlyStoppingConf:
    """Stop when the task's monitored metric has not improved for ``patience`` epochs."""

    _target_: str = "lightning.pytorch.callbacks.EarlyStopping"
    monitor: str = "${task.monitor}"
    mode: str = "${task.mode}"
    patience: int = 5
    min_delta: float = 0.0


@dataclass
class LearningRateMonitorConf:
    """Log the learning rate (``lr-<optimizer>``) once per epoch."""

    _target_: str = "lightning.pytorch.callbacks.LearningRateMonitor"
    logging_interval: str = "epoch"


@dataclass
class RichProgressBarConf:
    """A rich progress bar (needs a terminal; with trainer.enable_progress_bar=false it must be off)."""

    _target_: str = "lightning.pytorch.callbacks.RichProgressBar"


@dataclass
class RichModelSummaryConf:
    """A rich table of the model's modules and parameter counts at the start of fitting."""

    _target_: str = "lightning.pytorch.callbacks.RichModelSummary"
    max_depth: int = 2


@dataclass
class CallbackConf:
    """Any callback of tasktriad's own."""


TimedProgressBarConf = schema("callbacks", "src.speed.TimedProgressBar", base=CallbackConf)
CurvesPlotConf = schema("callbacks", "src.callbacks.CurvesPlot", base=CallbackConf, monitor="${task.monitor}")


@dataclass
class CallbacksConf:
    """No callbacks of ours. Lightning still saves its default checkpoint unless trainer.enable_checkpointing=false."""

    model_checkpoint: ModelCheckpointConf | None = None
    last_checkpoint: LastCheckpointConf | None = None
    early_stopping: EarlyStoppingConf | None = None
    lr_monitor: LearningRateMonitorConf | None = None
    rich_model_summary: RichModelSummaryConf | None = None
    progress_bar: TimedProgressBarConf | None = None  # type: ignore[valid-type]
    rich_progress_bar: RichProgressBarConf | None = None
    curves: CurvesPlotConf | None = None  # type: ignore[valid-type]


register("callbacks", "none", CallbacksConf)
EVERY_RUN = {  # the default set, less its progress bar
    "model_checkpoint": ModelCheckpointConf(),  # <run dir>/checkpoints/best.ckpt, by task.monitor in task.mode
    "last_checkpoint": LastCheckpointConf(),  # <run dir>/checkpoints/last.ckpt after every epoch (resume=)
    "early_stopping": EarlyStoppingConf(),  # stop after `patience` epochs without improvement
    "lr_monitor": LearningRateMonitorConf(),  # lr-<Optimizer> in metrics.csv, once per epoch
    "rich_model_summary": RichModelSummaryConf(),  # module tree and parameter counts
    "curves": CurvesPlotConf(),  # <run dir>/curves.png: loss and task.monitor per epoch
}
preset(
    "callbacks",
    "default",
    CallbacksConf,
    "Best and last checkpoints, early stopping, the learning rate, a model summary, a progress bar, curves.png.",
    **EVERY_RUN,
    progress_bar=TimedProgressBarConf(),  # tqdm, redrawn every 0.2 s (callbacks.progress_bar.interval)
)
preset(
    "callbacks",
    "rich",
    CallbacksConf,
    "The default callbacks with a rich progress bar in place of the tqdm one, for an interactive terminal.",
    **EVERY_RUN,
    rich_progress_bar=RichProgressBarConf(),
)
