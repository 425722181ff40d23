"""The benchmarks keep running (no timings are asserted here: they measure, tests check that they can)."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import pytest

from schemas.store import options
from tests.helpers import run_cli


@pytest.mark.train
def test_the_step_benchmark_records_every_figure_as_a_json_line(tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"
    done = run_cli("benchmarks.step", "--quick", "--rounds", "1", "--out", str(out), timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    figures = {row["name"]: row for row in map(json.loads, out.read_text().splitlines())}
    for model in ("mlp_big", "mlp_tiny"):
        for figure in ("plain", "bare_lightning", "tasktriad", "ratio", "bare_lightning_ratio"):
            assert figures[f"step/{model}/{figure}"]["value"] > 0
        assert figures[f"fit/{model}/ratio"]["value"] > 0
    assert figures["step/mlp_big/ratio"]["target"] == "<=1.3" and figures["step/mlp_big/ratio"]["device"] == "cpu"


@pytest.mark.parametrize("before", [None, "1"])
def test_the_plain_loop_runs_without_lightnings_variable_and_bare_lightning_with_it(
    before: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from benchmarks.loops import lightning_environment
    from src.speed import NVML_CHECK

    monkeypatch.delenv(NVML_CHECK, raising=False)
    if before is not None:
        monkeypatch.setenv(NVML_CHECK, before)
    with lightning_environment(imported=False):
        assert NVML_CHECK not in os.environ  # as in a process that never imported Lightning
    with lightning_environment(imported=True):
        assert os.environ[NVML_CHECK] == "1"  # as Lightning's import sets it
    assert os.environ.get(NVML_CHECK) == before


def test_compare_shows_each_figure_of_both_files_and_marks_what_got_worse(tmp_path: Path) -> None:
    rows = {"step/a/ratio": (1.2, 1.5, "x"), "data/b/rate": (100.0, 80.0, "samples/s"), "step/c/ms": (2.0, 2.1, "ms")}
    for index, name in enumerate(("old.jsonl", "new.jsonl")):
        lines = [{"bench": "b", "name": k, "value": v[index], "unit": v[2]} for k, v in rows.items()]
        (tmp_path / name).write_text("".join(json.dumps(line) + "\n" for line in lines))
    done = run_cli("benchmarks.compare", str(tmp_path / "old.jsonl"), str(tmp_path / "new.jsonl"))
    assert done.returncode == 0, done.stderr
    marked = {line.split()[0] for line in done.stdout.splitlines() if line.rstrip().endswith("*")}
    assert marked == {"b:step/a/ratio", "b:data/b/rate"}  # a ratio up 25 %, a throughput down 20 %; +5 % is not marked


@pytest.mark.slow  # about 15 s: every sampler through the loader, and digits in four settings
def test_the_data_benchmark_measures_every_registered_sampler(tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"
    done = run_cli("benchmarks.data", "--quick", "--rounds", "1", "--out", str(out), timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    measured = {row["name"].split("/")[2] for row in map(json.loads, out.read_text().splitlines())}
    assert set(options("data/sampler")) <= measured


@pytest.mark.slow  # a process per backbone
def test_the_throughput_benchmark_measures_every_sequence_backbone_in_a_process_of_its_own() -> None:
    from benchmarks.common import sequence_backbones
    from benchmarks.throughput import measure

    how = argparse.Namespace(threads=1, device="cpu")
    for backbone in sequence_backbones():
        point = measure(backbone, 256, how)
        assert "failed" not in point, backbone
        assert point["tokens_s"] > 0 and point["peak_mib"] > 0, (backbone, point)
