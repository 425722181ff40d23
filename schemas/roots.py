"""The roots of the three commands (configs/train.yaml, eval.yaml, predict.yaml), as ``schema/<command>``."""

from __future__ import annotations

from dataclasses import dataclass, field

from omegaconf import MISSING

from schemas.backbone import BackboneConf
from schemas.callbacks import CallbacksConf
from schemas.data import DataConf
from schemas.logger import LoggerConf
from schemas.optimizer import OptimizerConf
from schemas.paths import PathsConf
from schemas.scheduler import SchedulerConf
from schemas.store import register
from schemas.task import TaskConf
from schemas.trainer import TrainerConf


@dataclass
class RunConf:
    """What train and eval share."""

    job_name: str = MISSING  # logs/<job_name>/runs/...
    seed: int = 42  # seeds torch, the data streams and the decoder init
    trainer: TrainerConf = MISSING
    callbacks: CallbacksConf = MISSING
    logger: LoggerConf = field(default_factory=LoggerConf)  # each logger option fills its entry
    paths: PathsConf = MISSING


@dataclass
class TrainConf(RunConf):
    """Root of ``python -m src.train``."""

    job_name: str = "train"
    backbone: BackboneConf = MISSING
    task: TaskConf = MISSING
    data: DataConf = MISSING
    optimizer: OptimizerConf = MISSING
    scheduler: SchedulerConf | None = None
    ckpt_path: str | None = None  # a .ckpt to continue training from, in a new run folder (optimizer, epoch, step)
    resume: str | None = None  # a run folder to continue in place, from its last.ckpt, with its own overrides
    backbone_ckpt: str | None = None  # transfer: start the backbone from another run's .ckpt (any task), fresh decoder
    freeze_backbone: bool = False  # with backbone_ckpt: train the new decoder alone (a linear probe)
    test: bool = True  # after fitting, test the best checkpoint
    optimized_metric: str | None = "${task.monitor}"  # returned to sweepers; the task decides what "best" means


@dataclass
class EvalConf(RunConf):
    """Root of ``python -m src.eval``: the model, task and data come from the checkpoint's own config."""

    job_name: str = "eval"
    ckpt_path: str = MISSING  # required: the checkpoint to test
    data: DataConf | None = None  # test on other data than the run's own (its spec must fit the model)


@dataclass
class PredictConf(EvalConf):
    """Root of ``python -m src.predict``: the task's post-processed predictions written to a CSV file."""

    job_name: str = "predict"
    output: str = "${paths.output_dir}/predictions.csv"  # the CSV file written


register("schema", "train", TrainConf)
register("schema", "eval", EvalConf)
register("schema", "predict", PredictConf)
