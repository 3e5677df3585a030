"""`wardrobe evaluate`: the test-set report and the labelled-photo-folder report, as a user runs them."""

import json

import numpy as np
from conftest import garment_photo, run_cli

from wardrobe.training.evaluate import confusion, summarise


def test_summary_of_a_confusion_matrix():
    truth = np.array([0, 0, 1, 1, 1, 2])
    predicted = np.array([0, 1, 1, 1, 2, 2])
    s = summarise(confusion(truth, predicted, 3))
    assert s["accuracy"] == round(4 / 6, 4)
    assert s["per_class"][1]["precision"] == round(2 / 3, 4) and s["per_class"][1]["recall"] == round(2 / 3, 4)
    assert {(m["true"], m["predicted"]) for m in s["most_confused"][:2]} == {("T-shirt/top", "Trouser"),
                                                                          ("Trouser", "Pullover")}


def test_test_set_report(use_tiny_model, tiny_fmnist, tmp_path):
    result = run_cli("evaluate", "--engine", "litert", "--data", str(tiny_fmnist), "--json",
                     "--figures", str(tmp_path / "figs"))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["images"] == 100 and len(report["per_class"]) == 10
    assert np.array(report["confusion"]).sum() == 100
    assert [row["test_accuracy"] for row in report["table"]["paper"]] == [0.8732, 0.9037, 0.9066]
    assert (tmp_path / "figs" / "confusion-fashion-mnist.png").stat().st_size > 1000
    text = run_cli("evaluate", "--engine", "litert", "--data", str(tiny_fmnist))
    assert "paper" in text.stdout and "most confused" in text.stdout


def test_photo_folder_report(use_tiny_model, tmp_path):
    folder = tmp_path / "labelled"
    for name in ("coat", "shoes", "skirt", "mystery"):
        (folder / name).mkdir(parents=True)
        for i in range(3):
            garment_photo(folder / name / f"{i}.jpg", colour=(40 * i, 90, 150))
    (folder / "coat" / "broken.jpg").write_text("not a photo")
    result = run_cli("evaluate", "--photos", str(folder), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report["folders"]) == {"coat", "shoes", "skirt"}  # "mystery" has no mapping and no category name
    assert report["folders"]["coat"]["photos"] == 4 and report["folders"]["coat"]["unreadable"] == 1
    # Skirt has a category but, as ../shared/photos/README.md scores it, no slot; it is not a Fashion-MNIST class.
    assert report["slot_scored"] == 6 and report["class_scored"] == 6 and report["all_scored"] == 9
    assert 0 <= report["slot_accuracy"] <= 1 and 0 <= report["unsure"]["flagged_share"] <= 1
    assert report["head"] == "shipped" and "+shipped-head-" in report["classifier"]
    text = run_cli("evaluate", "--photos", str(folder))
    assert "shipped photo head" in text.stdout and "all folders" in text.stdout and "unsure:" in text.stdout


def test_bad_mapping_and_missing_folder(use_tiny_model, tmp_path):
    (tmp_path / "photos" / "coat").mkdir(parents=True)
    bad = tmp_path / "map.json"
    bad.write_text("{not json")
    assert run_cli("evaluate", "--photos", str(tmp_path / "photos"), "--mapping", str(bad)).returncode == 2
    assert run_cli("evaluate", "--photos", str(tmp_path / "nowhere")).returncode == 3


def test_model_option_names_the_model_to_measure(tiny_model, tiny_fmnist, tmp_path):
    args = ("evaluate", "--engine", "litert", "--data", str(tiny_fmnist), "--json")
    chosen = run_cli(*args, "--model", str(tiny_model), env={"WARDROBE_MODEL": str(tmp_path / "elsewhere")})
    assert chosen.returncode == 0, chosen.stderr
    assert json.loads(chosen.stdout)["images"] == 100
    missing = run_cli(*args, "--model", str(tmp_path / "nowhere"), env={"WARDROBE_MODEL": str(tiny_model)})
    assert missing.returncode == 4, missing.stderr
