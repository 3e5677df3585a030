"""The `wardrobe` command line: parses input, calls the services, prints results. Nothing else."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Optional

import typer

from wardrobe import __version__
from wardrobe.domain import CATEGORIES, UnknownCategory, category_slug, parse_category

EXIT_CODES = """Exit codes: 0 success; 1 some photos could not be read (the others were processed);
2 usage error (bad option, unknown category); 3 unknown item id; 4 model missing or damaged;
5 Fashion-MNIST not found; 130 interrupted."""
EXIT_PHOTOS, EXIT_USAGE, EXIT_NOT_FOUND, EXIT_MODEL, EXIT_DATA, EXIT_INTERRUPTED = 1, 2, 3, 4, 5, 130

app = typer.Typer(
    help="Turn photos of your closet into a classified inventory.\n\n"
         "Start with `wardrobe add PHOTO|FOLDER...`, then `wardrobe list`.",
    epilog=EXIT_CODES,
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class State:
    home: Optional[Path] = None
    model: Optional[Path] = None


state = State()


def fail(message: str, code: int) -> None:
    print(f"wardrobe: {message}", file=sys.stderr)
    raise typer.Exit(code)


def wardrobe():
    from wardrobe.services import Wardrobe

    return Wardrobe(state.home, state.model)


def _version(value: bool) -> None:
    if value:
        print(f"wardrobe {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    home: Optional[Path] = typer.Option(None, "--home", envvar="WARDROBE_HOME", metavar="DIR",
                                        help="Folder of the inventory and photo library [default: your user data folder]."),
    model: Optional[Path] = typer.Option(None, "--model", envvar="WARDROBE_MODEL", metavar="DIR",
                                         help="Folder of the model and its card.json [default: the shipped model/]."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
) -> None:
    state.home, state.model = home, model


def _category(text: str) -> int:
    try:
        return parse_category(text)
    except UnknownCategory as exc:
        fail(str(exc), EXIT_USAGE)


def _prediction_json(prediction) -> dict:
    return {
        "label": prediction.label,
        "category": CATEGORIES[prediction.label],
        "confidence": round(prediction.confidence, 4),
        "top": [{"label": i, "category": CATEGORIES[i], "probability": round(p, 4)} for i, p in prediction.top(3)],
    }


def _run_photos(paths: list[Path], store: bool, label: Optional[int], as_json: bool) -> None:
    from wardrobe.services import ModelError, PhotoResult

    service = wardrobe()
    entries = service.find_inputs(paths)
    counts = {"added": 0, "classified": 0, "duplicates": 0, "failed": 0}
    out: list[dict] = []

    def report(result: PhotoResult) -> None:
        if result.error:
            counts["failed"] += 1
            print(f"wardrobe: {result.path}: {result.error}", file=sys.stderr)
            out.append({"path": str(result.path), "error": result.error})
            return
        record = {"path": str(result.path)}
        if result.duplicate_of is not None:
            counts["duplicates"] += 1
            record.update({"id": result.duplicate_of, "duplicate": True})
            if not as_json:
                print(f"{result.duplicate_of:>5}  already in the inventory: {result.path}")
            out.append(record)
            return
        counts["added" if store else "classified"] += 1
        record.update(_prediction_json(result.prediction))
        if result.item:
            record = {"path": str(result.path), "id": result.item.id, **_prediction_json(result.prediction),
                      "colours": result.colours}
        out.append(record)
        if not as_json:
            p = result.prediction
            ident = f"{result.item.id:>5}  " if result.item else ""
            shown = CATEGORIES[label] + " (your label)" if (store and label is not None) else CATEGORIES[p.label]
            print(f"{ident}{shown:<24} {p.confidence:6.1%}  {result.path}")

    progress = _progress(len(entries), "adding" if store else "classifying")
    try:
        with progress as advance:
            for result in (service.add(entries, label=label, progress=advance) if store
                           else service.classify(entries, progress=advance)):
                report(result)
    except ModelError as exc:
        fail(str(exc), EXIT_MODEL)
    except KeyboardInterrupt:
        print("wardrobe: interrupted; the items added so far are kept", file=sys.stderr)
        raise typer.Exit(EXIT_INTERRUPTED)
    finally:
        service.close()
    if as_json:
        print(json.dumps(out, indent=2))
    else:
        done = f"added {counts['added']}" if store else f"classified {counts['classified']}"
        extra = f", already there {counts['duplicates']}" if store else ""
        print(f"{done}{extra}, failed {counts['failed']}", file=sys.stderr)
    if counts["failed"]:
        raise typer.Exit(EXIT_PHOTOS)


class _progress:
    """A progress bar on stderr for long work, only when stderr is a terminal and there is much to do."""

    def __init__(self, total: int, verb: str, threshold: int = 20):
        self.total, self.verb = total, verb
        self.enabled = total >= threshold and sys.stderr.isatty() and not os.environ.get("CI")

    def __enter__(self):
        if not self.enabled:
            return None
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.bar = Progress(TextColumn(self.verb), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                            console=Console(stderr=True), redirect_stdout=sys.stdout.isatty(), transient=True)
        self.bar.__enter__()
        task = self.bar.add_task(self.verb, total=self.total)
        return lambda n: self.bar.advance(task, n)

    def __exit__(self, *exc):
        if self.enabled:
            self.bar.__exit__(*exc)
        return False


PHOTOS_ARG = typer.Argument(..., metavar="PHOTO|FOLDER...", help="Photos, or folders searched recursively "
                            "for .jpg .jpeg .png .webp.", show_default=False)


@app.command()
def add(
    paths: list[Path] = PHOTOS_ARG,
    label: Optional[str] = typer.Option(None, "--label", "-l", metavar="CATEGORY",
                                        help="The category you already know, e.g. dress or 3 (kept as your label)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON array on stdout instead of lines."),
) -> None:
    """Classify photos and add them to the inventory.

    One line per photo: item id, category, confidence, path. A photo already in the
    inventory is reported with its id and not stored twice.

    Example: wardrobe add ~/Pictures/closet --label shirt
    """
    _run_photos(paths, store=True, label=_category(label) if label is not None else None, as_json=as_json)


@app.command()
def classify(
    paths: list[Path] = PHOTOS_ARG,
    as_json: bool = typer.Option(False, "--json", help="Print one JSON array on stdout instead of lines."),
) -> None:
    """Predict the category of photos without storing anything."""
    _run_photos(paths, store=False, label=None, as_json=as_json)


def _item_json(item) -> dict:
    return {
        "id": item.id, "label": item.label, "category": item.category,
        "predicted_label": item.predicted_label, "predicted_category": CATEGORIES[item.predicted_label],
        "confidence": round(item.confidence, 4), "user_label": item.user_label,
        "probabilities": [round(p, 4) for p in item.probabilities], "colours": item.colours,
        "state": item.state, "original_name": item.original_name, "added_at": item.added_at.isoformat(),
        "photo": item.photo_path, "thumbnail": item.thumbnail_path,
        "conversion_version": item.conversion_version, "model_version": item.model_version, "sha256": item.sha256,
    }


@app.command("list")
def list_items(
    category: Optional[str] = typer.Option(None, "--category", "-c", metavar="CATEGORY", help="Only this category."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON array."),
) -> None:
    """List the inventory: id, category, confidence, colours, file name."""
    label = _category(category) if category is not None else None
    service = wardrobe()
    items = service.items(label=label)
    service.close()
    if as_json:
        print(json.dumps([_item_json(i) for i in items], indent=2))
        return
    if not items:
        print("the inventory is empty; add photos with `wardrobe add PHOTO|FOLDER`" if label is None
              else f"no {CATEGORIES[label]} in the inventory", file=sys.stderr)
        return
    print(f"{'id':>5}  {'category':<14} {'conf':>5}  {'colours':<22} photo")
    for item in items:
        mark = "*" if item.user_label is not None else " "
        print(f"{item.id:>5}  {item.category:<13}{mark} {item.confidence:5.0%}  {', '.join(item.colours):<22} "
              f"{item.original_name}")
    print(f"{len(items)} items (* = your label)", file=sys.stderr)


@app.command()
def show(
    item_id: int = typer.Argument(..., metavar="ID"),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON object."),
) -> None:
    """Show one item: its categories, probabilities, colours and where its photo is kept."""
    from wardrobe.services import NotFound

    service = wardrobe()
    try:
        item = service.item(item_id)
    except NotFound as exc:
        fail(str(exc), EXIT_NOT_FOUND)
    finally:
        service.close()
    if as_json:
        print(json.dumps(_item_json(item), indent=2))
        return
    print(f"item {item.id}: {item.category}" + (" (your label)" if item.user_label is not None else ""))
    print(f"  predicted   {CATEGORIES[item.predicted_label]} {item.confidence:.1%}")
    ranked = sorted(enumerate(item.probabilities), key=lambda t: -t[1])[:3]
    print("  top 3       " + ", ".join(f"{CATEGORIES[i]} {p:.1%}" for i, p in ranked))
    print(f"  colours     {', '.join(item.colours) or '-'}")
    print(f"  state       {item.state}")
    print(f"  added       {item.added_at:%Y-%m-%d %H:%M} from {item.original_name}")
    print(f"  photo       {service.home / item.photo_path}")
    print(f"  model       {item.model_version} (conversion {item.conversion_version})")


@app.command()
def relabel(
    item_id: int = typer.Argument(..., metavar="ID"),
    category: str = typer.Argument(..., metavar="CATEGORY", help="A name (t-shirt, trouser, ankle-boot...) or 0-9."),
) -> None:
    """Correct an item's category. Your label wins over the prediction and is kept for retraining."""
    from wardrobe.services import NotFound

    label = _category(category)
    service = wardrobe()
    try:
        item = service.relabel(item_id, label)
    except NotFound as exc:
        fail(str(exc), EXIT_NOT_FOUND)
    finally:
        service.close()
    print(f"item {item.id} is now {item.category} (predicted {CATEGORIES[item.predicted_label]})")


@app.command()
def remove(item_id: int = typer.Argument(..., metavar="ID")) -> None:
    """Remove an item and its stored photo from the inventory."""
    from wardrobe.services import NotFound

    service = wardrobe()
    try:
        item = service.remove(item_id)
    except NotFound as exc:
        fail(str(exc), EXIT_NOT_FOUND)
    finally:
        service.close()
    print(f"removed item {item.id} ({item.category}, {item.original_name})")


@app.command()
def categories() -> None:
    """List the ten categories with the names and numbers commands accept."""
    for i, name in enumerate(CATEGORIES):
        print(f"{i}  {category_slug(i):<12} {name}")


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
    stem: str = typer.Option("conv", "--stem", help="conv: He et al.'s conv1 first; paper: BN, ReLU, max-pool only."),
    limit: int = typer.Option(0, "--limit", min=0, help="Train on only this many images (smoke tests)."),
    export_only: bool = typer.Option(False, "--export-only", help="Publish the run's best model so far; no training."),
) -> None:
    """Train the ResNet-50 on Fashion-MNIST, then publish the best model with its card.

    5,000 training images are held out for validation; the model with the best validation
    accuracy is published, and the test set is read once, to put its accuracy on the card.
    Every epoch is checkpointed under --runs-dir/NAME: run the same command again, or press
    Ctrl-C and run it later, to resume where it stopped.
    """
    from wardrobe import config
    from wardrobe.services import DatasetNotFound, train_classifier

    if stem not in ("conv", "paper"):
        fail(f"--stem must be conv or paper, not {stem!r}", EXIT_USAGE)
    run_dir = (runs_dir or config.home_dir(state.home) / "runs") / run
    out_dir = out or config.model_dir(state.model)
    try:
        card = train_classifier(run_dir, out_dir, data_dir=data, export_only=export_only,
                                epochs=epochs, batch_size=batch_size, stem=stem, limit=limit)
    except DatasetNotFound as exc:
        fail(str(exc), EXIT_DATA)
    except FileNotFoundError as exc:
        fail(str(exc), EXIT_NOT_FOUND)
    except KeyboardInterrupt:
        print(f"\nwardrobe: interrupted; resume with the same command (run {run!r} in {run_dir})", file=sys.stderr)
        raise typer.Exit(EXIT_INTERRUPTED)
    print(f"published {out_dir / card['artifacts']['keras']['file']}: epoch {card['epochs']}, "
          f"validation accuracy {card['validation_accuracy']:.4f}, test accuracy {card['test_accuracy']:.4f}")


@app.command()
def demo(
    keep: bool = typer.Option(False, "--keep", help="Keep the demo inventory (printed) instead of deleting it."),
) -> None:
    """Add the sample photos shipped in data/samples to a fresh inventory and show what each became."""
    import shutil
    import tempfile

    from wardrobe import config

    samples = config.PACKAGE_ROOT.parent / "data" / "samples"
    if not samples.is_dir():
        fail(f"{samples}: sample photos not found (they ship with the repository)", EXIT_PHOTOS)
    home = Path(tempfile.mkdtemp(prefix="wardrobe-demo-"))
    state.home = home
    print(f"fresh inventory in {home}", file=sys.stderr)
    try:
        _run_photos([samples], store=True, label=None, as_json=False)
    finally:
        if keep:
            print(f"kept: wardrobe --home {home} list", file=sys.stderr)
        else:
            shutil.rmtree(home, ignore_errors=True)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
