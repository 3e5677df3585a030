"""Evaluation use cases: the classifier on Fashion-MNIST's test set, the whole pipeline on labelled photo folders."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from wardrobe import config
from wardrobe.domain import CATEGORIES, FMNIST_CLASSES
from wardrobe.training.evaluate import PAPER_TABLE, evaluate_fmnist, evaluate_photos, load_mapping


def evaluate_test_set(model_dir: Path | None = None, data_dir: Path | None = None, engine: str = "keras",
                      figures: Path | None = None) -> dict:
    """Test accuracy, per-class precision/recall, confusions and the paper's table; optionally the confusion PNG."""
    model_dir = config.model_dir(model_dir)
    if engine == "keras":
        from wardrobe.training.artifacts import load_keras

        model, card = load_keras(model_dir)
        result = evaluate_fmnist(lambda x: model.predict(x, batch_size=256, verbose=0), data_dir)
    else:
        from wardrobe.vision.classifier import Classifier

        classifier = Classifier(model_dir)
        card = classifier.card
        result = evaluate_fmnist(lambda x: classifier.fmnist_probabilities(x[..., 0]), data_dir)
    result["engine"] = engine
    result["model"] = {"name": card.get("name"), "architecture": card.get("architecture"),
                       "card_test_accuracy": card.get("test_accuracy")}
    result["table"] = {
        "paper": PAPER_TABLE,
        "ours": [{"epochs": card.get("epochs"), "train_accuracy": card.get("train_accuracy"),
                  "test_accuracy": result["accuracy"], "time": card.get("train_seconds")}],
    }
    if figures:
        from wardrobe.vision.plots import confusion_png

        figures.mkdir(parents=True, exist_ok=True)
        result["confusion_png"] = str(confusion_png(
            figures / "confusion-fashion-mnist.png", np.array(result["confusion"]),
            list(CATEGORIES[:FMNIST_CLASSES]), f"Fashion-MNIST test set: accuracy {result['accuracy']:.4f} ({engine})"))
    return result


def evaluate_photo_folder(folder: Path, model_dir: Path | None = None, mapping: Path | None = None,
                          personal_head: Path | None = None, photo_model_dir: Path | None = None) -> dict:
    """Slot, class and all-folder accuracy of the whole pipeline (with the user's own photo head, if given and
    fitted for this photo network) on a folder of labelled subfolders, and how well "unsure" warns."""
    from wardrobe.vision.classifier import Classifier

    classifier = Classifier(config.model_dir(model_dir), config.photo_model_dir(photo_model_dir),
                            personal_head=personal_head)
    result = evaluate_photos(classifier, Path(folder), load_mapping(mapping))
    result["classifier"] = classifier.version
    result["head"] = classifier.head_source
    return result


def evaluate_attributes(folder: Path, labels_csv: Path, model_dir: Path | None = None,
                        photo_model_dir: Path | None = None, personal_attributes: Path | None = None,
                        progress=None) -> dict:
    """Kind, pattern, material and main colour against labels made by looking, for the photos of folder."""
    from wardrobe.training.attributes import evaluate_attribute_labels
    from wardrobe.vision.classifier import Classifier

    classifier = Classifier(config.model_dir(model_dir), config.photo_model_dir(photo_model_dir),
                            personal_attributes=personal_attributes)
    return evaluate_attribute_labels(classifier, Path(folder), Path(labels_csv), progress)
