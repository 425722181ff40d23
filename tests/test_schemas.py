"""Every option composes, resolves and builds; an option of ours is its class's signature, read without importing it."""

from __future__ import annotations

import copy
import dataclasses
import inspect
from functools import reduce
from pathlib import Path
from typing import Any, Optional

import pytest
import torch
from hydra.core.config_store import ConfigStore
from hydra.errors import ConfigCompositionException
from hydra.utils import get_object, instantiate
from omegaconf import MISSING, DictConfig, OmegaConf

from schemas.signature import SchemaError
from schemas.store import DeferredNode, groups, options, schema, target_of
from src.build.triad import make_task
from src.data.spec import DataSpec
from tests.helpers import CONFIGS, compose_cfg, selecting

YAML_OPTIONS = sorted(p.relative_to(CONFIGS) for p in CONFIGS.rglob("*.yaml") if p.parent != CONFIGS)
GROUP_YAML = [p for p in YAML_OPTIONS if p.parts[0] != "hydra"]  # hydra/ configures Hydra itself
STORED = [(group, name) for group in groups() for name in options(group)]
EVERY_OPTION = sorted({*STORED, *((str(p.parent), p.stem) for p in GROUP_YAML)})
SPECS = {  # what a task is built for, by the target kind it accepts
    "integer": DataSpec(in_shape=(12,), inputs="tokens", vocab_size=5, target_kind="integer", num_classes=3),
    "continuous": DataSpec(in_shape=(12,), inputs="tokens", vocab_size=5, target_kind="continuous", target_dim=2),
}


def own_schemas() -> list[type]:
    """Every schema read from a signature of tasktriad's own: the options' and the nested ones (callback entries)."""
    found: list[type] = []

    def visit(cls: type) -> None:
        if cls in found or not dataclasses.is_dataclass(cls):
            return
        found.append(cls)
        for f in dataclasses.fields(cls):
            default = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
            for value in default.values() if isinstance(default, dict) else [default]:
                visit(type(value))

    for group, name in STORED:
        visit(options(group)[name])
    return [c for c in found if "read_from" in vars(c)]  # presets (data=digits...) set other values on purpose


def build(group: str, cfg: DictConfig) -> list[tuple[str, object]]:
    """Build what a group option fills, given what the build wires: (target, object) per built piece."""
    if group in ("callbacks", "logger"):  # containers of named, optional entries
        return [(entry._target_, instantiate(entry)) for entry in cfg[group].values() if entry is not None]
    node = OmegaConf.select(cfg, group.replace("/", "."))
    if node is None:  # an option that switches its group off (scheduler=none)
        return []
    cls = get_object(node._target_)
    if group == "task":  # as the build makes it: one task, or each head of a task of several, and its weighting
        return [(node._target_, make_task(node, SPECS[(cls.accepts or ("integer",))[0]], 4, "position"))]
    wired: dict[str, Any] = {
        "backbone": {"in_shape": (1, 8, 8)} if "real" in getattr(cls, "inputs", ()) else {"in_shape": (12,)},
        "task/weighting": {"heads": ["target", "other"]},
        "trainer": {"logger": False},
    }.get(group, {})
    if group == "backbone" and "tokens" in cls.inputs:
        wired["vocab_size"] = 5
    built = instantiate(node) if node.get("_partial_") else instantiate(node, _partial_=True)(**wired)
    if group == "optimizer":
        built = built([torch.nn.Parameter(torch.zeros(2))])
    if group == "scheduler":
        built = built(torch.optim.SGD([torch.nn.Parameter(torch.zeros(2))], lr=0.1))
    return [(node._target_, built)]


def fields(schema: type) -> set[str]:
    """The field names of a schema."""
    return {f.name for f in dataclasses.fields(schema)}


def starts_from_another_run(group: str, name: str) -> bool:
    """A transfer_* preset: composing it resolves the newest run of its source experiment, which must exist."""
    path = CONFIGS / group / f"{name}.yaml"
    return path.is_file() and "${newest_ckpt:" in path.read_text()


@pytest.mark.parametrize(
    ("group", "name"),
    [pytest.param(g, n, marks=[pytest.mark.train] if starts_from_another_run(g, n) else []) for g, n in EVERY_OPTION],
    ids=[f"{g}={n}" for g, n in EVERY_OPTION],
)
def test_every_option_composes_resolves_and_builds(
    group: str, name: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    overrides = selecting(group, name)
    if any("heads" in fields(options("task")[o.partition("=")[2]]) for o in overrides if o.startswith("task=")):
        overrides.append(f"+task@task.heads.target={next(iter(options('task')))}")  # a task of heads needs one
    if starts_from_another_run(group, name):  # the source runs are trained once per session (tests/conftest.py)
        overrides.append(f"paths.log_dir={request.getfixturevalue('source_logs')}")
    cfg = compose_cfg("train", overrides, tmp_path)
    container = OmegaConf.to_container(cfg, resolve=True, throw_on_missing=True)
    assert isinstance(container, dict) and container["paths"]["output_dir"] == str(tmp_path)
    if group in ("experiment", "debug", "hparams_search", "paths"):
        return
    for target, obj in build(group, cfg):
        made = get_object(target)
        if isinstance(made, type):
            assert isinstance(obj, made), f"{group}={name} built {type(obj)}, not {target}"
        else:  # a function configured as a partial (datagetters, exports)
            assert getattr(obj, "func", None) is made, f"{group}={name} built {obj!r}, not a partial of {target}"


@pytest.mark.parametrize(("group", "name"), STORED, ids=[f"{g}={n}" for g, n in STORED])
def test_every_option_says_what_it_is_in_one_line(group: str, name: str) -> None:
    doc = options(group)[name].__doc__ or ""
    assert doc.strip() and doc.strip().splitlines()[0].endswith((".", ")")), f"{group}={name}: {doc[:80]!r}"


@pytest.mark.parametrize("option", GROUP_YAML, ids=str)
def test_every_composition_says_what_it_is_and_how_to_run_it(option: Path) -> None:
    text = (CONFIGS / option).read_text()
    assert text.startswith("#"), f"{option} must start with a comment saying what it is and how to run it"
    assert "python -m src." in text, f"{option}: the header comment must show a command line that uses it"


@pytest.mark.parametrize("cls", own_schemas(), ids=lambda c: c.__name__)
def test_a_schema_read_from_source_is_the_signature_python_reads(cls: type) -> None:
    """Names and defaults as ``inspect`` gives them: the source reading (no import) agrees with Python's own."""
    hydras = ("_target_", "_partial_", "_recursive_", "defaults")  # Hydra's keys, not the class's
    fields = {f.name: f for f in dataclasses.fields(cls) if f.name not in hydras}
    target = get_object(str(target_of(cls)))
    params = dict(inspect.signature(target).parameters)
    for kind in (inspect.Parameter.VAR_KEYWORD,):  # **common: the base class's arguments, as the schema reads them
        for key in [k for k, p in params.items() if p.kind == kind]:
            base = next(b for b in target.__mro__[1:] if "__init__" in vars(b))
            params.pop(key)
            params |= {k: p for k, p in inspect.signature(base).parameters.items() if k not in params and k != "self"}
    assert set(fields) <= set(params), f"{cls.__name__}: {set(fields) - set(params)} not taken by {target}"
    for name, f in fields.items():
        default = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
        expected = params[name].default
        if isinstance(default, str) and "${" in default:
            continue  # a value the configuration wires (``seed="${seed}"``)
        if expected is inspect.Parameter.empty:
            assert default is MISSING, f"{cls.__name__}.{name}: required by {target}, but defaults to {default!r}"
        else:
            assert default == (list(expected) if isinstance(expected, tuple) else expected), f"{cls.__name__}.{name}"


def test_the_reader_follows_bases_and_kwargs_and_turns_annotations_into_types() -> None:
    forwarding = schema("backbone", "tests.schema_cases.Forwarding", base=object, wired=("wired",))
    assert [(f.name, f.default) for f in dataclasses.fields(forwarding)][1:] == [("own", "a"), ("shared", 4)]
    inheriting = schema("backbone", "tests.schema_cases.Inheriting", base=object)
    assert [(f.name, f.default) for f in dataclasses.fields(inheriting)][1:] == [("shared", 3), ("wired", None)]
    types = {f.name: f.type for f in dataclasses.fields(schema("data", "tests.schema_cases.annotated", base=object))}
    assert types == {
        "_target_": str,
        "number": float,
        "maybe": Optional[int],  # noqa: UP045  (what the reader builds)
        "sizes": list[int],
        "kind": str,
        "either": Any,  # a union of two values: OmegaConf checks none of it
        "anything": Any,
        "required": str,
    }
    assert OmegaConf.is_missing(
        OmegaConf.structured(schema("data", "tests.schema_cases.annotated", base=object)), "required"
    )


def test_what_the_reader_cannot_take_is_refused_naming_it() -> None:
    with pytest.raises(SchemaError, match=r"ratio, math\.pi, is not a literal"):
        schema("data", "tests.schema_cases.not_literal", base=object)
    with pytest.raises(SchemaError, match="takes no argument"):
        schema("backbone", "src.backbones.mlp.MLP", base=object, depht=3)
    with pytest.raises(SchemaError, match="not one of tasktriad's source files"):
        schema("callbacks", "lightning.pytorch.callbacks.EarlyStopping", base=object)


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


@pytest.mark.parametrize("option", [p for p in GROUP_YAML if p.parts[0] in ("experiment", "debug")], ids=str)
def test_a_preset_states_only_values_that_differ_from_the_defaults(option: Path, tmp_path: Path) -> None:
    """A preset repeats no default: with the same group choices, each value it states is a change."""
    raw = OmegaConf.to_container(OmegaConf.load(CONFIGS / option), resolve=False)
    choices = [  # an entry that adds a config (a head of task=multi) is added with +
        f"{key.removeprefix('override /')}={value}" if key.startswith("override") else f"+{key.lstrip('/')}={value}"
        for entry in raw.get("defaults", [])
        for key, value in entry.items()
    ]
    defaults = OmegaConf.to_container(compose_cfg("train", choices, tmp_path), resolve=False)
    for key, value in preset_values(raw).items():
        default = reduce(lambda node, k: node.get(k) if isinstance(node, dict) else None, key.split("."), defaults)
        assert value != default, f"{option}: {key}={value!r} is the default already"


@pytest.mark.parametrize(
    ("override", "named"),
    [
        ("backbone.hiden=3", "hiden"),
        ("task.label_smothing=0.1", "label_smothing"),
        ("data.sampler.num_clases=3", "num_clases"),
        ("optimizer.lr=abc", "optimizer.lr"),
        ("trainer.max_epochs=ten", "trainer.max_epochs"),
        ("data.batch_size=1.5", "data.batch_size"),
        ("backbone.causal=maybe", "backbone.causal"),
    ],
)
def test_misspelled_keys_and_wrong_types_are_rejected_naming_the_key(override: str, named: str, tmp_path: Path) -> None:
    chosen = ["backbone=transformer"] if override.startswith("backbone.causal") else []
    with pytest.raises(ConfigCompositionException) as err:
        compose_cfg("train", [*chosen, override], tmp_path)
    assert named in f"{err.value} {err.value.__cause__}"


@pytest.mark.parametrize(("group", "name"), STORED, ids=[f"{g}={n}" for g, n in STORED])
def test_a_stored_option_loads_as_the_config_hydra_would_have_stored(group: str, name: str) -> None:
    schema_ = options(group)[name]
    first = ConfigStore.instance().load(f"{group}/{name}.yaml")  # as Hydra's StructuredConfigSource reads it
    assert first.node == OmegaConf.structured(schema_) and first.name == f"{name}.yaml" and first.group == group
    OmegaConf.set_struct(first.node, False)
    first.node.changed_by_a_composition = 1  # Hydra merges into what it loads: the store must not see it
    assert "changed_by_a_composition" not in ConfigStore.instance().load(f"{group}/{name}.yaml").node


def test_an_option_is_converted_once_and_only_when_first_loaded() -> None:
    entry = DeferredNode("clusters.yaml", options("data/sampler")["clusters"], "data/sampler", None)
    assert entry.made == []  # stored: not converted
    loaded = copy.copy(entry)  # what ConfigStore.load does, then it replaces the copy's node by a deep copy
    loaded.node = copy.deepcopy(loaded.node)
    again = copy.copy(entry)
    assert len(entry.made) == 1 and again.node is entry.made[0] and loaded.node is not entry.made[0]
