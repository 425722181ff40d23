"""The daily workflow around a run: experiments, debug modes, callbacks."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from src import train
from src.runs.metrics import rows
from tests.helpers import fast_train_cfg, options, run_cli

pytestmark = pytest.mark.train  # every test here trains or runs a command


def test_a_transfer_preset_without_its_source_run_says_what_to_run(tmp_path: Path) -> None:
    preset = next(o for o in options("experiment") if o.startswith("transfer_"))
    result = run_cli("src.train", f"experiment={preset}", env={"LOG_DIR": str(tmp_path / "logs")})
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "python -m src.train experiment=" in result.stderr and "backbone_ckpt=<file>" in result.stderr


def test_the_readme_smoke_test_passes_on_a_machine_that_has_trained_nothing(tmp_path: Path) -> None:
    env = {"LOG_DIR": str(tmp_path / "logs"), "DATA_DIR": str(tmp_path / "data")}  # both empty
    result = run_cli("src.train", "-m", "experiment=glob(*)", "debug=fdr", env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    (sweep,) = (tmp_path / "logs" / "train" / "multiruns").iterdir()
    assert len([p for p in sweep.iterdir() if p.is_dir()]) == len(options("experiment"))
    transfers = [o for o in options("experiment") if o.startswith("transfer_")]
    assert (result.stdout + result.stderr).count("checked on a fresh backbone") == len(transfers)


@pytest.mark.parametrize("mode", options("debug"))
def test_every_debug_mode_runs_on_cpu(mode: str, tmp_path: Path) -> None:
    cfg = fast_train_cfg([f"debug={mode}"], tmp_path)
    assert cfg.trainer.accelerator == "cpu"
    train.main(cfg)


def test_overfit_drives_the_training_loss_down(tmp_path: Path) -> None:
    train.main(fast_train_cfg(["debug=overfit", "trainer.max_epochs=30"], tmp_path))
    losses = [r["train/loss"] for r in rows(tmp_path / "metrics.csv") if "train/loss" in r]
    assert losses[-1] < 0.05 * losses[0]  # measured: 0.023 of the first epoch's loss after 30 epochs
    assert not (tmp_path / "checkpoints").exists()


def test_profiler_writes_its_report_into_the_run_dir(tmp_path: Path) -> None:
    train.main(fast_train_cfg(["debug=profiler"], tmp_path))
    assert "run_training_epoch" in (tmp_path / "fit-profile.txt").read_text()


def test_limit_runs_two_short_epochs_and_checkpoints(tmp_path: Path) -> None:
    train.main(fast_train_cfg(["debug=limit"], tmp_path))
    epochs = {r["epoch"] for r in rows(tmp_path / "metrics.csv") if "train/loss" in r}
    assert epochs == {0, 1} and (tmp_path / "checkpoints" / "last.ckpt").is_file()


def test_learning_rate_is_logged_per_epoch_and_follows_the_scheduler(tmp_path: Path) -> None:
    train.main(fast_train_cfg(["scheduler=cosine", "trainer.max_epochs=3"], tmp_path))
    lrs = [r["lr-AdamW"] for r in rows(tmp_path / "metrics.csv") if "lr-AdamW" in r]
    assert len(lrs) == 3 and lrs[0] > lrs[1] > lrs[2]


def left_a_record(name: str, run_dir: Path) -> bool:
    """Whether logger ``name`` recorded the run whose folder (and log_dir) is ``run_dir``."""
    if name == "mlflow":  # one SQLite store for all runs: find this run by its run_dir tag
        from mlflow.tracking import MlflowClient

        client = MlflowClient(f"sqlite:///{run_dir / 'mlflow' / 'mlflow.db'}")
        experiments = [e.experiment_id for e in client.search_experiments()]
        runs = client.search_runs(experiments, f"tags.run_dir = '{run_dir.resolve()}'")
        return len(runs) == 1 and {"val/loss", "test/loss"} <= set(runs[0].data.metrics)
    pattern = {"csv": "metrics.csv", "tensorboard": "tensorboard/events.out.tfevents.*", "wandb": "wandb/offline-run-*"}
    return any(run_dir.glob(pattern[name]))


@pytest.mark.parametrize("logger", [*options("logger"), "[csv,mlflow]", "[csv,tensorboard,wandb]"])
def test_every_logger_and_any_set_of_them_records_the_run(logger: str, tmp_path: Path) -> None:
    cfg = fast_train_cfg([f"logger={logger}", "trainer.max_epochs=1"], tmp_path)
    entries = [name for name, entry in cfg.logger.items() if entry is not None]
    assert bool(entries) == (logger != "none")
    train.main(cfg)
    assert [name for name in entries if not left_a_record(name, tmp_path)] == []
    assert (tmp_path / "curves.png").is_file() == ("csv" in entries)  # curves are drawn from metrics.csv


def test_jobs_in_one_process_get_a_wandb_run_each(tmp_path: Path) -> None:
    for job in ("0", "1"):  # as the jobs of a sweep under Hydra's basic launcher
        train.main(fast_train_cfg(["logger=wandb", "trainer.max_epochs=1"], tmp_path / job))
    runs = [next((tmp_path / job / "wandb").glob("offline-run-*")).name for job in ("0", "1")]
    assert runs[0] != runs[1]


def test_the_slurm_launcher_composes_and_the_local_submitit_launcher_runs_a_sweep(tmp_path: Path) -> None:
    env = {"LOG_DIR": str(tmp_path / "logs")}
    slurm = run_cli(
        "src.train", "hydra/launcher=submitit_slurm", "hydra.launcher.partition=gpu", "--cfg", "hydra", env=env
    )
    assert slurm.returncode == 0 and "SlurmLauncher" in slurm.stdout and "partition: gpu" in slurm.stdout
    local = run_cli(
        "src.train",
        "-m",
        "hydra/launcher=submitit_local",
        "task=classification,integer_regression",
        "trainer.fast_dev_run=true",
        env=env,
    )
    assert local.returncode == 0, local.stderr[-3000:]
    (sweep,) = (tmp_path / "logs" / "train" / "multiruns").iterdir()
    assert len(list(csv.DictReader((sweep / "summary.csv").open()))) == 2  # jobs ran in submitit's processes
