"""Data: simulated data and its samplers, your files with their datagetters and readers (configs/data/, src/data/)."""

from __future__ import annotations

from dataclasses import dataclass, field

from omegaconf import MISSING

from schemas.store import store


@dataclass
class SamplerConf:
    """Any simulated-data sampler. ``seed`` fixes the problem itself (centres, teacher weights)."""

    _target_: str = MISSING
    seed: int = 0


@store("data/sampler/clusters")
@dataclass
class ClustersConf(SamplerConf):
    """Gaussian clusters with centres on a line, so that labels are ordinal."""

    _target_: str = "src.data.simulated.samplers.clusters.Clusters"
    num_classes: int = 5  # K: labels 0..K-1
    dim: int = 16  # input dimension
    spacing: float = 4.0  # distance between neighbouring centres, in units of noise
    noise: float = 1.0  # standard deviation of each cluster


@store("data/sampler/teacher")
@dataclass
class TeacherConf(SamplerConf):
    """Continuous targets from a fixed random MLP teacher plus noise."""

    _target_: str = "src.data.simulated.samplers.teacher.Teacher"
    dim: int = 16  # input dimension
    target_dim: int = 1  # outputs per sample
    hidden: int = 32  # the teacher's hidden width
    noise: float = 0.1  # target noise std, relative to the teacher's unit-variance output (best R² ≈ 1/(1+noise²))


@store("data/sampler/associative_recall")
@dataclass
class AssociativeRecallConf(SamplerConf):
    """Multi-query associative recall (Zoology's MQAR): key-value pairs, then queries; targets at the queries."""

    _target_: str = "src.data.simulated.samplers.associative_recall.AssociativeRecall"
    vocab_size: int = 64  # keys from the lower half, values from the upper half
    pairs: int = 8  # key-value pairs per sequence, each queried once
    length: int = 64  # tokens per sequence (at least 3 * pairs)


@store("data/sampler/copy_number")
@dataclass
class CopyNumberConf(SamplerConf):
    """A genome-like copy-number track: one integer state per position, seen through noisy read depths."""

    _target_: str = "src.data.simulated.samplers.copy_number.CopyNumber"
    num_states: int = 5  # copy numbers 0..K-1
    normal: int = 2  # the usual copy number; its depth reads about 1
    normal_fraction: float = 0.6  # share of segments at the normal state
    mean_segment: float = 32.0  # mean segment length, in positions
    length: int = 256  # positions per sequence
    channels: int = 2  # read-depth-like signals per position
    coverage: float = 8.0  # reads per copy; the noise falls as it grows
    level: str = "position"  # position: a state per position | sample: one per sequence, its mean state rounded


@store("data/sampler/motif")
@dataclass
class MotifConf(SamplerConf):
    """Random tokens with 0..max_count copies of one planted motif; the target is the count."""

    _target_: str = "src.data.simulated.samplers.motif.Motif"
    vocab_size: int = 16
    motif_length: int = 6
    max_count: int = 3  # targets 0..max_count; 1: presence
    length: int = 64  # the longest sequence
    min_length: int = 32  # the shortest; below length, sequences vary in length and batches carry a mask


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

    _target_: str = "src.data.simulated.datamodule.SimulatedDataModule"
    sampler: SamplerConf = MISSING
    num_train: int = 8192  # samples per training epoch, drawn fresh each epoch
    num_val: int = 2048  # fixed validation set
    num_test: int = 2048  # fixed test set
    seed: int = "${seed}"  # type: ignore[assignment]  # the data streams follow the run's seed
    device: str = "cpu"  # cpu | cuda: where batches are drawn (cuda: on the GPU, no host sampling or copy)


@dataclass
class DatagetterConf:
    """Any datagetter: a function listing the data's files, called (as a partial) when the data is set up."""

    _target_: str = MISSING
    _partial_: bool = True


@store("data/datagetter/glob_files")
@dataclass
class GlobFilesConf(DatagetterConf):
    """Every file below ``root`` matching ``pattern``; labels inside the files."""

    _target_: str = "src.data.files.getters.glob_files"
    root: str = "${paths.data_dir}/my_data"
    pattern: str = "**/*.npz"


@store("data/datagetter/from_manifest")
@dataclass
class ManifestConf(DatagetterConf):
    """Rows of (path, label) from a CSV manifest."""

    _target_: str = "src.data.files.getters.from_manifest"
    csv_path: str = "${paths.data_dir}/my_data/manifest.csv"
    path_column: str = "path"
    label_column: str = "label"
    split_column: str | None = None  # a column naming each row's split (train/val/test); null: data.split decides
    val_fraction: float = 0.0  # with split_column: this share of the train rows becomes the validation split
    val_seed: int = 0  # which train rows become validation rows


@dataclass
class ReaderConf:
    """Any reader: turns one file into one sample or several."""

    _target_: str = MISSING


@store("data/reader/numpy")
@dataclass
class NumpyReaderConf(ReaderConf):
    """.npy (one sample) and .npz (arrays x and y: N samples)."""

    _target_: str = "src.data.files.readers.NumpyReader"
    x_key: str = "x"
    y_key: str = "y"


@store("data/reader/torch")
@dataclass
class TorchReaderConf(ReaderConf):
    """.pt: a tensor (one sample) or a dict {x, y} (N samples)."""

    _target_: str = "src.data.files.readers.TorchReader"


@store("data/reader/csv_rows")
@dataclass
class CSVRowsReaderConf(ReaderConf):
    """One sample per CSV row: the target columns are y, the others x."""

    _target_: str = "src.data.files.readers.CSVRowsReader"
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

    _target_: str = "src.data.files.datamodule.FileDataModule"
    dataset: str | None = None  # the data set's name: in log lines, and in paths as ${data.dataset}
    datagetter: DatagetterConf = MISSING
    reader: ReaderConf = MISSING
    prepare: ExportConf | None = None  # writes the files first (data=digits, data=diabetes)
    target_kind: str = "integer"  # integer | continuous
    num_classes: int | None = None  # integer targets; null: the getter's labels, which must be 0..K-1
    inputs: str = "real"  # real: one fixed shape | sequence: (length, channels) or (length,) | tokens: (length,) ids
    vocab_size: int | None = None  # inputs=tokens: ids are 0..vocab_size-1
    max_length: int | None = None  # sequences: the longest allowed; null: the longest sample of any split (reads each)
    split: list[float] = field(default_factory=lambda: [0.8, 0.1, 0.1])  # train, val, test fractions of the samples
    split_seed: int = 0  # the split never depends on the run's seed
    split_by: str = "file"  # file: no file in two splits (one file: its samples) | sample: samples anywhere
    normalize: bool = False  # standardise inputs and continuous targets with training-split statistics
    cache: bool = False  # keep read files in memory (per worker); false: training reads file by file
    on_bad_file: str = "raise"  # raise: stop, naming the file | skip: read every file once at set-up, leave bad out
    pin_memory: bool = False
    persistent_workers: bool = True  # keep workers alive between epochs (with num_workers > 0)


@store("data/digits")
@dataclass
class DigitsDataConf(FileDataConf):
    """scikit-learn's digits (1,797 8x8 images, 10 classes), exported as .npy files and a manifest, read like yours."""

    prepare: ExportConf | None = field(  # writes the files on first use (atomic, never rewritten)
        default_factory=lambda: ExportConf(
            _target_="src.data.files.exports.export_digits", root="${paths.data_dir}/digits"
        )
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
            _target_="src.data.files.exports.export_diabetes", root="${paths.data_dir}/diabetes"
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


@dataclass
class AeonExportConf(ExportConf):
    """Writes one set bundled with aeon as files, once (src/data/files/aeon_sets.py)."""

    dataset: str = MISSING


@store("data/ucr")
@dataclass
class UCRDataConf(FileDataConf):
    """A UCR/UEA classification set bundled with aeon: its official train/test split, validation carved from train."""

    dataset: str = "GunPoint"  # GunPoint | ArrowHead | ItalyPowerDemand | BasicMotions | JapaneseVowels | ...
    prepare: ExportConf | None = field(
        default_factory=lambda: AeonExportConf(
            _target_="src.data.files.aeon_sets.export_ucr",
            root="${paths.data_dir}/ucr/${data.dataset}",
            dataset="${data.dataset}",
        )
    )
    datagetter: DatagetterConf = field(
        default_factory=lambda: ManifestConf(
            csv_path="${paths.data_dir}/ucr/${data.dataset}/manifest.csv", split_column="split", val_fraction=0.2
        )
    )
    reader: ReaderConf = field(default_factory=NumpyReaderConf)
    inputs: str = "sequence"
    cache: bool = True  # small sets: keep every series in memory after the first epoch
    batch_size: int = 16


@store("data/tser")
@dataclass
class TSERDataConf(UCRDataConf):
    """A time-series regression set bundled with aeon (Covid3Month, CardanoSentiment): one number per series."""

    dataset: str = "Covid3Month"  # Covid3Month | CardanoSentiment
    prepare: ExportConf | None = field(
        default_factory=lambda: AeonExportConf(
            _target_="src.data.files.aeon_sets.export_tser",
            root="${paths.data_dir}/tser/${data.dataset}",
            dataset="${data.dataset}",
        )
    )
    datagetter: DatagetterConf = field(
        default_factory=lambda: ManifestConf(
            csv_path="${paths.data_dir}/tser/${data.dataset}/manifest.csv", split_column="split", val_fraction=0.2
        )
    )
    target_kind: str = "continuous"
    normalize: bool = True  # targets in their own units: standardised with training statistics
