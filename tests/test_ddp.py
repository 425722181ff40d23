"""Two-process CPU DDP with every default on (progress bar, logger, checkpoints): runs, sweeps, evaluation."""

from __future__ import annotations

import csv
import os
import signal
from pathlib import Path

import pytest

from src.runs.metrics import stage_values
from tests.helpers import finish, run_cli, start_cli, wait_until

pytestmark = pytest.mark.train  # every test here runs a command
DDP = ["trainer=ddp", "trainer.devices=2", "trainer.accelerator=cpu"]
HANG = 300  # seconds: a healthy run here takes 10-20 s; a hang is killed (with its children) and fails the test
TOLERANCE = 1e-5  # the same sums, gathered in another order: float32 rounding only


# Vectors; tokens with targets at some positions only (MQAR); tokens of varying length, padded, one target each;
# the same with two heads (a count per sequence, a site per real position) under learned loss weights, and under
# DWA's, which every rank sets from the same (synced) epoch losses.
DATA = {
    "vectors": [],
    "targets-at-queries": ["data/sampler=associative_recall", "data.sampler.length=24", "data.sampler.pairs=4"],
    "padded-sequences": ["data/sampler=motif", "backbone=tcn"],
    "two-heads": ["experiment=motif_heads", "task/weighting=uncertainty", "data.num_val=256"],
    "two-heads-dwa": ["experiment=motif_heads", "task/weighting=dwa", "data.num_val=256"],
}
SMALL_SEQUENCE_BACKBONE = ["backbone=gru", "backbone.width=16"]


@pytest.mark.parametrize("data", list(DATA))
def test_a_ddp_run_trains_tests_and_evaluates_every_sample_exactly_once(data: str, tmp_path: Path) -> None:
    logs = {"LOG_DIR": str(tmp_path / "logs")}
    # 1001 test samples in batches of 256 (256, 256, 256, 233): padding to even shares would count some twice.
    sizes = ["data.num_train=1024", "data.num_test=1001", *(SMALL_SEQUENCE_BACKBONE if DATA[data] else []), *DATA[data]]
    result = run_cli("src.train", *DDP, "trainer.max_epochs=2", *sizes, env=logs, timeout=HANG)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "GLOBAL_RANK: 1, MEMBER: 2/2" in result.stdout + result.stderr
    (run,) = (tmp_path / "logs" / "train" / "runs").iterdir()  # not one folder per rank
    assert stage_values(run / "metrics.csv", "test") and result.stdout.count("final metrics") == 1

    values = {}
    for name, trainer in {"ddp": DDP, "single": ["trainer.devices=1"]}.items():
        out = tmp_path / name
        args = [f"ckpt_path={run / 'checkpoints' / 'best.ckpt'}", f"hydra.run.dir={out}"]
        result = run_cli("src.eval", *trainer, *args, env=logs, timeout=HANG)
        assert result.returncode == 0, result.stderr[-3000:]
        values[name] = stage_values(out / "metrics.csv", "test")
    values["the DDP run's own test"] = stage_values(run / "metrics.csv", "test")  # trainer.test on 2 ranks
    for name in ("ddp", "the DDP run's own test"):
        assert values[name].keys() == values["single"].keys() and values[name], name
        for key, single in values["single"].items():
            assert values[name][key] == pytest.approx(single, abs=TOLERANCE), (name, key)


def test_each_job_of_a_multirun_gets_its_own_ddp_processes(tmp_path: Path) -> None:
    sweep = tmp_path / "sweep"
    args = ["-m", "task=classification,integer_regression", *DDP, "trainer.max_epochs=1", f"hydra.sweep.dir={sweep}"]
    result = run_cli("src.train", *args, env={"LOG_DIR": str(tmp_path / "logs")}, timeout=2 * HANG)
    assert result.returncode == 0, result.stderr[-3000:]
    assert (result.stdout + result.stderr).count("GLOBAL_RANK: 1, MEMBER: 2/2") == 2
    assert not (tmp_path / "logs").exists()  # no child started a sweep or a run of its own elsewhere
    assert "test/mae" in stage_values(sweep / "1" / "metrics.csv", "test")  # the second job ran its own task
    assert "test/acc" in stage_values(sweep / "0" / "metrics.csv", "test")
    with (sweep / "summary.csv").open() as handle:
        assert [row["task"] for row in csv.DictReader(handle)] == ["classification", "integer_regression"]


def test_each_trial_of_an_optuna_sweep_gets_its_own_ddp_processes_and_all_ranks_stop_when_pruned(
    tmp_path: Path,
) -> None:
    sweep = tmp_path / "sweep"
    args = [
        "hparams_search=clusters_optuna",
        "hydra.sweeper.n_trials=3",
        "hydra.sweeper.pruner=median",
        "+hydra.sweeper.pruner_args.n_startup_trials=1",
        "optimizer.lr=choice(1e-7,3e-3)",  # 1e-7 learns nothing: pruned after its first epoch
        *DDP,
        "trainer.max_epochs=3",
        "data.num_train=1024",
        f"hydra.sweep.dir={sweep}",
    ]
    result = run_cli("src.train", *args, env={"LOG_DIR": str(tmp_path / "logs")}, timeout=3 * HANG)
    assert result.returncode == 0, result.stderr[-3000:]
    assert not (tmp_path / "logs").exists()  # no child ran a study of its own (the preset asks for a sweep)
    with (sweep / "summary.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert {row["status"] for row in rows} == {"completed", "pruned"}, rows
    for row in rows:  # each job's ranks trained its own trial's model, and stopped together
        assert int(row["epochs"]) == (3 if row["status"] == "completed" else 1), row


def test_sigterm_stops_every_ddp_process_and_says_how_to_resume(tmp_path: Path) -> None:
    run = tmp_path / "run"
    args = [*DDP, "data.num_train=200000", "trainer.max_epochs=20", f"hydra.run.dir={run}"]
    process = start_cli("src.train", *args, output=tmp_path / "out")
    wait_until(lambda: (run / "checkpoints" / "last.ckpt").is_file(), process, timeout=HANG)
    os.kill(process.pid, signal.SIGTERM)  # as `kill` or SLURM would: to the main process only
    result = finish(process, timeout=HANG)
    assert result.returncode == 143, result.stdout[-3000:]
    assert result.stdout.count("stopped by SIGTERM") == 1 and f"resume={run}" in result.stdout
    wait_until(lambda: not alive(process.pid), process=None, timeout=60)  # rank 1 is gone too: no orphan


def alive(group: int) -> bool:
    """Whether any process of the process group ``group`` still runs."""
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True
