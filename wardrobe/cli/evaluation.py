"""`wardrobe evaluate`: the classifier on Fashion-MNIST's test set, or the whole pipeline on labelled photos."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from wardrobe.cli.common import EXIT_NOT_FOUND, EXIT_USAGE, app, fail, service_errors, settings


def _fmt(value, pattern="{:.4f}") -> str:
    return "-" if value is None else pattern.format(value)



class Engine(str, Enum):
    litert = "litert"
    keras = "keras"


@app.command()
def evaluate(
    photos: Optional[Path] = typer.Option(None, "--photos", metavar="DIR",
                                          help="Score the whole pipeline on DIR's subfolders of labelled photos."),
    mapping: Optional[Path] = typer.Option(None, "--mapping", metavar="FILE",
                                           help="JSON: folder -> correct classes and outfit slot "
                                                "[default: data/photo-folders.json; folders named after a category "
                                                "need no entry]."),
    data: Optional[Path] = typer.Option(None, "--data", metavar="DIR", envvar="WARDROBE_FASHION_MNIST",
                                        help="Folder with the Fashion-MNIST IDX files [default: searched]."),
    engine: Engine = typer.Option(Engine.litert, "--engine", help="litert: what the app runs, the LiteRT model; "
                                  "keras: the float32 network (needs the [train] extra: TensorFlow)."),
    figures: Optional[Path] = typer.Option(None, "--figures", metavar="DIR",
                                           help="Also draw the confusion matrix as a PNG in DIR."),
    model: Optional[Path] = typer.Option(None, "--model", metavar="DIR",
                                         help="Model folder to measure [default: wardrobe's --model, else the "
                                              "shipped model/]."),
    labels: Optional[Path] = typer.Option(None, "--labels", metavar="CSV",
                                          help="With --photos: score the attribute heads (kind, pattern, material, "
                                               "main colour) against labels made by looking, e.g. "
                                               "data/attribute-labels.csv (paths relative to DIR's parent)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Measure the classifier.

    Without --photos: accuracy on the 10,000 Fashion-MNIST test images, per-class precision
    and recall, the most confused pairs and the paper's Table 1 beside ours.
    With --photos DIR: slot and class accuracy on real photos sorted into subfolders
    (e.g. ../shared/photos/validation), per folder, with what each folder was taken for.
    With --photos DIR --labels CSV: each attribute's accuracy, the share called unknown and the error among the
    rest, against the most common value.
    """
    from wardrobe.services.evaluation import evaluate_photo_folder, evaluate_test_set

    engine = engine.value
    if photos is not None and not photos.is_dir():
        fail(f"{photos}: no such folder", EXIT_NOT_FOUND)
    model = model or settings().model
    if labels is not None:
        _evaluate_attributes(photos, labels, model, as_json)
        return
    with service_errors():
        try:
            if photos is not None:
                from wardrobe.services import Wardrobe

                result = evaluate_photo_folder(photos, model, mapping, Wardrobe(settings=settings()).personal_head,
                                              settings().photo_model)
            else:
                result = evaluate_test_set(model, data, engine, figures)
        except ValueError as exc:  # an unreadable mapping file, or no labelled subfolder
            fail(str(exc), EXIT_USAGE)
    if as_json:
        print(json.dumps(result, indent=2))
    elif photos is not None:
        _print_photos(result)
    else:
        _print_test_set(result)


def _evaluate_attributes(photos: Optional[Path], labels: Path, model: Path, as_json: bool) -> None:
    from wardrobe.cli.photos import _progress
    from wardrobe.services import Wardrobe
    from wardrobe.services.evaluation import evaluate_attributes

    if photos is None:
        fail("--labels needs --photos DIR (the labelled photos' folder)", EXIT_USAGE)
    if not labels.is_file():
        fail(f"{labels}: no such file", EXIT_NOT_FOUND)
    with service_errors():
        try:
            from wardrobe.training.attributes import read_labels

            count = sum(Path(p).parts[:1] == (photos.name,) for p in read_labels(labels))
            with _progress(count, "reading photos") as advance:
                result = evaluate_attributes(photos, labels, model, settings().photo_model,
                                             Wardrobe(settings=settings()).personal_attributes, advance)
        except (ValueError, KeyError, UnicodeDecodeError) as exc:
            fail(f"{labels}: {exc}" if isinstance(exc, KeyError) else str(exc), EXIT_USAGE)
    if as_json:
        print(json.dumps(result, indent=2))
        return
    print(f"attributes of {result['photos']} labelled photos in {photos} ({result['heads']} heads)")
    print(f"{'attribute':<10} {'photos':>6} {'unknown':>8} {'right (named)':>14} {'right (all)':>12} {'majority':>9} "
          f"{'macro-F1':>9}")
    for name, r in result["attributes"].items():
        print(f"{name:<10} {r['photos']:>6} {r['unknown']:>8.1%} {_fmt(r['accuracy_named'], '{:.3f}'):>14} "
              f"{r['accuracy_all']:>12.3f} {r['majority_accuracy']:>9.3f} {r['macro_f1_all']:>9.3f}")
    for name in ("pattern", "material"):
        if name in result["attributes"]:
            recall = ", ".join(f"{k} {v:.2f}" for k, v in result["attributes"][name]["recall"].items())
            print(f"{name} recall: {recall}")
    if "colour" in result["attributes"]:
        print(f"colour: the first colour named before the heads was right in "
              f"{result['attributes']['colour']['first_named_colour_before']:.3f} (navy and blue count as one)")


def _print_test_set(r: dict) -> None:
    print(f"Fashion-MNIST test set: accuracy {r['accuracy']:.4f} on {r['images']:,} images "
          f"({r['images_per_s']:.0f} images/s, {r['engine']})")
    print(f"\n{'class':<12} {'precision':>9} {'recall':>7}")
    for c in r["per_class"]:
        print(f"{c['category']:<12} {c['precision']:>9.4f} {c['recall']:>7.4f}")
    print("\nmost confused: " + "; ".join(f"{m['true']} as {m['predicted']} {m['count']}" for m in r["most_confused"]))
    print(f"\n{'':<14} {'epochs':>6} {'train acc':>9} {'test acc':>8} {'time':>10}")
    for row in r["table"]["paper"]:
        print(f"{'paper':<14} {row['epochs']:>6} {_fmt(row['train_accuracy']):>9} {_fmt(row['test_accuracy']):>8} "
              f"{'-':>10}")
    for row in r["table"]["ours"]:
        time = "-" if row["time"] is None else f"{row['time'] / 60:.0f} min"
        print(f"{'wardrobe':<14} {_fmt(row['epochs'], '{}'):>6} {_fmt(row['train_accuracy']):>9} "
              f"{_fmt(row['test_accuracy']):>8} {time:>10}")
    if r.get("confusion_png"):
        print(f"\nconfusion matrix: {r['confusion_png']}", file=sys.stderr)


def _print_photos(r: dict) -> None:
    print(f"{r['photos']} photos, read by {r['classifier']} ({r['head']} photo head): "
          f"slot accuracy {_fmt(r['slot_accuracy'], '{:.3f}')} ({r['slot_scored']} scored), "
          f"class accuracy {_fmt(r['class_accuracy'], '{:.3f}')} ({r['class_scored']} scored), "
          f"all folders {_fmt(r['all_folders_accuracy'], '{:.3f}')} ({r['all_scored']} scored)")
    u = r["unsure"]
    print(f"unsure: {_fmt(u['flagged_share'], '{:.1%}')} of slot-scored photos flagged; slot error "
          f"{_fmt(u['slot_error_when_sure'], '{:.1%}')} among the others, {_fmt(u['slot_error_when_unsure'], '{:.1%}')} "
          "among the flagged")
    print(f"\n{'folder':<12} {'photos':>6} {'slot':>6} {'class':>6} {'unsure':>6}  taken for")
    for name, f in r["folders"].items():
        taken = ", ".join(f"{k} {v}" for k, v in list(f["predicted"].items())[:4])
        print(f"{name:<12} {f['photos']:>6} {_fmt(f['slot_accuracy'], '{:.2f}'):>6} "
              f"{_fmt(f['class_accuracy'], '{:.2f}'):>6} {f['unsure']:>6}  {taken}")
