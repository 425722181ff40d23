"""The daily workflow around a run: experiments, debug modes, callbacks."""

from __future__ import annotations

import csv
import os
import re
import shutil
from importlib.metadata import metadata
from pathlib import Path

import pytest

from src import train
from tests.helpers import fast_train_cfg, options, run_cli


def metrics_rows(run_dir: Path) -> list[dict[str, str]]:
    return list(csv.DictReader((run_dir / "metrics.csv").open()))


@pytest.mark.parametrize("experiment", options("experiment"))
def test_every_experiment_runs_with_debug_fdr(
    experiment: str, data_dir: Path, source_logs: Path, tmp_path: Path
) -> None:
    overrides = [f"experiment={experiment}", "debug=fdr", f"paths.data_dir={data_dir}", f"paths.log_dir={source_logs}"]
    cfg = fast_train_cfg(overrides, tmp_path)
    assert train.main(cfg) is not None


def test_a_transfer_preset_starts_from_the_newest_run_of_its_source(tmp_path: Path) -> None:
    from omegaconf import OmegaConf

    from src.errors import TriadError
    from src.runs.resolvers import newest_ckpt

    def run(where: str, experiment: str, age: int) -> Path:
        (tmp_path / where / ".hydra").mkdir(parents=True)
        (tmp_path / where / ".hydra" / "overrides.yaml").write_text(f"- experiment={experiment}\n- seed=1\n")
        (tmp_path / where / "checkpoints").mkdir()
        (ckpt := tmp_path / where / "checkpoints" / "best.ckpt").write_bytes(b"")
        os.utime(ckpt, (1e9 + age, 1e9 + age))
        return ckpt

    run("runs/a", "digits_cnn", age=1)
    newest = run("multiruns/s/0", "digits_cnn", age=2)  # a job of a sweep counts too
    run("runs/b", "digits_mlp", age=3)  # newer, but another experiment
    assert newest_ckpt(str(tmp_path), "digits_cnn") == str(newest)
    with pytest.raises(TriadError, match=r"experiment=diabetes_mlp.*backbone_ckpt=<file>"):
        newest_ckpt(str(tmp_path), "diabetes_mlp")
    cfg = OmegaConf.create({"backbone_ckpt": f"${{newest_ckpt:{tmp_path},digits_cnn}}"})
    assert cfg.backbone_ckpt == str(newest)
    newer = run("multiruns/s/1", "digits_cnn", age=4)  # a sweep job finishing while this run is under way
    assert cfg.backbone_ckpt == str(newest)  # one run reads one value
    assert OmegaConf.create({"b": f"${{newest_ckpt:{tmp_path},digits_cnn}}"}).b == str(newer)  # the next run: newer


def test_a_transfer_preset_without_its_source_run_says_what_to_run(tmp_path: Path) -> None:
    preset = next(o for o in options("experiment") if o.startswith("transfer_"))
    result = run_cli("src.train", f"experiment={preset}", env={"LOG_DIR": str(tmp_path / "logs")})
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "python -m src.train experiment=" in result.stderr and "backbone_ckpt=<file>" in result.stderr


def test_all_experiments_in_one_multirun(data_dir: Path, source_logs: Path, tmp_path: Path) -> None:
    shutil.copytree(source_logs, tmp_path / "logs")  # the transfer_* presets start from these runs
    env = {"LOG_DIR": str(tmp_path / "logs"), "DATA_DIR": str(data_dir)}
    result = run_cli("src.train", "-m", "experiment=glob(*)", "debug=fdr", "trainer.enable_progress_bar=false", env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    (sweep,) = (tmp_path / "logs" / "train" / "multiruns").iterdir()
    assert len([p for p in sweep.iterdir() if p.is_dir()]) == len(options("experiment"))


@pytest.mark.parametrize("mode", options("debug"))
def test_every_debug_mode_runs_on_cpu(mode: str, tmp_path: Path) -> None:
    cfg = fast_train_cfg([f"debug={mode}"], tmp_path)
    assert cfg.trainer.accelerator == "cpu"
    train.main(cfg)


def test_overfit_drives_the_training_loss_down(tmp_path: Path) -> None:
    train.main(fast_train_cfg(["debug=overfit", "trainer.max_epochs=30"], tmp_path))
    losses = [float(r["train/loss"]) for r in metrics_rows(tmp_path) if r["train/loss"]]
    assert losses[-1] < 0.2 * losses[0]
    assert not (tmp_path / "checkpoints").exists()


def test_profiler_writes_its_report_into_the_run_dir(tmp_path: Path) -> None:
    train.main(fast_train_cfg(["debug=profiler"], tmp_path))
    assert "run_training_epoch" in (tmp_path / "fit-profile.txt").read_text()


def test_limit_runs_two_short_epochs_and_checkpoints(tmp_path: Path) -> None:
    train.main(fast_train_cfg(["debug=limit"], tmp_path))
    epochs = {r["epoch"] for r in metrics_rows(tmp_path) if r.get("train/loss")}
    assert epochs == {"0", "1"} and (tmp_path / "checkpoints" / "last.ckpt").is_file()


def test_learning_rate_is_logged_per_epoch_and_follows_the_scheduler(tmp_path: Path) -> None:
    train.main(fast_train_cfg(["scheduler=cosine", "trainer.max_epochs=3"], tmp_path))
    lrs = [float(r["lr-AdamW"]) for r in metrics_rows(tmp_path) if r.get("lr-AdamW")]
    assert len(lrs) == 3 and lrs[0] > lrs[1] > lrs[2]


def test_two_process_cpu_ddp_trains_and_tests_into_one_run_dir(tmp_path: Path) -> None:
    args = ["trainer=ddp", "trainer.max_epochs=2", "data.num_train=1024", "trainer.enable_progress_bar=false"]
    result = run_cli("src.train", *args, env={"LOG_DIR": str(tmp_path / "logs")})
    assert result.returncode == 0, result.stderr[-3000:]
    assert "GLOBAL_RANK: 1, MEMBER: 2/2" in result.stdout + result.stderr
    (run,) = (tmp_path / "logs" / "train" / "runs").iterdir()  # not one folder per rank
    assert [r["test/acc"] for r in metrics_rows(run) if r.get("test/acc")] and result.stdout.count("final metrics") == 1


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


@pytest.mark.parametrize("logger", [o for o in options("logger") if o not in ("csv", "many", "none")])
def test_a_logger_whose_package_is_missing_stops_with_the_pip_line(
    logger: str, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    absent = f"logger.{logger}._target_=tasktriad_absent_{logger}.Logger"  # as if its package were not installed
    cfg = fast_train_cfg([f"logger={logger}", absent], tmp_path)
    with pytest.raises(SystemExit) as exit_info:
        train.main(cfg)
    err = capsys.readouterr().err
    assert exit_info.value.code == 2 and "needs a package that is not installed" in err and "Traceback" not in err
    extra = re.search(r'pip install -e "\.\[(\w+)\]"', err)
    assert extra and extra.group(1) in metadata("tasktriad").get_all("Provides-Extra"), err


def test_a_sweep_summary_has_a_row_per_job_and_a_plot_per_swept_parameter(tmp_path: Path) -> None:
    from omegaconf import OmegaConf

    from src.sweeps.summary import SweepSummary

    for job, (lr, acc) in enumerate([("0.001", 0.6), ("0.01", 0.8), ("0.1", 0.7)]):
        (tmp_path / str(job) / ".hydra").mkdir(parents=True)
        (tmp_path / str(job) / ".hydra" / "overrides.yaml").write_text(f"- optimizer.lr={lr}\n- seed=1\n")
        (tmp_path / str(job) / "metrics.csv").write_text(f"epoch,step,val/acc\n0,1,0.1\n1,2,{acc}\n")
    config = OmegaConf.create({"hydra": {"sweep": {"dir": str(tmp_path)}}, "optimized_metric": "val/acc"})
    SweepSummary().on_multirun_end(config)
    rows = list(csv.DictReader((tmp_path / "summary.csv").open()))
    assert [(r["optimizer.lr"], float(r["val/acc"])) for r in rows] == [("0.001", 0.6), ("0.01", 0.8), ("0.1", 0.7)]
    assert (tmp_path / "summary.png").read_bytes()[:4] == b"\x89PNG"


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
        "trainer.enable_progress_bar=false",
        env=env,
    )
    assert local.returncode == 0, local.stderr[-3000:]
    (sweep,) = (tmp_path / "logs" / "train" / "multiruns").iterdir()
    assert len(list(csv.DictReader((sweep / "summary.csv").open()))) == 2  # jobs ran in submitit's processes
