"""``python -m src.results``: a multirun's jobs as one Markdown row per setting, mean ± sd over the seeds."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from src import results


def job(sweep: Path, number: int, overrides: dict[str, str], val: list[float] | None, test: float | None) -> None:
    """A job folder as a multirun leaves it: its overrides, config and metrics.csv (None: it failed first)."""
    folder = sweep / str(number)
    (folder / ".hydra").mkdir(parents=True)
    (folder / ".hydra" / "overrides.yaml").write_text("".join(f"- {k}={v}\n" for k, v in overrides.items()))
    (folder / ".hydra" / "config.yaml").write_text("test: true\n")
    if val is None:
        (folder / "failure.txt").write_text("ValueError: Invalid learning rate\n")
        return
    rows = [f"{epoch},{epoch + 1},{value}," for epoch, value in enumerate(val)]
    rows += [f"{len(val) - 1},{len(val)},,{test}"] if test is not None else []  # None: killed before its test
    (folder / "metrics.csv").write_text("epoch,step,val/acc,test/acc\n" + "\n".join(rows) + "\n")


@pytest.fixture
def sweep(tmp_path: Path) -> Path:
    """lr=0.01 and 0.1, seeds 1-3; one job failed, one was killed before its test."""
    folder = tmp_path / "multirun"
    folder.mkdir()
    (folder / "multirun.yaml").write_text("optimized_metric: val/acc\ntask:\n  monitor: val/acc\n  mode: max\n")
    runs = [
        ("0.01", "1", [0.5, 0.7], 0.68),
        ("0.01", "2", [0.6, 0.8], 0.78),
        ("0.01", "3", [0.6, 0.9], 0.88),
        ("0.1", "1", [0.4, 0.5], 0.52),
        ("0.1", "2", None, None),  # failed
        ("0.1", "3", [0.6], None),  # killed before its test
    ]
    for number, (lr, seed, val, test) in enumerate(runs):
        job(folder, number, {"optimizer.lr": lr, "seed": seed}, val, test)
    return folder


def test_one_row_per_setting_with_mean_sd_and_n_over_the_seeds(sweep: Path, capsys: pytest.CaptureFixture) -> None:
    text = results.main([str(sweep)])
    assert capsys.readouterr().out.strip() == text
    header, rule, *rows = text.splitlines()
    assert header == "| optimizer.lr | optimized | test/acc | left out |" and rule == "|---|---|---|---|"
    # lr=0.01: the best epoch's val/acc 0.7, 0.8, 0.9 -> 0.8 ± 0.1; test/acc 0.68, 0.78, 0.88. The best: in bold.
    assert rows[0] == "| 0.01 | **0.8 ± 0.1 (3)** | 0.78 ± 0.1 (3) | – |"
    assert rows[1] == "| 0.1 | 0.5 (1) | 0.52 (1) | 1 failed, 1 unfinished |"  # counted, not averaged


def test_csv_and_plot_are_new_files(sweep: Path, tmp_path: Path) -> None:
    out, figure = tmp_path / "table.csv", tmp_path / "table.png"
    results.main([str(sweep), "--metric", "test/acc", "--csv", str(out), "--plot", str(figure)])
    rows = list(csv.DictReader(out.open()))
    assert [(r["optimizer.lr"], float(r["test/acc mean"]), int(r["test/acc n"])) for r in rows] == [
        ("0.01", pytest.approx(0.78), 3),
        ("0.1", pytest.approx(0.52), 1),
    ]
    assert figure.read_bytes()[:4] == b"\x89PNG"
    before = out.read_bytes()
    with pytest.raises(SystemExit) as exit_info:
        results.main([str(sweep), "--csv", str(out)])
    assert exit_info.value.code == 2 and out.read_bytes() == before  # never replaced


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["{tmp}/none"], "is not a folder"),
        (["{tmp}"], "holds no sweep"),
        (["{sweep}", "--metric", "val/f1"], "no job logged ['val/f1']; the jobs logged: test/acc, val/acc"),
        (["{sweep}", "--plot", "{tmp}/p.png", "--x", "seed"], "--x=seed is not a swept key"),
    ],
)
def test_bad_input_is_one_message(
    args: list[str], said: str, sweep: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    (tmp_path / "empty").mkdir()
    filled = [a.format(tmp=tmp_path / "empty" if a == "{tmp}" else tmp_path, sweep=sweep) for a in args]
    with pytest.raises(SystemExit) as exit_info:
        results.main(filled)
    err = capsys.readouterr().err
    assert exit_info.value.code == 2 and said in err and "Traceback" not in err, err


def test_studies_compares_whole_sweeps_by_their_command_lines(tmp_path: Path) -> None:
    """Two pruners, two sweeper seeds each: a row per pruner, best value, epochs and trials as mean ± sd (n)."""
    sweeps = []
    for pruner, seed, best, lengths in [
        ("none", "1", 0.9, [2, 2]),
        ("none", "2", 0.75, [2, 2]),
        ("median", "1", 0.8, [2, 1]),
        ("median", "2", 0.8, [1, 2]),
    ]:
        folder = tmp_path / f"{pruner}{seed}"
        folder.mkdir()
        hydra = [f"hydra.sweeper.pruner={pruner}", f"hydra.sweeper.seed={seed}", f"hydra.sweep.dir={folder}"]
        (folder / "multirun.yaml").write_text(
            f"optimized_metric: val/acc\ntask:\n  monitor: val/acc\n  mode: max\nhydra:\n  overrides:\n"
            f"    hydra: {hydra}\n    task: [hparams_search=clusters_optuna]\n"
        )
        for number, epochs in enumerate(lengths):
            values = [best - 0.1 * (number + 1)] * (epochs - 1) + [best if number == 0 else best - 0.2]
            job(folder, number, {"optimizer.lr": str(number)}, values, 0.5)
        sweeps.append(str(folder))
    header, _, *rows = results.main([*sweeps, "--studies"]).splitlines()
    assert header == "| hydra.sweeper.pruner | best | epochs | trials | left out |"
    assert rows == [
        "| none | **0.825 ± 0.11 (2)** | 4 ± 0 (2) | 2 ± 0 (2) | – |",
        "| median | 0.8 ± 0 (2) | 3 ± 0 (2) | 2 ± 0 (2) | – |",
    ]


@pytest.mark.parametrize(
    ("metric", "monitor", "mode", "better"),
    [
        ("optimized", "val/loss", "min", "min"),  # what the sweep optimised: its own mode
        ("test/loss", "val/loss", "min", "min"),  # the monitor's twin
        ("test/acc", "val/loss", "min", "max"),  # another metric: by its name
        ("test/mae", "val/acc", "max", "min"),
        ("best", "val/acc", "max", "max"),  # --studies
    ],
)
def test_the_best_row_is_the_best_for_its_own_metric(metric: str, monitor: str, mode: str, better: str) -> None:
    assert results.direction(metric, monitor, mode) == better


def test_delta_m_pairs_each_multi_task_seed_with_the_single_task_runs_of_that_seed(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """Δm (Maninis et al. 2019): the mean over heads of the relative gain, signed by direction, seed by seed."""
    header = "epoch,step,test/state/acc,test/mean/mae\n"
    runs = {  # sweep: overrides, then (seed, state acc, mean MAE); None: the head is not there
        "both": ({"task/weighting": "fixed"}, [("1", 0.99, 0.22), ("2", 0.8, 0.2)]),
        "state": ({"~task@task.heads.mean": "yes"}, [("1", 0.9, None), ("2", 0.8, None)]),
        "mean": ({"~task@task.heads.state": "yes"}, [("1", None, 0.2), ("2", None, 0.25)]),
    }
    for name, (overrides, seeds) in runs.items():
        for number, (seed, acc, mae) in enumerate(seeds):
            folder = tmp_path / name / str(number)
            (folder / ".hydra").mkdir(parents=True)
            lines = [f"{k}={v}" if v != "yes" else k for k, v in {**overrides, "seed": seed}.items()]
            (folder / ".hydra" / "overrides.yaml").write_text("".join(f"- {line}\n" for line in lines))
            (folder / ".hydra" / "config.yaml").write_text("test: true\n")
            values = ["" if v is None else str(v) for v in (acc, mae)]
            (folder / "metrics.csv").write_text(header + f"0,1,{values[0]},{values[1]}\n")
    metrics = ["--metric", "test/state/acc", "--metric", "test/mean/mae"]
    table = results.main([str(tmp_path / name) for name in runs] + [*metrics, "--delta-m"])
    head, _, *rows = table.splitlines()
    assert head.endswith("| test/state/acc | test/mean/mae | Δm % | left out |")
    # seed 1: +10 % accuracy, -10 % (a higher MAE) -> 0; seed 2: 0 and +20 % -> +10. Mean 5, sd 7.07.
    assert rows[0].endswith("| +5.0 ± 7.1 (2) | – |") and rows[0].startswith("| fixed |")
    assert all(row.endswith("| – | – |") for row in rows[1:])  # a single-task row is its own baseline: no Δm
    assert " yes " in rows[1] and " yes " in rows[2]  # the head each single-task sweep deleted
    with pytest.raises(SystemExit) as exit_info:  # without the mean's single-task run there is nothing to compare with
        results.main([str(tmp_path / "both"), str(tmp_path / "state"), *metrics, "--delta-m"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "none logs test/mean/mae alone" in err and "Traceback" not in err, err
