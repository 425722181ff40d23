"""A command line that does not compose: every bad override named in one message, with what to do, exit 2."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from hydra.types import RunMode

from schemas.store import options
from src.cli import hydra_driver
from src.cli.overrides import report


@pytest.fixture
def hydra() -> Iterator[hydra_driver.Hydra]:
    """Hydra initialised on the config folder, as a command has it when its composition fails."""
    yield hydra_driver.start("train")


def checked(hydra: hydra_driver.Hydra, capsys: pytest.CaptureFixture, *overrides: str) -> str:
    """What a command prints when its one composition fails: ``report``'s message, exit 2."""
    with pytest.raises(Exception) as failed:  # noqa: PT011  (Hydra and OmegaConf raise many types)
        hydra_driver.compose(hydra, "train", list(overrides), multirun=False)
    with pytest.raises(SystemExit) as exit_info:
        report("train", list(overrides), failed.value)
    assert exit_info.value.code == 2
    return capsys.readouterr().err


@pytest.mark.parametrize(
    ("override", "named"),
    [
        ("backbone.hiden=3", "no key backbone.hiden in the config (a new key needs a leading +: +backbone.hiden=3)"),
        ("trainer.max_epoch=3", "did you mean trainer.max_epochs or trainer.min_epochs?"),
        ("optimizer.lr=abc", "'abc' is not a valid value of optimizer.lr, which takes float"),
        ("data.batch_size=1.5", "1.5 is not a valid value of data.batch_size, which takes int"),
        ("data.split=[a]", "could not convert string to float: 'a'"),  # a list element: OmegaConf's own words
        ("task=classificaton", "no option 'classificaton' in task; options: classification, integer_regression"),
        ("logger=[csv,mlfow]", "no option 'mlfow' in logger"),
    ],
)
def test_a_bad_override_is_named_with_what_to_do(
    override: str, named: str, hydra: hydra_driver.Hydra, capsys: pytest.CaptureFixture
) -> None:
    extra = ["data=files"] if override.startswith("data.split") else []
    err = checked(hydra, capsys, *extra, override)
    assert f"1 override does not fit the config:\n  - {override}: " in err and named in err and "Traceback" not in err


def test_a_setting_of_other_options_of_the_group_names_the_options_that_have_it(
    hydra: hydra_driver.Hydra, capsys: pytest.CaptureFixture
) -> None:
    fields = {name: {f.name for f in dataclasses.fields(schema)} for name, schema in options("backbone").items()}
    setting = sorted(set().union(*fields.values()) - fields["mlp"])[0]  # one the default backbone lacks
    having = [name for name, names in fields.items() if setting in names]
    err = checked(hydra, capsys, f"backbone.{setting}=1")
    assert f"backbone=mlp has no setting {setting}; the backbone options that have it: {', '.join(having)}" in err


def test_every_bad_override_is_reported_in_one_message(
    hydra: hydra_driver.Hydra, capsys: pytest.CaptureFixture
) -> None:
    err = checked(hydra, capsys, "backbone.hiden=3", "optimizer.lr=abc", "task=classificaton", "data.num_train=64")
    assert "3 overrides do not fit" in err and "backbone.hiden=3" in err and "optimizer.lr=abc" in err
    assert ", ".join(options("task")) in err  # the valid options of the group
    assert "data.num_train" not in err  # a good override is not blamed


def test_hydra_keys_are_checked_like_any_other(hydra: hydra_driver.Hydra, capsys: pytest.CaptureFixture) -> None:
    err = checked(hydra, capsys, "hydra.job.chdir=maybe", "hydra.run.dirr=x")
    assert "'maybe' is not a valid value of hydra.job.chdir" in err and "did you mean hydra.run.dir?" in err


def test_a_syntax_error_and_a_sweep_without_multirun_are_one_message_each(
    hydra: hydra_driver.Hydra, capsys: pytest.CaptureFixture
) -> None:
    assert "the command line does not parse" in checked(hydra, capsys, "trainer.max_epochs=[3")
    assert "requires --multirun" in checked(hydra, capsys, "optimizer.lr=range(1,3)")


@pytest.mark.parametrize(
    ("argv", "multirun"),
    [
        (["data/sampler=teacher", "data.sampler.target_dim=3"], False),  # fit together: the value needs the choice
        (["+trainer.gradient_clip_algorithm=value"], False),  # a new key, added the documented way
        ([], False),
        (["task=classification,integer_regression"], True),  # a sweep: Hydra composes each job itself
        (["hparams_search=clusters_optuna"], False),  # a sweep because its config says so
    ],
)
def test_good_command_lines_compose_once(argv: list[str], multirun: bool, hydra: hydra_driver.Hydra) -> None:
    cfg = hydra_driver.compose(hydra, "train", argv, multirun)
    sweep = multirun or "hparams_search=clusters_optuna" in argv
    assert cfg.hydra.mode == (RunMode.MULTIRUN if sweep else RunMode.RUN)
    assert ("hydra.mode=MULTIRUN" in cfg.hydra.overrides.hydra) == multirun  # -m: each job knows it is in a sweep
