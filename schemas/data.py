"""Data (src/data/): simulated data and its samplers, files with their datagetters and readers, shipped data sets.

Each option is its class (or function), whose signature holds its settings and their defaults; a shipped data set
(``data=digits``...) is ``data=files`` with the values that read it.
"""

from __future__ import annotations

from dataclasses import dataclass

from omegaconf import MISSING

from schemas.store import option, preset, schema


@dataclass
class SamplerConf:
    """Any sampler of simulated data. Its ``seed`` fixes the problem itself (centres, teacher weights)."""

    _target_: str = MISSING


@dataclass
class DataConf:
    """Any DataModule: it publishes the DataSpec that the backbone and the task are built from."""

    _target_: str = MISSING


@dataclass
class DatagetterConf:
    """Any datagetter: a function listing the data's files, called (as a partial) when the data is set up."""

    _target_: str = MISSING
    _partial_: bool = True


@dataclass
class ReaderConf:
    """Any reader: turns one file into one sample or several."""

    _target_: str = MISSING


@dataclass
class ExportConf:
    """A function that writes a data set's files once (idempotent, atomic) before they are listed."""

    _target_: str = MISSING
    _partial_: bool = True


SAMPLERS = "src.data.simulated.samplers"
option("data/sampler", "clusters", f"{SAMPLERS}.clusters.Clusters", base=SamplerConf)
option("data/sampler", "teacher", f"{SAMPLERS}.teacher.Teacher", base=SamplerConf)
option("data/sampler", "associative_recall", f"{SAMPLERS}.associative_recall.AssociativeRecall", base=SamplerConf)
option("data/sampler", "copy_number", f"{SAMPLERS}.copy_number.CopyNumber", base=SamplerConf)
option("data/sampler", "motif", f"{SAMPLERS}.motif.Motif", base=SamplerConf)
option("data/sampler", "tumour_copy_number", f"{SAMPLERS}.tumour_copy_number.TumourCopyNumber", base=SamplerConf)
option(
    "data",
    "simulated",
    "src.data.simulated.datamodule.SimulatedDataModule",
    base=DataConf,
    groups={"sampler": "clusters"},  # data/sampler=<option>
    seed="${seed}",  # the data streams follow the run's seed
)

GETTERS = "src.data.files.getters"
Manifest = option(
    "data/datagetter",
    "from_manifest",
    f"{GETTERS}.from_manifest",
    base=DatagetterConf,
    csv_path="${paths.data_dir}/my_data/manifest.csv",
)
GlobFiles = option(
    "data/datagetter", "glob_files", f"{GETTERS}.glob_files", base=DatagetterConf, root="${paths.data_dir}/my_data"
)
READERS = "src.data.files.readers"
NumpyReader = option("data/reader", "numpy", f"{READERS}.NumpyReader", base=ReaderConf)
option("data/reader", "torch", f"{READERS}.TorchReader", base=ReaderConf)
option("data/reader", "track", f"{READERS}.TrackReader", base=ReaderConf)
CSVRows = option("data/reader", "csv_rows", f"{READERS}.CSVRowsReader", base=ReaderConf)
Files = option(
    "data",
    "files",
    "src.data.files.datamodule.FileDataModule",
    base=DataConf,
    groups={"datagetter": "from_manifest", "reader": "numpy"},  # data/datagetter=<option>, data/reader=<option>
)


def export(function: str, root: str, **values: str) -> object:
    """The node that runs ``src/data/files/<function>`` (writing a shipped data set's files) before listing them."""
    return schema("data", f"src.data.files.{function}", base=ExportConf, root=root, **values)()


preset(
    "data",
    "digits",
    Files,
    "scikit-learn's digits (1,797 8x8 images, 10 classes), exported as .npy files and a manifest, read like yours.",
    prepare=export("exports.export_digits", "${paths.data_dir}/digits"),  # written on first use, never rewritten
    datagetter=Manifest(csv_path="${paths.data_dir}/digits/manifest.csv"),
    reader=NumpyReader(),
    num_classes=10,
    cache=True,  # 1,797 tiny files: kept in memory after the first epoch
    batch_size=64,
)
preset(
    "data",
    "diabetes",
    Files,
    "scikit-learn's diabetes (442 patients, 10 features, a continuous target), exported as one CSV file.",
    prepare=export("exports.export_diabetes", "${paths.data_dir}/diabetes"),
    datagetter=GlobFiles(root="${paths.data_dir}/diabetes", pattern="*.csv"),
    reader=CSVRows(),  # one row per patient, column "target" is y
    target_kind="continuous",
    split=[0.7, 0.1, 0.2],  # 309 / 44 / 89 samples
    normalize=True,  # raw features and targets differ in scale by 100x: standardised with training statistics
    cache=True,
    batch_size=32,
)
UCR = preset(
    "data",
    "ucr",
    Files,
    "A UCR/UEA classification set bundled with aeon: its official train/test split, validation carved from train.",
    dataset="GunPoint",  # GunPoint | ArrowHead | ItalyPowerDemand | BasicMotions | JapaneseVowels | ...
    prepare=export("aeon_sets.export_ucr", "${paths.data_dir}/ucr/${data.dataset}", dataset="${data.dataset}"),
    datagetter=Manifest(
        csv_path="${paths.data_dir}/ucr/${data.dataset}/manifest.csv", split_column="split", val_fraction=0.2
    ),
    reader=NumpyReader(),
    inputs="sequence",
    cache=True,  # small sets: every series kept in memory after the first epoch
    batch_size=16,
)
preset(
    "data",
    "tser",
    UCR,
    "A time-series regression set bundled with aeon (Covid3Month, CardanoSentiment): one number per series.",
    dataset="Covid3Month",  # Covid3Month | CardanoSentiment
    prepare=export("aeon_sets.export_tser", "${paths.data_dir}/tser/${data.dataset}", dataset="${data.dataset}"),
    datagetter=Manifest(
        csv_path="${paths.data_dir}/tser/${data.dataset}/manifest.csv", split_column="split", val_fraction=0.2
    ),
    target_kind="continuous",
    normalize=True,  # targets in their own units: standardised with training statistics
)
