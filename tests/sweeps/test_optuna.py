"""Optuna sweeps through the project's own Hydra sweeper plugin: search space, summary, resumable studies."""

from __future__ import annotations

import csv
from pathlib import Path

import optuna
import pytest
from hydra.core.override_parser.overrides_parser import OverridesParser
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

from hydra_plugins.tasktriad_sweeps.space import distribution
from src import results
from tests.helpers import options, run_cli

SMALL = [
    "trainer.max_epochs=1",
    "data.num_train=512",
    "data.num_val=256",
    "data.num_test=256",
]


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ("a=choice(32,64)", CategoricalDistribution([32, 64])),
        ("a=choice(relu,gelu)", CategoricalDistribution(["relu", "gelu"])),
        ("a=range(1,4)", IntDistribution(1, 3)),
        ("a=interval(0.0,0.5)", FloatDistribution(0.0, 0.5)),
        ("a=tag(log,interval(1e-4,1e-1))", FloatDistribution(1e-4, 1e-1, log=True)),
        ("a=3", None),
    ],
)
def test_the_params_grammar_maps_to_optuna_distributions(override: str, expected: object) -> None:
    (parsed,) = OverridesParser.create().parse_overrides([override])
    assert distribution(parsed) == expected


@pytest.mark.train
@pytest.mark.parametrize("preset", options("hparams_search"))
def test_every_search_preset_runs_its_trials_on_the_default_triad(preset: str, tmp_path: Path) -> None:
    sweep = tmp_path / "sweep"
    result = run_cli(
        "src.train", f"hparams_search={preset}", "hydra.sweeper.n_trials=2", *SMALL, f"hydra.sweep.dir={sweep}"
    )
    assert result.returncode == 0, result.stderr[-3000:]
    rows = list(csv.DictReader((sweep / "summary.csv").open()))
    assert [r["status"] for r in rows] == ["completed", "completed"] and all(float(r["optimized"]) >= 0 for r in rows)


@pytest.mark.train
def test_an_optuna_search_writes_its_summary_and_a_rerun_continues_the_study(tmp_path: Path) -> None:
    env = {"LOG_DIR": str(tmp_path / "logs")}
    first = run_cli("src.train", "hparams_search=clusters_optuna", "hydra.sweeper.n_trials=3", *SMALL, env=env)
    assert first.returncode == 0, first.stderr[-3000:]
    (sweep,) = (tmp_path / "logs" / "train" / "multiruns").iterdir()
    assert {"summary.csv", "summary.png", "optuna.db"} <= {p.name for p in sweep.iterdir()}
    rows = list(csv.DictReader((sweep / "summary.csv").open()))
    assert len(rows) == 3 and all(r["optimizer.lr"] and r["val/acc"] for r in rows)

    again = run_cli(
        "src.train",
        "hparams_search=clusters_optuna",
        "hydra.sweeper.n_trials=5",
        f"hydra.sweep.dir={sweep}",
        *SMALL,
        env=env,
    )
    assert again.returncode == 0, again.stderr[-3000:]
    study = optuna.load_study(study_name="clusters_optuna", storage=f"sqlite:///{sweep / 'optuna.db'}")
    assert len(study.trials) == 5 and all(t.state.is_finished() for t in study.trials)
    assert sorted(p.name for p in sweep.iterdir() if p.is_dir()) == ["0", "1", "2", "3", "4"]
    summary = list(csv.DictReader((sweep / "summary.csv").open()))
    assert [r["optimizer.lr"] for r in summary][:3] == [r["optimizer.lr"] for r in rows]
    proposals = {tuple(sorted(t.params.items())) for t in study.trials}
    assert len(proposals) == 5  # the continued study explored: its sampler was not re-seeded as the first one
    # The summary shows (and plots) what the sweeper was told: the monitored metric at its best epoch.
    assert [float(r["optimized"]) for r in summary] == pytest.approx([t.value for t in study.trials])


@pytest.mark.train
def test_repeated_trials_are_a_job_per_seed_and_their_value_the_mean(tmp_path: Path) -> None:
    sweep = tmp_path / "sweep"
    result = run_cli(
        "src.train",
        "hparams_search=clusters_optuna",
        "hydra.sweeper.n_trials=2",
        "hydra.sweeper.seeds=[1,2]",
        f"hydra.sweep.dir={sweep}",
        *SMALL,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    rows = {r["job"]: r for r in csv.DictReader((sweep / "summary.csv").open())}
    assert sorted(rows) == ["0_seed1", "0_seed2", "1_seed1", "1_seed2"]
    assert {rows[j]["seed"] for j in rows} == {"1", "2"}
    study = optuna.load_study(study_name="clusters_optuna", storage=f"sqlite:///{sweep / 'optuna.db'}")
    for trial in study.trials:
        values = [float(rows[f"{trial.number}_seed{s}"]["optimized"]) for s in (1, 2)]
        assert values[0] != values[1] and trial.value == pytest.approx(sum(values) / 2)
        assert rows[f"{trial.number}_seed1"]["optimizer.lr"] == rows[f"{trial.number}_seed2"]["optimizer.lr"]
    table = results.main([str(sweep)]).splitlines()
    assert len(table) == 2 + 2 and all(" (2) |" in line for line in table[2:])  # a row per trial, over both seeds
