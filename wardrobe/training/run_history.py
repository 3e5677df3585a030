"""Reading a run's history: the paper's figures (accuracy and time per epoch) and where returns diminish."""

from __future__ import annotations

from pathlib import Path

from wardrobe.vision.plots import line_chart

DEFAULT_GAIN = 0.002  # validation accuracy gained per further WINDOW epochs below which returns have diminished
WINDOW = 10


def diminishing_returns(history: list[dict], min_gain: float = DEFAULT_GAIN, window: int = WINDOW) -> dict:
    """The first epoch after which the next `window` epochs improve the best validation accuracy by < min_gain.

    Only epochs with a full window after them can be judged; if none qualifies the answer is None
    with the gain of the last full window (or of the epochs so far, if fewer than a window).
    """
    best = []
    for row in history:
        best.append(max(best[-1] if best else 0.0, row["val_accuracy"]))
    for e in range(len(history) - window):
        gain = best[e + window] - best[e]
        if gain < min_gain:
            return {"epoch": history[e]["epoch"], "gain_next_window": round(gain, 4), "min_gain": min_gain,
                    "window": window, "best_val_accuracy": round(best[-1], 4) if best else None}
    recent = (best[-1] - best[-1 - window]) if len(best) > window else (best[-1] - best[0] if best else 0.0)
    return {"epoch": None, "gain_last_window": round(recent, 4), "min_gain": min_gain, "window": window,
            "epochs_seen": len(history), "best_val_accuracy": round(best[-1], 4) if best else None}


def draw_figures(history: list[dict], out_dir: Path, title: str) -> list[Path]:
    """The paper's two figures: accuracy vs epoch (train and validation), and time elapsed vs epoch."""
    out_dir.mkdir(parents=True, exist_ok=True)
    epochs = [r["epoch"] for r in history]
    accuracy = line_chart(out_dir / "accuracy.png", {
        "train accuracy": (epochs, [r["accuracy"] for r in history]),
        "validation accuracy": (epochs, [r["val_accuracy"] for r in history]),
    }, f"{title}: accuracy per epoch", "epoch", "accuracy")
    elapsed = line_chart(out_dir / "time.png", {
        "time elapsed (minutes)": (epochs, [r["elapsed"] / 60 for r in history]),
    }, f"{title}: time elapsed", "epoch", "minutes")
    return [accuracy, elapsed]
