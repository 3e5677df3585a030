"""Training use cases of the paper's network: train, resume, publish, report (the photo network: training.photo_head)."""

from __future__ import annotations

from pathlib import Path


def training_report(run_dir: Path, min_gain: float | None = None) -> dict:
    """A run's history, its figures (PNG, in the run folder) and where its returns diminished."""
    from wardrobe.training.run_history import DEFAULT_GAIN, diminishing_returns, draw_figures
    from wardrobe.training.train import RunFolder

    run = RunFolder(run_dir)
    history = run.read_history()
    if not history:
        raise FileNotFoundError(f"{run.history}: no finished epoch in this run yet")
    figures = draw_figures(history, run.path / "figures", run.path.name)
    return {"run": str(run.path), "history": history, "figures": [str(f) for f in figures],
            "diminishing_returns": diminishing_returns(history, DEFAULT_GAIN if min_gain is None else min_gain)}


def train_classifier(run_dir: Path, out_dir: Path, data_dir: Path | None = None, export_only: bool = False,
                     devices: int | None = None, **settings) -> dict:
    """Train (or resume) a run on `devices` (None: every GPU, else the CPU), then publish its best model to
    out_dir; returns the new model card."""
    from wardrobe.training import train as training

    if not export_only:
        training.train(training.TrainConfig.for_arch(**settings), run_dir, data_dir=data_dir, devices=devices)
    return training.export(run_dir, out_dir, data_dir=data_dir)
