"""FileDataModule: real data from files, listed by a datagetter and read lazily by a reader."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any

import torch
from torch.utils.data import DataLoader

from src.data.base import SplitDataModule
from src.data.files.getters import Record
from src.data.files.labels import class_count, described, first, further_targets
from src.data.files.layout import Layout
from src.data.files.order import EvalSampleOrder, FileSampleOrder
from src.data.files.readers import Reader
from src.data.files.samples import FileSamples, SampleRef, UnreadableBatch, collate, count_file, read_file
from src.data.files.splits import SPLITS, divide
from src.data.files.statistics import Statistics, statistics
from src.data.spec import DataSpec, InputKind, Target, TargetKind
from src.errors import TriadError
from src.speed import Loader

log = logging.getLogger(__name__)
Getter = Callable[[], list[Record] | dict[str, list[Record]]]


class FileDataModule(SplitDataModule):
    """Your own files: a datagetter lists them, a reader reads them lazily, a seeded split divides the samples.

    The same DataSpec contract as simulated data. ``datagetter()`` returns records ``(path, label or None)``, or a dict
    of them per split (an explicit split). Otherwise the samples are split by ``split`` fractions with a generator
    seeded by ``split_seed``, so the split never depends on the run's seed. ``prepare`` (optional) writes the files
    first, on local rank 0.
    """

    def __init__(
        self,
        *,
        datagetter: Getter,  # lists the files: data/datagetter=from_manifest | glob_files | your own function
        reader: Reader,  # turns a file into samples: data/reader=numpy | torch | csv_rows
        prepare: Callable[[], object] | None = None,  # writes the files first (data=digits, data=diabetes)
        dataset: str | None = None,  # the data set's name: in log lines, and in paths as ${data.dataset}
        target_kind: TargetKind = "integer",  # integer | continuous
        num_classes: int | None = None,  # integer targets; null: the getter's labels, which must be 0..K-1
        inputs: InputKind = "real",  # real: one fixed shape | sequence: (length, channels) or (length,) | tokens
        vocab_size: int | None = None,  # inputs=tokens: ids are 0..vocab_size-1
        max_length: int | None = None,  # sequences: the longest allowed; null: the longest sample (reads each)
        split: Sequence[float] = (0.8, 0.1, 0.1),  # train, val, test fractions of the samples
        split_seed: int = 0,  # the split never depends on the run's seed
        split_by: str = "file",  # file: no file in two splits (one file: its samples) | sample: samples anywhere
        folds: int | None = None,  # K-fold cross-validation: test is fold data.fold of K (stratified by class)
        fold: int = 0,  # with folds: the test fold, 0..K-1; sweep it: -m data.fold=0,1,2,3,4
        normalize: bool = False,  # standardise inputs and continuous targets with training-split statistics
        cache: bool = False,  # keep read files in memory (per worker); false: training reads file by file
        on_bad_file: str = "raise",  # raise: stop, naming the file | skip: read every file once, leave bad out
        pin_memory: bool = False,
        persistent_workers: bool = True,  # keep workers alive between epochs (with num_workers > 0)
        # Further named targets, for several heads (task=multi): name -> its classes (an integer target) or null
        # (a continuous one), read by the getter (datagetter.more_columns) or the reader (reader.more_keys).
        more_targets: Mapping[str, int | None] | None = None,
        **loading: Any,  # batch_size, num_workers: see SplitDataModule
    ) -> None:
        super().__init__(**loading)
        if on_bad_file not in ("raise", "skip"):
            raise ValueError(f"on_bad_file must be raise or skip, got {on_bad_file!r}")
        if target_kind not in ("integer", "continuous"):
            raise ValueError(f"target_kind must be integer or continuous, got {target_kind!r}")
        if inputs not in ("real", "sequence", "tokens") or (inputs == "tokens") != (vocab_size is not None):
            raise ValueError(
                f"inputs must be real, sequence or tokens, and tokens (only) need vocab_size; got {inputs}"
            )
        self.inputs, self.vocab_size, self.max_length = inputs, vocab_size, max_length
        self.datagetter, self.reader, self.prepare, self.dataset = datagetter, reader, prepare, dataset
        self.target_kind, self.num_classes = target_kind, num_classes
        self.split, self.split_seed, self.split_by = list(split), split_seed, split_by
        self.folds, self.fold = folds, fold
        self.normalize, self.cache = normalize, cache
        self.on_bad_file = on_bad_file
        self.pin_memory, self.persistent_workers = pin_memory, persistent_workers
        self.more_targets = dict(more_targets or {})
        self.datasets: dict[str, FileSamples] | None = None
        self._spec: DataSpec | None = None
        self.per_position: Target | None = None  # the first target, when it has one value per position
        self._stats: Statistics | None = None  # the training split's, or a checkpoint's (load_state_dict)

    def prepare_data(self) -> None:
        """Write the files, if this data source makes its own (idempotent; Lightning calls it on rank 0)."""
        if self.prepare is not None:
            self.prepare()

    @property
    def spec(self) -> DataSpec:
        """Input shape from the first training sample (one file read); targets as configured."""
        self.setup()
        assert self._spec is not None
        return self._spec

    def setup(self, stage: str | None = None) -> None:
        """List the files, split the samples, check labels; files themselves are read only when asked for."""
        if self.datasets is not None:
            return
        if int(os.environ.get("LOCAL_RANK", 0)) == 0:  # the model is built before the Trainer calls prepare_data
            self.prepare_data()
        listed = self.datagetter()
        if not listed:
            raise TriadError(f"the datagetter {_name(self.datagetter)} returned no files.")
        explicit = listed if isinstance(listed, dict) else None
        records = [r for part in explicit.values() for r in part] if explicit else list(listed)
        records, refs = self._references(records)
        folding = (self.folds, self.fold) if self.folds is not None else None
        parts = divide(records, refs, explicit, self.split, self.split_seed, self.split_by, folding, self.target_kind)
        num_classes = class_count(records, self.num_classes) if self.target_kind == "integer" else None
        probe = FileSamples(records, parts["train"], self.reader, cache=False)
        x, y = probe.raw(0)
        more = further_targets(x, y, self.more_targets, self.inputs)
        first_name = next(iter(y)) if more and isinstance(y, dict) else "target"
        y = first(y)
        target = described(first_name, y, x, self.inputs, num_classes)  # one per sample, or one per position
        self.per_position = target if target.level == "position" else None
        self.layout = self._layout(
            FileSamples(records, [r for s in SPLITS for r in parts[s]], self.reader, cache=False), x
        )
        if self.normalize and self._stats is None:  # a checkpoint's come first: eval and predict normalise as training
            channels = self.layout.in_shape[-1] if self.inputs == "sequence" else None  # per channel, over positions
            self._stats = statistics(probe, self.reader, channels, per_position=self.per_position is not None)
        x_stats, y_stats = self._stats if self.normalize and self._stats is not None else (None, None)
        self.datasets = {
            split: FileSamples(
                records,
                parts[split],
                self.reader,
                cache=self.cache,
                layout=self.layout,
                num_classes=num_classes,
                x_stats=x_stats,
                more=more,
                per_position=self.per_position,
            )
            for split in SPLITS
        }
        self._spec = DataSpec(
            in_shape=self.layout.in_shape,
            inputs=self.inputs,
            vocab_size=self.vocab_size,
            variable_length=self.layout.variable_length,
            target_kind=self.target_kind,
            num_classes=num_classes,
            target_dim=target.target_dim,
            target_level=target.level,
            target_mean=y_stats[0] if y_stats and not num_classes else None,
            target_std=y_stats[1] if y_stats and not num_classes else None,
            target_name=first_name,
            more_targets=more,
        )
        log.info(
            f"{self.dataset or 'Files'}: {len(records)} files; samples per split: "
            + ", ".join(f"{s}={len(parts[s])}" for s in SPLITS)
        )

    def _layout(self, every: FileSamples, first: torch.Tensor) -> Layout:
        """The inputs' layout: the first training sample's shape, and for sequences the longest length.

        Sequences: the longest length of any split and whether lengths vary, found by reading every file once,
        unless data.max_length is set.
        """
        shape = Layout.shape_of(self.inputs, first)
        if self.inputs == "real":
            return Layout("real", shape)
        if self.max_length is not None:
            return Layout(self.inputs, (self.max_length, *shape[1:]), self.vocab_size, variable_length=True)
        lengths = {Layout.shape_of(self.inputs, every.raw(i)[0])[0] for i in range(len(every))}
        return Layout(self.inputs, (max(lengths), *shape[1:]), self.vocab_size, variable_length=len(lengths) > 1)

    def _references(self, records: list[Record]) -> tuple[list[Record], list[SampleRef]]:
        """One (record, offset) per sample. With on_bad_file=skip every file is read once here, to drop bad ones."""
        kept: list[Record] = []
        refs: list[SampleRef] = []
        bad: list[str] = []
        for path, label in records:
            if self.on_bad_file == "skip":
                try:
                    count = len(read_file(self.reader, path))
                except TriadError:
                    bad.append(str(path))
                    continue
            else:
                count = count_file(self.reader, path)
            refs += [(len(kept), offset) for offset in range(count)]
            kept.append((path, label))
        if bad:
            log.warning(f"on_bad_file=skip: skipped {len(bad)} unreadable file(s), e.g. {bad[0]}")
        return kept, refs

    def state_dict(self) -> dict[str, torch.Tensor]:
        """Saved into every checkpoint by Lightning: the training split's statistics, which eval and predict reuse."""
        if self._stats is None:
            return {}
        (x_mean, x_std), (y_mean, y_std) = self._stats
        return {"x_mean": x_mean, "x_std": x_std, "y_mean": torch.tensor(y_mean), "y_std": torch.tensor(y_std)}

    def load_state_dict(self, state_dict: dict[str, torch.Tensor]) -> None:
        """Normalise with a checkpoint's statistics: the data at hand is then not read to compute its own."""
        if "x_mean" in state_dict:
            y_mean, y_std = (tuple(state_dict[k].tolist()) for k in ("y_mean", "y_std"))
            self._stats = ((state_dict["x_mean"], state_dict["x_std"]), (y_mean, y_std))

    def loader(self, split: str) -> DataLoader:
        """Samples of ``split``, shuffled for training."""
        self.setup()
        assert self.datasets is not None
        dataset = self.datasets[split]
        # Training: shuffled (file by file when uncached: each file read once an epoch), Lightning's DistributedSampler
        # under DDP (even shares). Val/test: in file order, each sample on one rank only.
        if split == "train":
            sampler = None if self.cache else FileSampleOrder(dataset.refs, self.split_seed)
        else:
            sampler = EvalSampleOrder(len(dataset), what=f"the {split} split")
        return Loader(
            dataset,
            batch_size=self.batch_size,
            shuffle=split == "train" and sampler is None,
            sampler=sampler,
            num_workers=self.num_workers,
            pin_memory=self.pin_memory,
            persistent_workers=self.persistent_workers and self.num_workers > 0,
            collate_fn=partial(collate, pad=self.layout.variable_length, per_position=self.per_position is not None),
        )

    def on_before_batch_transfer(self, batch: Any, dataloader_idx: int) -> Any:
        """Raise, in the main process, the error a loader worker met while reading this batch."""
        if isinstance(batch, UnreadableBatch):
            raise TriadError(batch.message)
        return batch


def _name(getter: Getter) -> str:
    func = getattr(getter, "func", getter)
    return f"{getattr(func, '__module__', '')}.{getattr(func, '__qualname__', repr(func))}".lstrip(".")
