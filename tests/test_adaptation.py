"""Personal adaptation: `retrain --classifier` learns from corrections, switches only when better, resets."""

import json

from conftest import garment_photo, run_cli

from wardrobe.vision.finetune import split_corrections


def test_held_back_split_keeps_every_class_that_can_spare_one():
    import numpy as np

    labels = np.array([0] * 10 + [1] * 3 + [2] * 2)
    train, held = split_corrections(labels)
    assert sorted(set(labels[held])) == [0, 1] and len(held) == 3  # 2 of class 0, 1 of class 1, none of class 2
    assert not set(train) & set(held) and len(train) + len(held) == len(labels)


def test_too_few_corrections_are_refused(use_tiny_model, tmp_path, tiny_fmnist):
    garment_photo(tmp_path / "a.jpg")
    run_cli("add", "--label", "coat", str(tmp_path / "a.jpg"))
    result = run_cli("retrain", "--classifier", env={"WARDROBE_FASHION_MNIST": str(tiny_fmnist)})
    assert result.returncode == 2 and "at least 10" in result.stderr


def test_retrain_classifier_measures_and_decides(use_tiny_model, tmp_path, tiny_fmnist, private_home):
    for label, colour in (("coat", (200, 30, 40)), ("sneaker", (30, 160, 40)), ("dress", (40, 40, 200))):
        folder = tmp_path / label
        folder.mkdir()
        for i in range(6):
            garment_photo(folder / f"{i}.png", colour=(colour[0], colour[1], (colour[2] + 9 * i) % 255),
                          size=(200 + 10 * i, 260))
        assert run_cli("add", "--label", label, str(folder)).returncode == 0
    env = {"WARDROBE_FASHION_MNIST": str(tiny_fmnist)}
    result = run_cli("retrain", "--classifier", "--epochs", "1", "--json", env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["corrections"] == 18 and report["held_back"] == 3 and report["trained_on"] == 15
    for when in ("before", "after"):
        assert 0 <= report[when]["held_back"] <= 1 and 0 <= report[when]["fmnist_validation"] <= 1
    personal = private_home / "model-personal" / "card.json"
    assert personal.is_file() == report["adopted"]
    if report["adopted"]:
        listed = json.loads(run_cli("list", "--json").stdout)
        assert all(item["model_version"].startswith("resnet50-personal") for item in listed)
    assert run_cli("retrain", "--classifier", "--reset").returncode == 0
    assert not personal.exists()
