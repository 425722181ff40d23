"""What every job does first: the config checked, every missing or unresolvable value named in one message."""

from __future__ import annotations

from pathlib import Path

import pytest
from omegaconf import OmegaConf
from omegaconf.errors import MissingMandatoryValue

from src.cli.job import validate
from src.errors import TriadError
from tests.helpers import compose_cfg


def test_validate_lists_every_missing_value_and_every_broken_interpolation(tmp_path: Path) -> None:
    cfg = compose_cfg("eval", ["+trainer.x=${nope}", "paths.data_dir=${oc.env:TASKTRIAD_UNSET_VARIABLE}"], tmp_path)
    with pytest.raises(TriadError) as err:
        validate(cfg)
    lines = str(err.value).splitlines()
    assert lines[0] == "the config is incomplete:"
    assert "  - ckpt_path: no value given (set it on the command line: ckpt_path=...)" in lines
    assert "  - trainer.x: Interpolation key 'nope' not found" in lines
    assert "  - paths.data_dir: KeyError: Environment variable 'TASKTRIAD_UNSET_VARIABLE' not found" in lines


@pytest.mark.parametrize(("root", "overrides"), [("train", []), ("eval", ["ckpt_path=x.ckpt"]), ("eval", [])])
def test_validate_passes_exactly_the_configs_that_resolve_whole(
    root: str, overrides: list[str], tmp_path: Path
) -> None:
    """What validate lets through is what OmegaConf itself resolves, every value, without a missing one."""
    cfg = compose_cfg(root, overrides, tmp_path)
    try:
        OmegaConf.to_container(cfg, resolve=True, throw_on_missing=True)
        whole = True
    except MissingMandatoryValue:
        whole = False
    if whole:
        validate(cfg)
    else:
        with pytest.raises(TriadError, match="the config is incomplete"):
            validate(cfg)
    assert whole == (root == "train" or bool(overrides))  # the eval root without a checkpoint is incomplete
