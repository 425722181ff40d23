"""Typed schemas for every config option, registered in Hydra's ConfigStore.

Every value has one home: the defaults of every option live here, and nowhere else. An option's YAML holds only
its defaults list, ``[/schema/<group>/<name>@_here_]`` (a logger or callback entry: ``/schema/logger/<name>@<name>``,
so that it fills its one entry and ``logger=[csv,mlflow]`` combines them), and a comment on what the option is.
So a misspelled key or a value of the wrong type is rejected while Hydra composes, before anything runs, and
``python -m src.train --cfg job`` shows every value. This module imports only the standard library, Hydra and the
config resolvers: the CLI's ``--help`` and ``--cfg job`` never pay for torch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from hydra.core.config_store import ConfigStore
from omegaconf import MISSING

import src.runs.resolvers  # noqa: F401  (registers ${newest_ckpt:...}, which the transfer_* presets use)

T = TypeVar("T")


def store(path: str) -> Callable[[type[T]], type[T]]:
    """Register the decorated schema as ``schema/<path>`` in Hydra's ConfigStore."""

    def register(cls: type[T]) -> type[T]:
        group, _, name = f"schema/{path}".rpartition("/")
        ConfigStore.instance().store(group=group, name=name, node=cls)
        return cls

    return register


# --------------------------------------------------------------------------- backbone: pure PyTorch feature extractors
@dataclass
class BackboneConf:
    """Any backbone. ``in_shape`` is wired from the data at build time, never typed here."""

    _target_: str = MISSING


@store("backbone/mlp")
@dataclass
class MLPConf(BackboneConf):
    """Multi-layer perceptron over the flattened input."""

    _target_: str = "src.backbones.mlp.MLP"
    depth: int = 2  # hidden layers
    width: int = 128  # units per hidden layer; also the feature size (out_dim) the task's decoder reads
    activation: str = "relu"  # relu | gelu | silu | tanh
    dropout: float = 0.0  # after each layer
    norm: str = "none"  # none | batch | layer


@store("backbone/resmlp")
@dataclass
class ResMLPConf(BackboneConf):
    """Residual MLP: pre-LayerNorm blocks with a skip connection."""

    _target_: str = "src.backbones.resmlp.ResMLP"
    depth: int = 3  # residual blocks
    width: int = 128  # residual stream width; also the feature size (out_dim) the task's decoder reads
    expansion: int = 2  # hidden units per block = expansion * width
    dropout: float = 0.0  # inside each block


@store("backbone/cnn")
@dataclass
class CNNConf(BackboneConf):
    """2-D conv net for image-shaped inputs (C, H, W)."""

    _target_: str = "src.backbones.cnn.CNN"
    depth: int = 3  # conv blocks; each halves the image while it is larger than 2x2
    channels: int = 32  # of the first block, doubled by each further one (out_dim = channels * 2^(depth-1))
    activation: str = "relu"  # relu | gelu | silu | tanh
    dropout: float = 0.0  # on the pooled features


# --------------------------------------------------------------------------- task: decoder head, loss, metrics
@dataclass
class TaskConf:
    """Any task. ``monitor``/``mode`` drive checkpointing, early stopping and ``optimized_metric``."""

    _target_: str = MISSING
    monitor: str = MISSING  # a logged metric, e.g. val/acc
    mode: str = MISSING  # min | max


@store("task/classification")
@dataclass
class ClassificationConf(TaskConf):
    """Integer labels learned as categories."""

    _target_: str = "src.tasks.classification.Classification"
    monitor: str = "val/acc"  # checkpoint / early-stop / sweep on this metric
    mode: str = "max"
    label_smoothing: float = 0.0  # cross-entropy label smoothing, 0 to 1


@store("task/regression")
@dataclass
class RegressionConf(TaskConf):
    """Continuous targets."""

    _target_: str = "src.tasks.regression.Regression"
    monitor: str = "val/mse"
    mode: str = "min"
    loss: str = "mse"  # mse | huber
    huber_delta: float = 1.0  # used by loss=huber


@store("task/integer_regression")
@dataclass
class IntegerRegressionConf(TaskConf):
    """Integer labels learned as one number."""

    _target_: str = "src.tasks.integer_regression.IntegerRegression"
    monitor: str = "val/mae"
    mode: str = "min"


# --------------------------------------------------------------------------- data and its samplers
@dataclass
class SamplerConf:
    """Any simulated-data sampler. ``seed`` fixes the problem itself (centres, teacher weights)."""

    _target_: str = MISSING
    seed: int = 0


@store("data/sampler/clusters")
@dataclass
class ClustersConf(SamplerConf):
    """Gaussian clusters with centres on a line, so that labels are ordinal."""

    _target_: str = "src.data.samplers.clusters.Clusters"
    num_classes: int = 5  # K: labels 0..K-1
    dim: int = 16  # input dimension
    spacing: float = 4.0  # distance between neighbouring centres, in units of noise
    noise: float = 1.0  # standard deviation of each cluster


@store("data/sampler/teacher")
@dataclass
class TeacherConf(SamplerConf):
    """Continuous targets from a fixed random MLP teacher plus noise."""

    _target_: str = "src.data.samplers.teacher.Teacher"
    dim: int = 16  # input dimension
    target_dim: int = 1  # outputs per sample
    hidden: int = 32  # the teacher's hidden width
    noise: float = 0.1  # target noise std, relative to the teacher's unit-variance output (best R² ≈ 1/(1+noise²))


@dataclass
class DataConf:
    """Any DataModule."""

    _target_: str = MISSING
    batch_size: int = 128
    num_workers: int = 0  # DataLoader workers (simulated data: each draws its own batches)


@store("data/simulated")
@dataclass
class SimulatedDataConf(DataConf):
    """Simulated data: a sampler draws whole batches from a seeded stream."""

    _target_: str = "src.data.simulated.SimulatedDataModule"
    sampler: SamplerConf = MISSING
    num_train: int = 8192  # samples per training epoch, drawn fresh each epoch
    num_val: int = 2048  # fixed validation set
    num_test: int = 2048  # fixed test set
    seed: int = "${seed}"  # type: ignore[assignment]  # the data streams follow the run's seed


@dataclass
class DatagetterConf:
    """Any datagetter: a function listing the data's files, called (as a partial) when the data is set up."""

    _target_: str = MISSING
    _partial_: bool = True


@store("data/datagetter/glob_files")
@dataclass
class GlobFilesConf(DatagetterConf):
    """Every file below ``root`` matching ``pattern``; labels inside the files."""

    _target_: str = "src.data.getters.glob_files"
    root: str = "${paths.data_dir}/my_data"
    pattern: str = "**/*.npz"


@store("data/datagetter/from_manifest")
@dataclass
class ManifestConf(DatagetterConf):
    """Rows of (path, label) from a CSV manifest."""

    _target_: str = "src.data.getters.from_manifest"
    csv_path: str = "${paths.data_dir}/my_data/manifest.csv"
    path_column: str = "path"
    label_column: str = "label"


@dataclass
class ReaderConf:
    """Any reader: turns one file into one sample or several."""

    _target_: str = MISSING


@store("data/reader/numpy")
@dataclass
class NumpyReaderConf(ReaderConf):
    """.npy (one sample) and .npz (arrays x and y: N samples)."""

    _target_: str = "src.data.readers.NumpyReader"
    x_key: str = "x"
    y_key: str = "y"


@store("data/reader/torch")
@dataclass
class TorchReaderConf(ReaderConf):
    """.pt: a tensor (one sample) or a dict {x, y} (N samples)."""

    _target_: str = "src.data.readers.TorchReader"


@store("data/reader/csv_rows")
@dataclass
class CSVRowsReaderConf(ReaderConf):
    """One sample per CSV row: the target columns are y, the others x."""

    _target_: str = "src.data.readers.CSVRowsReader"
    target: list[str] = field(default_factory=lambda: ["target"])
    delimiter: str = ","


@dataclass
class ExportConf:
    """A function that writes a data set's files once (idempotent, atomic) before they are listed."""

    _target_: str = MISSING
    _partial_: bool = True
    root: str = MISSING


@store("data/files")
@dataclass
class FileDataConf(DataConf):
    """Your own files: a datagetter lists them, a reader reads them lazily, a seeded split divides the samples."""

    _target_: str = "src.data.files.FileDataModule"
    datagetter: DatagetterConf = MISSING
    reader: ReaderConf = MISSING
    prepare: ExportConf | None = None  # writes the files first (data=digits, data=diabetes)
    target_kind: str = "integer"  # integer | continuous
    num_classes: int | None = None  # integer targets; null: max label + 1 of the getter's labels
    split: list[float] = field(default_factory=lambda: [0.8, 0.1, 0.1])  # train, val, test fractions of the samples
    split_seed: int = 0  # the split never depends on the run's seed
    normalize: bool = False  # standardise inputs and continuous targets with training-split statistics
    cache: bool = False  # keep read files in memory (per worker)
    on_bad_file: str = "raise"  # raise: stop, naming the file | skip: read every file once at set-up, leave bad out
    pin_memory: bool = False
    persistent_workers: bool = True  # keep workers alive between epochs (with num_workers > 0)


@store("data/digits")
@dataclass
class DigitsDataConf(FileDataConf):
    """scikit-learn's digits (1,797 8x8 images, 10 classes), exported as .npy files and a manifest, read like yours."""

    prepare: ExportConf | None = field(  # writes the files on first use (atomic, never rewritten)
        default_factory=lambda: ExportConf(_target_="src.data.exports.export_digits", root="${paths.data_dir}/digits")
    )
    datagetter: DatagetterConf = field(
        default_factory=lambda: ManifestConf(csv_path="${paths.data_dir}/digits/manifest.csv")
    )
    reader: ReaderConf = field(default_factory=NumpyReaderConf)
    num_classes: int | None = 10
    cache: bool = True  # 1,797 tiny files: keep them in memory after the first epoch
    batch_size: int = 64


@store("data/diabetes")
@dataclass
class DiabetesDataConf(FileDataConf):
    """scikit-learn's diabetes (442 patients, 10 features, a continuous target), exported as one CSV file."""

    prepare: ExportConf | None = field(
        default_factory=lambda: ExportConf(
            _target_="src.data.exports.export_diabetes", root="${paths.data_dir}/diabetes"
        )
    )
    datagetter: DatagetterConf = field(
        default_factory=lambda: GlobFilesConf(root="${paths.data_dir}/diabetes", pattern="*.csv")
    )
    reader: ReaderConf = field(default_factory=CSVRowsReaderConf)  # one row per patient, column "target" is y
    target_kind: str = "continuous"
    split: list[float] = field(default_factory=lambda: [0.7, 0.1, 0.2])  # 309 / 44 / 89 samples
    normalize: bool = True  # raw features and targets differ in scale by 100x: standardise with training statistics
    cache: bool = True
    batch_size: int = 32


# --------------------------------------------------------------------------- optimisation
@dataclass
class OptimizerConf:
    """Any torch optimizer, built as a partial; TriadModule passes the parameters."""

    _target_: str = MISSING
    _partial_: bool = True
    lr: float = MISSING


@store("optimizer/adamw")
@dataclass
class AdamWConf(OptimizerConf):
    """AdamW."""

    _target_: str = "torch.optim.AdamW"
    lr: float = 3e-3
    weight_decay: float = 0.01


@store("optimizer/sgd")
@dataclass
class SGDConf(OptimizerConf):
    """SGD with momentum."""

    _target_: str = "torch.optim.SGD"
    lr: float = 0.05
    momentum: float = 0.9
    weight_decay: float = 0.0
    nesterov: bool = False


@dataclass
class SchedulerConf:
    """Any torch LR scheduler, built as a partial; stepped once per epoch."""

    _target_: str = MISSING
    _partial_: bool = True


@store("scheduler/cosine")
@dataclass
class CosineConf(SchedulerConf):
    """Cosine decay over the whole run."""

    _target_: str = "torch.optim.lr_scheduler.CosineAnnealingLR"
    T_max: int = "${trainer.max_epochs}"  # type: ignore[assignment]  # epochs to decay over
    eta_min: float = 0.0  # final LR


@store("scheduler/plateau")
@dataclass
class PlateauConf(SchedulerConf):
    """Lower the LR when the task's monitored metric stops improving."""

    _target_: str = "torch.optim.lr_scheduler.ReduceLROnPlateau"
    mode: str = "${task.mode}"  # min | max, as the task's monitored metric
    factor: float = 0.5  # LR multiplier on a plateau
    patience: int = 2  # epochs without improvement before lowering the LR


# --------------------------------------------------------------------------- trainer, callbacks, loggers, paths
@store("trainer/default")
@dataclass
class TrainerConf:
    """The Lightning Trainer arguments a run usually touches (any other one: ``+trainer.<arg>=...``)."""

    _target_: str = "lightning.pytorch.Trainer"
    accelerator: str = "auto"  # cpu | gpu | auto
    devices: Any = "auto"  # a number, a list of ids, or auto
    num_nodes: int = 1
    strategy: str = "auto"
    precision: Any = "32-true"
    max_epochs: int = 10
    min_epochs: int | None = None
    check_val_every_n_epoch: int = 1
    num_sanity_val_steps: int = 2  # validation batches run before training, to catch bugs early
    log_every_n_steps: int = 10
    gradient_clip_val: float | None = None
    accumulate_grad_batches: int = 1
    deterministic: Any = False  # true: reproducible kernels, slower on GPU
    fast_dev_run: Any = False  # true (or a number of batches): one batch of train/val/test, nothing saved
    limit_train_batches: Any | None = None
    limit_val_batches: Any | None = None
    limit_test_batches: Any | None = None
    overfit_batches: Any = 0.0
    detect_anomaly: bool = False
    enable_checkpointing: bool = True  # false: no checkpoint at all, not even Lightning's default last one
    profiler: Any = None  # null, "simple", "advanced", or a profiler config with a _target_
    enable_progress_bar: bool = True
    default_root_dir: str = "${paths.output_dir}"


@store("trainer/ddp")
@dataclass
class DDPTrainerConf(TrainerConf):
    """Lightning DDP, one process per device: gloo on CPUs (2 processes here), NCCL on GPUs."""

    strategy: str = "ddp"
    accelerator: str = "cpu"
    devices: Any = 2


@store("callbacks/model_checkpoint")
@dataclass
class ModelCheckpointConf:
    """Keep the best checkpoint by the task's monitored metric, and the last one."""

    _target_: str = "lightning.pytorch.callbacks.ModelCheckpoint"
    dirpath: str = "${paths.output_dir}/checkpoints"
    filename: str = "best"
    monitor: str = "${task.monitor}"
    mode: str = "${task.mode}"
    save_top_k: int = 1
    save_last: bool = True
    auto_insert_metric_name: bool = False


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
    early_stopping: EarlyStoppingConf | None = None
    lr_monitor: LearningRateMonitorConf | None = None
    rich_model_summary: RichModelSummaryConf | None = None
    rich_progress_bar: RichProgressBarConf | None = None
    curves: CurvesPlotConf | None = None


@store("logger/csv")
@dataclass
class CSVLoggerConf:
    """Metrics to ``<run dir>/metrics.csv``: embedded, no server."""

    _target_: str = "src.loggers.csv.MetricsCSVLogger"
    save_dir: str = "${paths.output_dir}"  # metrics.csv lands directly in the run dir
    keep_until_step: int | None = None  # set by resume=<run dir>: continue metrics.csv after that step


@store("logger/tensorboard")
@dataclass
class TensorBoardLoggerConf:
    """TensorBoard event files in ``<run dir>/tensorboard``."""

    _target_: str = "lightning.pytorch.loggers.TensorBoardLogger"
    save_dir: str = "${paths.output_dir}"
    name: str = "tensorboard"
    version: str = ""


@store("logger/wandb")
@dataclass
class WandbLoggerConf:
    """Weights & Biases, offline unless told otherwise."""

    _target_: str = "lightning.pytorch.loggers.WandbLogger"
    save_dir: str = "${paths.output_dir}"
    project: str = "tasktriad"
    offline: bool = True


@store("logger/mlflow")
@dataclass
class MLFlowLoggerConf:
    """MLflow on a local SQLite store in the logs folder (``mlflow ui`` reads it; no server to run)."""

    _target_: str = "src.loggers.mlflow.LocalMLFlowLogger"
    store_dir: str = "${paths.log_dir}/mlflow"  # mlflow.db and artifacts/, shared by every run
    experiment_name: str = "${job_name}"
    run_dir: str = "${paths.output_dir}"  # tagged on the MLflow run: the way back to checkpoints and logs
    run_name: str | None = None  # null: MLflow picks a name


@store("logger/base")
@dataclass
class LoggerConf:
    """Named loggers; an entry left null is off."""

    csv: CSVLoggerConf | None = None
    tensorboard: TensorBoardLoggerConf | None = None
    wandb: WandbLoggerConf | None = None
    mlflow: MLFlowLoggerConf | None = None


@store("paths/default")
@dataclass
class PathsConf:
    """Where data and runs live; ``DATA_DIR`` and ``LOG_DIR`` (shell or ``.env``) move them."""

    root_dir: str = "${oc.env:PROJECT_ROOT,.}"  # set by the entry point to the repository root
    data_dir: str = "${oc.env:DATA_DIR,${paths.root_dir}/data}"  # data sets and exported files
    log_dir: str = "${oc.env:LOG_DIR,${paths.root_dir}/logs}"  # every run's folder goes below this
    output_dir: str = "${hydra:runtime.output_dir}"  # this run's folder (set by Hydra)


# --------------------------------------------------------------------------- roots
@dataclass
class RunConf:
    """What train and eval share."""

    job_name: str = MISSING  # logs/<job_name>/runs/...
    seed: int = 42  # seeds torch, the data streams and the decoder init
    trainer: TrainerConf = MISSING
    callbacks: CallbacksConf = MISSING
    logger: LoggerConf = MISSING
    paths: PathsConf = MISSING


@store("train")
@dataclass
class TrainConf(RunConf):
    """Root of ``python -m src.train``."""

    job_name: str = "train"
    backbone: BackboneConf = MISSING
    task: TaskConf = MISSING
    data: DataConf = MISSING
    optimizer: OptimizerConf = MISSING
    scheduler: SchedulerConf | None = None
    ckpt_path: str | None = None  # a .ckpt to resume training from (optimizer, scheduler, epoch and step)
    backbone_ckpt: str | None = None  # transfer: start the backbone from another run's .ckpt (any task), fresh decoder
    freeze_backbone: bool = False  # with backbone_ckpt: train the new decoder alone (a linear probe)
    test: bool = True  # after fitting, test the best checkpoint
    optimized_metric: str | None = "${task.monitor}"  # returned to sweepers; the task decides what "best" means


@store("eval")
@dataclass
class EvalConf(RunConf):
    """Root of ``python -m src.eval``: the model, task and data come from the checkpoint's own config."""

    job_name: str = "eval"
    ckpt_path: str = MISSING  # required: the checkpoint to test
    data: DataConf | None = None  # test on other data than the run's own (its spec must fit the model)


@store("predict")
@dataclass
class PredictConf(EvalConf):
    """Root of ``python -m src.predict``: the task's post-processed predictions written to a CSV file."""

    job_name: str = "predict"
    output: str = "${paths.output_dir}/predictions.csv"  # the CSV file written
