"""tools/track_lengths.py: every cell is a valid command line at one budget, and the table reads the jobs' scores."""

from __future__ import annotations

from pathlib import Path

import pytest
from hydra.utils import instantiate

from tests.helpers import compose_cfg
from tools.track_lengths import EPOCHS, STEP, STEPS, cell_name, cell_overrides, cells, table


@pytest.mark.parametrize("cell", cells(), ids=cell_name)
def test_each_cell_composes_at_the_same_budget(cell: tuple[str, int, bool], tmp_path: Path) -> None:
    cfg = compose_cfg("train", cell_overrides(cell), tmp_path)
    data = cfg.data
    assert data.batch_size * data.sampler.length == STEP  # positions a step
    assert data.num_train // data.batch_size == STEPS and cfg.trainer.max_epochs == EPOCHS
    assert cfg.backbone._target_.split(".")[-2] == cell[0]  # src.backbones.<name>.<Class>
    built = instantiate(data)  # the warm-up lengths fit the track (else this raises)
    assert bool(built.warmup) == cell[2]


def test_the_table_gives_mean_and_sd_and_a_dash_for_a_cell_without_results() -> None:
    scores = [{"all/acc": a, "near/acc": 0.5, "far/acc": a, "minutes": 2.0} for a in (0.8, 0.9)]
    printed = table({("hyena", 4096, False): scores, ("gru", 4096, False): []}, near=4)
    row = "| hyena | 4,096 | – | 0.850 ± 0.071 (2) | 0.500 ± 0.000 (2) | 0.850 ± 0.071 (2) | 2.0 ± 0.0 (2) |"
    assert row in printed
    assert "| gru | 4,096 | – | – | – | – | – |" in printed
