"""curves.png: the learning curves drawn from metrics.csv."""

from __future__ import annotations

from pathlib import Path

from src.callbacks import plot_curves


def test_the_curves_of_a_metrics_csv_are_drawn_into_a_png(tmp_path: Path) -> None:
    metrics = tmp_path / "metrics.csv"
    lines = ["epoch,step,train/loss,val/loss,val/acc"]
    for e in range(3):  # a train row and a val row per epoch, as the CSV logger writes them
        lines += [f"{e},{4 * e + 3},{1 / (e + 1)},,", f"{e},{4 * e + 3},,{1.1 / (e + 1)},{0.5 + e / 10}"]
    metrics.write_text("\n".join(lines) + "\n")
    out = plot_curves(metrics, "val/acc", tmp_path / "curves.png")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 10_000  # two panels, drawn
