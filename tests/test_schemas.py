"""Every option file extends its schema, composes, and agrees with its schema and its target's signature."""

from __future__ import annotations

import dataclasses
import inspect
import typing
from functools import reduce
from pathlib import Path

import pytest
import torch
from hydra.core.config_store import ConfigStore
from hydra.errors import ConfigCompositionException
from hydra.utils import get_object, instantiate
from omegaconf import MISSING, DictConfig, OmegaConf

from schemas.backbone import BackboneConf
from tests.helpers import CONFIGS, compose_cfg, selecting

OPTION_FILES = sorted(p.relative_to(CONFIGS) for p in CONFIGS.rglob("*.yaml") if p.parent != CONFIGS)
GROUP_FILES = [p for p in OPTION_FILES if p.parts[0] != "hydra"]  # hydra/ configures Hydra itself
# Arguments the framework wires at build time instead of the user typing them.
WIRED = {"in_shape", "params", "optimizer", "callbacks", "logger"}


def schema_nodes() -> list[tuple[str, type]]:
    """Every dataclass registered under schema/ in the ConfigStore, with its path."""
    found: list[tuple[str, type]] = []

    def walk(tree: dict, prefix: str) -> None:
        for key, value in tree.items():
            if isinstance(value, dict):
                walk(value, f"{prefix}/{key}")
            else:
                found.append((f"{prefix}/{key.removesuffix('.yaml')}", OmegaConf.get_type(value.node)))

    walk(ConfigStore.instance().repo["schema"], "schema")
    return found


def target_schemas() -> list[type]:
    """Every schema with a concrete _target_, including those nested in containers (callbacks, loggers)."""
    seen: list[type] = []

    def visit(cls: type) -> None:
        if cls not in seen:
            seen.append(cls)
            for hint in typing.get_type_hints(cls).values():
                for arg in typing.get_args(hint) or (hint,):
                    if dataclasses.is_dataclass(arg):
                        visit(arg)

    for _, cls in schema_nodes():
        visit(cls)
    return [c for c in seen if any(f.name == "_target_" and f.default is not MISSING for f in dataclasses.fields(c))]


def build_node(group: str, cfg: DictConfig) -> list[tuple[str, object]]:
    """Instantiate what a group option fills, giving it what the framework wires at build time: (target, object)."""
    if group in ("callbacks", "logger"):  # containers of named, optional entries
        built = []
        for entry in cfg[group].values():
            if entry is not None:  # every optional logger package is installed by `make`
                built.append((entry._target_, instantiate(entry)))
        return built
    node = OmegaConf.select(cfg, group.replace("/", "."))
    if node is None:  # an option that switches its group off (scheduler=none)
        return []
    takes_images = "real" in getattr(get_object(node._target_), "inputs", ())
    wired = {
        "backbone": {"in_shape": (1, 8, 8)} if takes_images else {"in_shape": (12,), "vocab_size": 5},
        "trainer": {"logger": False},
    }.get(group, {})
    built = instantiate(node, **wired)
    if group == "optimizer":
        built = built([torch.nn.Parameter(torch.zeros(2))])
    if group == "scheduler":
        built = built(torch.optim.SGD([torch.nn.Parameter(torch.zeros(2))], lr=0.1))
    return [(node._target_, built)]


def starts_from_another_run(option: Path) -> bool:
    """A transfer_* preset: composing it resolves the newest run of its source experiment, which must exist."""
    return "${newest_ckpt:" in (CONFIGS / option).read_text()


@pytest.mark.parametrize(
    "option",
    [pytest.param(o, marks=[pytest.mark.train] if starts_from_another_run(o) else []) for o in OPTION_FILES],
    ids=str,
)
def test_every_option_composes_resolves_and_instantiates(
    option: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    group = str(option.parent) if option.parts[0] != "hydra" else None
    overrides = selecting(group, option.stem) if group else []
    if starts_from_another_run(option):  # the source runs are trained once per session (tests/conftest.py)
        overrides.append(f"paths.log_dir={request.getfixturevalue('source_logs')}")
    cfg = compose_cfg("train", overrides, tmp_path)
    container = OmegaConf.to_container(cfg, resolve=True, throw_on_missing=True)
    assert isinstance(container, dict) and container["paths"]["output_dir"] == str(tmp_path)
    if group and group != "paths":
        for target, obj in build_node(group, cfg):
            made = get_object(target)
            if isinstance(made, type):
                assert isinstance(obj, made), f"{option} built {type(obj)}, not {target}"
            else:  # a function configured as a partial (datagetters, exports)
                assert getattr(obj, "func", None) is made, f"{option} built {obj!r}, not a partial of {target}"


def is_overlay(option: Path) -> bool:
    """A ``@package _global_`` file (experiment, debug, hparams_search, scheduler/none): it sets values on purpose."""
    return (CONFIGS / option).read_text().startswith("# @package _global_")


@pytest.mark.parametrize("option", GROUP_FILES, ids=str)
def test_every_option_says_what_it_is_and_how_to_run_it(option: Path) -> None:
    text = (CONFIGS / option).read_text()
    assert text.startswith("#"), f"{option} must start with a comment saying what it is and how to run it"
    assert "python -m src." in text, f"{option}: the header comment must show a command line that uses it"


@pytest.mark.parametrize("option", [p for p in GROUP_FILES if not is_overlay(p)], ids=str)
def test_every_option_is_only_a_link_to_its_schema(option: Path) -> None:
    """Defaults written once: an option selects its schema (and sub-options); every value lives in schemas/."""
    raw = OmegaConf.load(CONFIGS / option)
    assert set(raw) == {"defaults"}, f"{option} states {sorted(set(raw) - {'defaults'})}: values live in schemas/"
    links = [d for d in raw.defaults if isinstance(d, str) and d.startswith("/schema/")]
    siblings = [d for d in raw.defaults if isinstance(d, str) and (CONFIGS / option.parent / f"{d}.yaml").is_file()]
    assert links or siblings, f"{option} links no schema (/schema/...) and extends no sibling option"
    for link in links:
        path, _, package = link[1:].partition("@")
        assert ConfigStore.instance().load(f"{path}.yaml") is not None
        assert package == "_here_" or package == path.rsplit("/", 1)[1], f"{link}: fill the option or its one entry"


def preset_values(node: object, prefix: str = "") -> dict[str, object]:
    """Dotted key -> value of every leaf a preset file states (its defaults list and hydra settings aside)."""
    if not isinstance(node, dict):
        return {prefix: node}
    leaves: dict[str, object] = {}
    for key, value in node.items():
        if not prefix and key in ("defaults", "hydra"):
            continue
        leaves |= preset_values(value, f"{prefix}.{key}".lstrip("."))
    return leaves


@pytest.mark.parametrize("option", [p for p in GROUP_FILES if p.parts[0] in ("experiment", "debug")], ids=str)
def test_a_preset_states_only_values_that_differ_from_the_defaults(option: Path, tmp_path: Path) -> None:
    """A preset repeats no default: with the same group choices, each value it states is a change."""
    raw = OmegaConf.to_container(OmegaConf.load(CONFIGS / option), resolve=False)
    choices = [
        f"{key.removeprefix('override /')}={value}" for entry in raw.get("defaults", []) for key, value in entry.items()
    ]
    defaults = OmegaConf.to_container(compose_cfg("train", choices, tmp_path), resolve=False)
    for key, value in preset_values(raw).items():
        default = reduce(lambda node, k: node.get(k) if isinstance(node, dict) else None, key.split("."), defaults)
        assert value != default, f"{option}: {key}={value!r} is the default already (schemas/)"


@pytest.mark.parametrize("cls", target_schemas(), ids=lambda c: c.__name__)
def test_schema_fields_match_the_target_signature(cls: type) -> None:
    fields = {f.name for f in dataclasses.fields(cls)} - {"_target_", "_partial_"}
    wired = WIRED | ({"vocab_size"} if issubclass(cls, BackboneConf) else set())  # token embeddings: from the data
    target = get_object(next(f.default for f in dataclasses.fields(cls) if f.name == "_target_"))
    params = inspect.signature(target).parameters
    accepted = {n for n, p in params.items() if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)}
    required = {
        n for n, p in params.items() if p.default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    }
    assert fields <= accepted, f"{cls.__name__} has fields its target does not take: {fields - accepted}"
    assert required <= fields | wired, f"{target} needs {required - fields - wired}, missing from {cls.__name__}"
    own = target.__init__ if isinstance(target, type) else target  # a subclass keeping Lightning's: Lightning's
    if getattr(own, "__module__", "").startswith("src."):  # our own signatures: every argument configurable
        assert accepted - wired == fields, f"{cls.__name__} drifted from {target}: {accepted - wired ^ fields}"


@pytest.mark.parametrize(
    ("override", "named"),
    [
        ("backbone.hiden=3", "hiden"),
        ("task.label_smothing=0.1", "label_smothing"),
        ("data.sampler.num_clases=3", "num_clases"),
        ("optimizer.lr=abc", "optimizer.lr"),
        ("trainer.max_epochs=ten", "trainer.max_epochs"),
        ("data.batch_size=1.5", "data.batch_size"),
    ],
)
def test_misspelled_keys_and_wrong_types_are_rejected_naming_the_key(override: str, named: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigCompositionException) as err:
        compose_cfg("train", [override], tmp_path)
    assert named in f"{err.value} {err.value.__cause__}"
