"""Config checks before anything runs: every bad override in one message, every unresolved value in one message."""

from __future__ import annotations

from pathlib import Path

import pytest

from src.cli.checks import check_overrides, hydra_args, validate
from src.errors import TriadError
from tests.helpers import compose_cfg


def checked(capsys: pytest.CaptureFixture, *overrides: str) -> str:
    """What ``check_overrides`` prints before it stops the command with status 2."""
    with pytest.raises(SystemExit) as exit_info:
        check_overrides("train", list(overrides))
    assert exit_info.value.code == 2
    return capsys.readouterr().err


def test_hydra_still_reads_its_command_line_as_the_checks_expect() -> None:
    """The one use of hydra._internal: this fails if Hydra's parser moves or renames what the checks read."""
    args = hydra_args(["-m", "task=regression", "--cfg", "job", "-cn", "eval"])
    assert args.overrides == ["task=regression"] and args.multirun and args.cfg == "job" and args.config_name == "eval"
    assert not (args.help or args.hydra_help or args.config_dir or args.config_path)


@pytest.mark.parametrize(
    ("override", "named"),
    [
        ("backbone.hiden=3", "no key backbone.hiden in the config (a new key needs a leading +: +backbone.hiden=3)"),
        ("trainer.max_epoch=3", "did you mean trainer.max_epochs or trainer.min_epochs?"),
        ("optimizer.lr=abc", "'abc' is not a valid value of optimizer.lr, which takes float"),
        ("data.batch_size=1.5", "1.5 is not a valid value of data.batch_size, which takes int"),
        ("task=classificaton", "no option 'classificaton' in task; options: classification, integer_regression"),
        ("logger=[csv,mlfow]", "no option 'mlfow' in logger"),
    ],
)
def test_a_bad_override_is_named_with_what_to_do(override: str, named: str, capsys: pytest.CaptureFixture) -> None:
    err = checked(capsys, override)
    assert f"1 override does not fit the config:\n  - {override}: " in err and named in err and "Traceback" not in err


def test_every_bad_override_is_reported_in_one_message(capsys: pytest.CaptureFixture) -> None:
    err = checked(capsys, "backbone.hiden=3", "optimizer.lr=abc", "task=classificaton", "data.num_train=64")
    assert "3 overrides do not fit" in err and "backbone.hiden=3" in err and "optimizer.lr=abc" in err
    assert "classification, integer_regression, regression" in err  # the valid options of the group
    assert "data.num_train" not in err  # a good override is not blamed


@pytest.mark.parametrize(
    "argv",
    [
        ["data/sampler=teacher", "data.sampler.target_dim=3"],  # only fit together: the value needs the selection
        ["+trainer.gradient_clip_algorithm=value"],  # a new key, added the documented way
        [],
        ["--help"],
        ["-m", "task=classification,integer_regression"],  # sweeps: Hydra checks each job itself
    ],
)
def test_good_command_lines_pass_silently(argv: list[str], capsys: pytest.CaptureFixture) -> None:
    check_overrides("train", argv)
    assert capsys.readouterr().err == ""


def test_validate_lists_every_missing_value_and_every_broken_interpolation(tmp_path: Path) -> None:
    cfg = compose_cfg("eval", ["+trainer.x=${nope}", "paths.data_dir=${oc.env:TASKTRIAD_UNSET_VARIABLE}"], tmp_path)
    with pytest.raises(TriadError) as err:
        validate(cfg)
    lines = str(err.value).splitlines()
    assert lines[0] == "the config is incomplete:"
    assert "  - ckpt_path: no value given (set it on the command line: ckpt_path=...)" in lines
    assert "  - trainer.x: Interpolation key 'nope' not found" in lines
    assert "  - paths.data_dir: KeyError: Environment variable 'TASKTRIAD_UNSET_VARIABLE' not found" in lines


def test_validate_passes_a_complete_config(tmp_path: Path) -> None:
    validate(compose_cfg("train", [], tmp_path))


def test_hydra_keys_are_checked_like_any_other(capsys: pytest.CaptureFixture) -> None:
    err = checked(capsys, "hydra.job.chdir=maybe", "hydra.run.dirr=x")
    assert "'maybe' is not a valid value of hydra.job.chdir" in err and "did you mean hydra.run.dir?" in err
