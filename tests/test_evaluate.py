"""`wardrobe evaluate`: the test-set report and the labelled-photo-folder report, as a user runs them."""

import json
from collections import Counter

import numpy as np
from conftest import confident_head, garment_photo, run_cli

from wardrobe.domain import CATEGORIES
from wardrobe.training.evaluate import confusion, folder_entry, load_mapping, summarise


def test_summary_of_a_confusion_matrix():
    truth = np.array([0, 0, 1, 1, 1, 2])
    predicted = np.array([0, 1, 1, 1, 2, 2])
    s = summarise(confusion(truth, predicted, 3))
    assert s["accuracy"] == round(4 / 6, 4)
    assert s["per_class"][1]["precision"] == round(2 / 3, 4) and s["per_class"][1]["recall"] == round(2 / 3, 4)
    assert {(m["true"], m["predicted"]) for m in s["most_confused"][:2]} == {("T-shirt/top", "Trouser"),
                                                                          ("Trouser", "Pullover")}


def test_test_set_report(use_tiny_model, tiny_fmnist, tmp_path):
    from wardrobe.training import fmnist
    from wardrobe.training.evaluate import PAPER_TABLE
    from wardrobe.vision.classifier import Classifier

    result = run_cli("evaluate", "--engine", "litert", "--data", str(tiny_fmnist), "--json",
                     "--figures", str(tmp_path / "figs"))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    # The confusion matrix is the network's own answers on the test set, counted again here.
    data = fmnist.load(tiny_fmnist)
    predicted = Classifier(use_tiny_model).fmnist_probabilities(data["test_images"].astype(np.float32)).argmax(1)
    matrix = np.zeros((10, 10), int)
    np.add.at(matrix, (data["test_labels"], predicted), 1)
    assert report["images"] == 100 and report["confusion"] == matrix.tolist()
    # Every figure follows from that matrix.
    assert report["accuracy"] == round(np.trace(matrix) / 100, 4)
    for row in report["per_class"]:
        k = row["label"]
        assert row["support"] == matrix[k].sum() == 10  # tiny_fmnist: ten test images of each class
        assert row["recall"] == round(matrix[k, k] / 10, 4)
        assert row["precision"] == round(matrix[k, k] / max(matrix[:, k].sum(), 1), 4)
    off = matrix - np.diag(np.diag(matrix))
    assert [m["count"] for m in report["most_confused"]] == sorted(off.ravel(), reverse=True)[:5]
    top = report["most_confused"][0]
    assert off[CATEGORIES.index(top["true"]), CATEGORIES.index(top["predicted"])] == top["count"]
    # The paper's rows are its published figures; ours is this model's measured accuracy beside its card.
    assert report["table"]["paper"] == PAPER_TABLE
    assert [row["test_accuracy"] for row in report["table"]["ours"]] == [report["accuracy"]]
    assert (tmp_path / "figs" / "confusion-fashion-mnist.png").stat().st_size > 1000
    text = run_cli("evaluate", "--engine", "litert", "--data", str(tiny_fmnist))
    assert f"accuracy {report['accuracy']:.4f} on 100 images" in text.stdout
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
    assert report["head"] == "shipped" and "+shipped-head-" in report["classifier"]
    # Each folder's counts are what `classify` says of its photos; the accuracies follow from those counts.
    mapping = load_mapping(None)
    slot_hits, class_hits, all_hits, flagged = [], [], [], []
    for name, entry in report["folders"].items():
        records = [r for r in json.loads(run_cli("classify", "--json", str(folder / name)).stdout) if "error" not in r]
        assert len(records) == entry["photos"] - entry["unreadable"] == 3
        assert entry["predicted"] == dict(Counter(r["category"] for r in records))
        assert entry["unsure"] == sum(r["unsure"] for r in records)
        wanted = folder_entry(name, mapping)
        hits = [r["label"] in wanted["classes"] for r in records]
        assert entry["class_accuracy"] == round(sum(hits) / 3, 4)
        all_hits += hits
        if all(c < 10 for c in wanted["classes"]):
            class_hits += hits
        if wanted["slot"]:
            slot = [r["slot"] == wanted["slot"] for r in records]
            assert entry["slot_accuracy"] == round(sum(slot) / 3, 4)
            slot_hits += slot
            flagged += [r["unsure"] for r in records]
        else:
            assert entry["slot_accuracy"] is None
    assert report["slot_accuracy"] == round(float(np.mean(slot_hits)), 4)
    assert report["class_accuracy"] == round(float(np.mean(class_hits)), 4)
    assert report["all_folders_accuracy"] == round(float(np.mean(all_hits)), 4)
    assert report["unsure"]["flagged_share"] == round(float(np.mean(flagged)), 4)
    text = run_cli("evaluate", "--photos", str(folder))
    assert "shipped photo head" in text.stdout and "all folders" in text.stdout and "unsure:" in text.stdout
    assert f"slot accuracy {report['slot_accuracy']:.3f} (6 scored)" in text.stdout


def test_photo_folder_figures_follow_from_what_was_predicted(use_tiny_model, private_home, tmp_path):
    """A head that reads every photo as T-shirt/top: right in t-shirt/, right slot but wrong class in shirt/, wrong
    in coat/ and shoes/, and skirt/ scored for its class only. Each accuracy is then a different, known share."""
    confident_head(private_home, label=0)
    folder = tmp_path / "labelled"
    for name in ("t-shirt", "shirt", "coat", "shoes", "skirt"):
        (folder / name).mkdir(parents=True)
        for i in range(2):
            garment_photo(folder / name / f"{i}.jpg", colour=(40 * i, 90, 150))
    report = json.loads(run_cli("evaluate", "--photos", str(folder), "--json").stdout)
    assert report["head"] == "personal" and "+personal-head-" in report["classifier"]
    assert (report["slot_scored"], report["class_scored"], report["all_scored"]) == (8, 8, 10)
    assert report["slot_accuracy"] == 0.5  # t-shirt and shirt: the top slot
    assert report["class_accuracy"] == 0.25  # t-shirt only, of the four Fashion-MNIST folders
    assert report["all_folders_accuracy"] == 0.2  # t-shirt only, of all five
    assert report["unsure"] == {"flagged_share": 0.0, "slot_error_when_sure": 0.5, "slot_error_when_unsure": None}
    expected = {"t-shirt": (1.0, 1.0), "shirt": (0.0, 1.0), "coat": (0.0, 0.0), "shoes": (0.0, 0.0),
                "skirt": (0.0, None)}
    for name, (class_accuracy, slot_accuracy) in expected.items():
        entry = report["folders"][name]
        assert (entry["class_accuracy"], entry["slot_accuracy"]) == (class_accuracy, slot_accuracy), name
        assert entry["predicted"] == {"T-shirt/top": 2} and entry["unsure"] == 0


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
