"""The photo head: fitted from labelled folders (`train-head`), refitted from corrections (`retrain --classifier`)."""

import json
import shutil

import numpy as np
import pytest
from conftest import garment_photo, run_cli

from wardrobe.vision.head import PhotoHead, fit_head, folder_labels, split_corrections


def test_held_back_split_keeps_every_class_that_can_spare_one():
    labels = np.array([0] * 10 + [1] * 3 + [2] * 2)
    train, held = split_corrections(labels)
    assert sorted(set(labels[held])) == [0, 1] and len(held) == 3  # 2 of class 0, 1 of class 1, none of class 2
    assert not set(train) & set(held) and len(train) + len(held) == len(labels)


def test_head_learns_saves_and_loads_without_pickles(tmp_path):
    rng = np.random.default_rng(0)
    centres = rng.normal(0, 3, (3, 16))
    labels = np.repeat([1, 4, 7], 40)
    x = centres[[0] * 40 + [1] * 40 + [2] * 40] + rng.normal(0, 1, (120, 16))
    head = fit_head(x, labels, np.ones(120), network="abc", c=1.0)
    probabilities = head.probabilities(x)
    assert probabilities.shape == (120, 10) and np.allclose(probabilities.sum(1), 1, atol=1e-5)
    assert (probabilities.argmax(1) == labels).mean() > 0.95
    assert probabilities[:, [0, 2, 3, 5, 6, 8, 9]].max() < 1e-6  # classes it never saw stay out of reach
    head.save(tmp_path / "head.npz")
    again = PhotoHead.load(tmp_path / "head.npz")
    assert again.network == "abc" and np.allclose(again.probabilities(x), probabilities, atol=1e-6)
    (tmp_path / "bad.npz").write_bytes((tmp_path / "head.npz").read_bytes()[:200])
    with pytest.raises(ValueError, match="not a photo head"):
        PhotoHead.load(tmp_path / "bad.npz")


def test_folder_labels_follow_the_mapping():
    mapping = {"pants": {"classes": [1], "slot": "bottom"}, "shoes": {"classes": [5, 7, 9], "slot": "footwear"},
               "shorts": {"classes": [], "slot": "bottom"}, "hat": {"classes": [], "slot": None}}
    probabilities = np.full((5, 10), 0.1)
    probabilities[1, 9] = 0.5  # the network's likeliest shoe class is Ankle boot
    labels = folder_labels(["pants", "shoes", "shorts", "hat", "unknown"], probabilities, mapping)
    assert labels.tolist() == [1, 9, 1, -1, -1]


def _labelled_folders(root):
    for name, colour in (("t-shirt", (200, 30, 40)), ("pants", (30, 160, 40)), ("shoes", (40, 40, 200))):
        (root / name).mkdir(parents=True)
        for i in range(8):
            garment_photo(root / name / f"{name}{i}.png", colour=(colour[0], colour[1], (colour[2] + 9 * i) % 255),
                          size=(200 + 10 * i, 260))
    return root


def test_train_head_publishes_a_checked_head(tiny_model, tmp_path, tiny_fmnist):
    model = tmp_path / "model"
    shutil.copytree(tiny_model, model)
    photos = _labelled_folders(tmp_path / "photos")
    env = {"WARDROBE_FASHION_MNIST": str(tiny_fmnist), "WARDROBE_MODEL": str(model)}
    result = run_cli("train-head", str(photos), "--json", env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["photos"] == 24 and report["per_folder"] == {"t-shirt": 8, "pants": 8, "shoes": 8}
    card = json.loads((model / "card.json").read_text())
    assert card["artifacts"]["head"]["network"] == card["artifacts"]["litert"]["sha256"]
    head_file = model / card["artifacts"]["head"]["file"]
    assert PhotoHead.load(head_file).photo_embeddings.shape[0] == 24

    classified = run_cli("classify", "--json", str(photos / "pants"), env=env)
    assert classified.returncode == 0, classified.stderr
    assert all(0 <= r["label"] <= 9 for r in json.loads(classified.stdout))

    half = run_cli("train-head", str(photos), "--share", "0.5", "--json", env=env, timeout=300)
    assert 0 < json.loads(half.stdout)["photos"] < 24  # a fixed hash split keeps the rest for other uses

    head_file = model / json.loads((model / "card.json").read_text())["artifacts"]["head"]["file"]
    head_file.write_bytes(head_file.read_bytes()[:-10] + b"0123456789")
    broken = run_cli("classify", str(photos / "pants" / "pants0.png"), env=env)
    assert broken.returncode == 4 and "does not match its card" in broken.stderr


def test_too_few_corrections_are_refused(use_tiny_model, tmp_path, tiny_fmnist):
    garment_photo(tmp_path / "a.jpg")
    run_cli("add", "--label", "coat", str(tmp_path / "a.jpg"))
    result = run_cli("retrain", "--classifier", env={"WARDROBE_FASHION_MNIST": str(tiny_fmnist)})
    assert result.returncode == 2 and "at least 10" in result.stderr


def test_retrain_classifier_measures_and_decides(use_tiny_model, tmp_path, tiny_fmnist, private_home):
    photos = _labelled_folders(tmp_path / "photos")
    for folder, label in (("t-shirt", "t-shirt"), ("pants", "trouser"), ("shoes", "sneaker")):
        assert run_cli("add", "--label", label, str(photos / folder)).returncode == 0
    env = {"WARDROBE_FASHION_MNIST": str(tiny_fmnist)}
    result = run_cli("retrain", "--classifier", "--json", env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["corrections"] == 24 and report["held_back"] == 6 and report["trained_on"] == 18
    for when in ("before", "after"):
        assert 0 <= report[when]["held_back"] <= 1 and 0 <= report[when]["fmnist_validation"] <= 1
    # Three colours that the labels follow: the refitted head must not be worse than a random network.
    assert report["after"]["held_back"] >= report["before"]["held_back"]
    personal = private_home / "model-personal" / "head.npz"
    assert personal.is_file() == report["adopted"]
    if report["adopted"]:
        listed = json.loads(run_cli("list", "--json").stdout)
        assert all(item["model_version"].endswith("+personal-head") for item in listed)
    assert run_cli("retrain", "--classifier", "--reset").returncode == 0
    assert not personal.exists()


def test_a_personal_head_for_another_network_is_ignored(use_tiny_model, tmp_path, private_home):
    head = fit_head(np.random.default_rng(0).normal(size=(20, 8)), np.arange(20) % 2, np.ones(20), network="other")
    head.save(private_home / "model-personal" / "head.npz")
    garment_photo(tmp_path / "a.jpg")
    result = run_cli("classify", "--json", str(tmp_path / "a.jpg"))
    assert result.returncode == 0, result.stderr  # a different embedding size would crash if it were used
