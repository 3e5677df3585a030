"""Training on tiny Fashion-MNIST-shaped files: checkpoints, resume, the published model and its card."""

import csv
import json

import numpy as np
import pytest
from conftest import run_cli

from wardrobe.training import fmnist
from wardrobe.training.artifacts import load_keras
from wardrobe.training.train import RunFolder, TrainConfig, augment, export, train
from wardrobe.vision.card import ModelError, verified_artifact

TINY = dict(batch_size=32, blocks=(1, 1, 1, 1), width=4, val_per_class=5, learning_rate=0.05)


def test_reads_idx_files_and_holds_out_a_stratified_validation_split(tiny_fmnist):
    data = fmnist.load(tiny_fmnist)
    assert data["train_images"].shape == (300, 28, 28) and data["test_labels"].shape == (100,)
    train_idx, val_idx = fmnist.split_validation(data["train_labels"], per_class=5)
    assert len(val_idx) == 50 and not set(train_idx) & set(val_idx)
    assert np.bincount(data["train_labels"][val_idx]).tolist() == [5] * 10


def test_missing_dataset_says_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setattr(fmnist, "candidate_dirs", lambda: [tmp_path])
    with pytest.raises(fmnist.DatasetNotFound, match="apt-get install dataset-fashion-mnist"):
        fmnist.load()


def test_truncated_idx_file_is_refused(tmp_path, tiny_fmnist):
    import gzip

    bad = tmp_path / "labels.gz"
    bad.write_bytes(gzip.compress(gzip.decompress((tiny_fmnist / "t10k-labels-idx1-ubyte.gz").read_bytes())[:50]))
    with pytest.raises(ValueError, match="truncated"):
        fmnist.read_idx(bad)


def test_augmentation_keeps_shape_and_changes_images(keras):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 255, size=(64, 28, 28), dtype=np.uint8)
    out = augment(images, rng, TrainConfig())
    assert out.shape == images.shape and out.dtype == np.uint8
    assert (out != images).any(axis=(1, 2)).mean() > 0.5
    untouched = augment(images, rng, TrainConfig(translate=0, flip=False, erase_probability=0))
    assert (untouched == images).all()


def test_train_resume_and_export(keras, tiny_fmnist, tmp_path, monkeypatch, capsys):
    from wardrobe.training import resnet

    run_dir, out_dir = tmp_path / "run", tmp_path / "model"
    train(TrainConfig(epochs=1, **TINY), run_dir, data_dir=tiny_fmnist, verbose=0)
    run = RunFolder(run_dir)
    first = run.read_history()
    assert [r["epoch"] for r in first] == [1]
    assert run.checkpoint.is_file() and run.best.is_file()
    # The same run asked for more epochs resumes with its stored settings, so this stays at 1...
    train(TrainConfig(epochs=3, **TINY), run_dir, data_dir=tiny_fmnist, verbose=0)
    assert run.read_history() == first
    # ...and a run stopped after epoch 1 of 2 continues at epoch 2, from its checkpoint: no network is built afresh.
    cfg = json.loads(run.config.read_text())
    run.config.write_text(json.dumps({**cfg, "epochs": 2}))

    def built_afresh(*args, **kwargs):
        raise AssertionError("a resumed run built a new network instead of loading its checkpoint")

    monkeypatch.setattr(resnet, "build_resnet50", built_afresh)
    capsys.readouterr()
    train(TrainConfig(epochs=2, **TINY), run_dir, data_dir=tiny_fmnist, verbose=0)
    monkeypatch.undo()
    assert "resumed run run after epoch 1/2" in capsys.readouterr().err
    history = run.read_history()
    assert history[0] == first[0]  # epoch 1 kept as it was (a restart would have measured it again)
    with open(run.history) as f:
        rows = list(csv.DictReader(f))
    assert [int(r["epoch"]) for r in rows] == [1, 2]
    assert abs(float(rows[1]["elapsed"]) - float(rows[0]["elapsed"]) - float(rows[1]["seconds"])) <= 0.1 + 1e-9

    card = export(run_dir, out_dir, data_dir=tiny_fmnist)
    path, checked = verified_artifact(out_dir, "litert")
    assert checked == card and path.is_file()
    # The card's figures are the run's and the test set's: best epoch on validation, its accuracy measured again.
    best = max(history, key=lambda r: r["val_accuracy"])
    assert card["epochs"] == best["epoch"] and card["validation_accuracy"] == round(best["val_accuracy"], 4)
    assert card["train_accuracy"] == round(best["accuracy"], 4)
    data = fmnist.load(tiny_fmnist)
    model, _ = load_keras(out_dir)
    predicted = model.predict(data["test_images"][..., None].astype("float32"), verbose=0).argmax(1)
    assert card["test_images"] == 100 and card["test_accuracy"] == round(float(np.mean(predicted == data["test_labels"])), 4)
    # Every artifact was measured against the float32 model it came from.
    for kind in ("weights", "litert"):
        assert card["artifacts"][kind]["agreement_with_float32"] >= 0.95, card["artifacts"][kind]
    assert model.count_params() == card["parameters"]
    assert card["class_names"][9] == "Ankle boot"
    assert card["preprocessing_version"] and card["versions"]["keras"]
    # Publishing again replaces the file and leaves no stale weights behind.
    export(run_dir, out_dir, data_dir=tiny_fmnist)
    assert sorted(p.suffix for p in out_dir.iterdir()) == [".json", ".npz", ".tflite"]


def test_card_without_artifact_is_refused(tmp_path):
    (tmp_path / "card.json").write_text("{}")
    with pytest.raises(ModelError, match="not a wardrobe model card"):
        verified_artifact(tmp_path)


def test_train_command_without_data_says_how_to_get_it(keras, tmp_path):
    result = run_cli("train", "--data", str(tmp_path), "--epochs", "1", "--runs-dir", str(tmp_path / "runs"),
                     "--out", str(tmp_path / "model"))
    assert result.returncode == 5
    assert "Fashion-MNIST" in result.stderr and "--data DIR" in result.stderr


def test_diminishing_returns_finds_the_plateau():
    from wardrobe.training.run_history import diminishing_returns

    curve = [0.80, 0.85, 0.88, 0.90, 0.91, 0.915, 0.918, 0.920, 0.921, 0.9215, 0.922, 0.9222, 0.9223, 0.9224,
             0.9224, 0.9225, 0.9225, 0.9226, 0.9226, 0.9226, 0.9226, 0.9226, 0.9226]
    history = [{"epoch": i + 1, "val_accuracy": v} for i, v in enumerate(curve)]
    result = diminishing_returns(history, min_gain=0.002)
    # After epoch 8 (0.920) the next 10 epochs still add 0.0026; after epoch 9 (0.921) only 0.0016.
    assert result["epoch"] == 9
    assert result["gain_next_window"] < 0.002
    still_rising = diminishing_returns(history[:6], min_gain=0.002)
    assert still_rising["epoch"] is None and still_rising["gain_last_window"] > 0.1


def test_report_draws_the_papers_figures(keras, tiny_fmnist, tmp_path):
    train(TrainConfig(epochs=2, **TINY), tmp_path / "run", data_dir=tiny_fmnist, verbose=0)
    result = run_cli("train", "--run", "run", "--runs-dir", str(tmp_path), "--report")
    assert result.returncode == 0, result.stderr
    assert "returns have not diminished yet" in result.stdout
    for name in ("accuracy.png", "time.png"):
        assert (tmp_path / "run" / "figures" / name).stat().st_size > 5000


def test_photo_like_augmentation_keeps_shape_and_garment(keras):
    from wardrobe.training.randomise import photo_like

    rng = np.random.default_rng(0)
    images = np.zeros((16, 28, 28), dtype=np.uint8)
    images[:, 6:22, 8:20] = 180
    assert (photo_like(images, rng, 0.0) == images).all()
    out = photo_like(images, rng, 1.0)
    assert out.shape == images.shape and out.dtype == np.uint8
    assert (out != images).any(axis=(1, 2)).all()
    for o in out:  # re-trimmed: the garment still fills its longest edge, as converted photos do
        extent = max(np.ptp(np.flatnonzero(o.max(0))), np.ptp(np.flatnonzero(o.max(1)))) + 1
        assert extent >= 26


def test_train_command_trains_and_publishes_the_light_network(keras, tiny_fmnist, tmp_path):
    result = run_cli("train", "--arch", "lite", "--epochs", "1", "--batch-size", "64", "--data", str(tiny_fmnist),
                     "--runs-dir", str(tmp_path / "runs"), "--run", "smoke", "--out", str(tmp_path / "model"),
                     timeout=300)
    assert result.returncode == 0, result.stderr
    assert "published" in result.stdout and "test accuracy" in result.stdout
    card = json.loads((tmp_path / "model" / "card.json").read_text())
    assert card["name"] == "lite" and card["architecture"]["blocks"] == [2, 2, 2, 2]
    assert card["architecture"]["width"] == 16 and card["parameters"] < 1_000_000
