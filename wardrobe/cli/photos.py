"""Commands that take photos: add, classify, demo."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Optional

import typer

from wardrobe.cli.common import (
    EXIT_INTERRUPTED,
    EXIT_MODEL,
    EXIT_PHOTOS,
    EXIT_USAGE,
    _category,
    app,
    error,
    fail,
    fit,
    note,
    quiet,
    service_errors,
    settings,
    shown,
    use_settings,
    wardrobe,
    warn,
)
from wardrobe.domain import CATEGORIES, describe
from wardrobe.services.records import photo_record


def _run_photos(paths: list[Path], store: bool, label: Optional[int], as_json: bool,
                explain: Optional[Path] = None, owner: Optional[str] = None) -> None:
    from wardrobe.services import ModelError, PhotoResult

    with service_errors():
        service = wardrobe()
    skipped: list[tuple[Path, str]] = []
    entries = service.find_inputs(paths, skipped)
    counts = {"added": 0, "classified": 0, "duplicates": 0, "failed": 0, "unsure": 0}
    out: list[dict] = []

    def report(result: PhotoResult) -> None:
        record = photo_record(result, result.path)
        if result.error:
            counts["failed"] += 1
            error(f"{shown(result.path)}: {result.error}")
            out.append(record)
            return
        if result.duplicate_of is not None:
            counts["duplicates"] += 1
            if not as_json:
                print(f"{result.duplicate_of:>5}  already in the inventory: {shown(result.path)}")
            out.append(record)
            return
        counts["added" if store else "classified"] += 1
        counts["unsure"] += bool(result.item and result.item.unsure)
        if explain is not None:
            target = explain / f"{len(out):04d}-{shown(result.path.stem).replace('/', '_')}.png"
            record["explain_png"] = str(service.explain(result.path, target)[1])
            if not as_json:
                note(f"      explained: {target}")
        out.append(record)
        if not as_json:
            p = result.prediction
            ident = f"{result.item.id:>5}  " if result.item else ""
            category = CATEGORIES[label] + " (your label)" if (store and label is not None) else describe(p.probabilities)
            print(f"{ident}{fit(category, 24)} {p.confidence:6.1%}  {shown(result.path)}")

    progress = _progress(len(entries), "adding" if store else "classifying")
    try:
        with progress as advance, service_errors():
            for result in (service.add(entries, label=label, progress=advance, owner=owner) if store
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
        unsure = f"; {counts['unsure']} unsure: `wardrobe tui`, then e, reviews them" if counts["unsure"] else ""
        note(f"{done}{extra}, failed {counts['failed']}{unsure}")
    _report_skipped(skipped)
    if counts["failed"]:
        raise typer.Exit(EXIT_PHOTOS)


def _report_skipped(skipped: list[tuple[Path, str]], show: int = 5) -> None:
    """What folder scans passed over, counted on stderr: files of other types, unreadable folders."""
    folders = [shown(path) for path, reason in skipped if reason.startswith("folder")]
    files = [shown(path.name) for path, reason in skipped if not reason.startswith("folder")]
    for names, one, many in ((files, "file that is not a photo", "files that are not photos"),
                             (folders, "folder that cannot be read", "folders that cannot be read")):
        if names:
            more = f" and {len(names) - show} more" if len(names) > show else ""
            warn(f"skipped {len(names)} {one if len(names) == 1 else many}: {', '.join(names[:show])}{more}")


class _progress:
    """A progress bar on stderr for long work, only when stderr is a terminal and there is much to do."""

    def __init__(self, total: int, verb: str, threshold: int = 20):
        self.total, self.verb = total, verb
        self.enabled = total >= threshold and sys.stderr.isatty() and not os.environ.get("CI") and not quiet()

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
                            "for .jpg .jpeg .png .webp .avif.", show_default=False)


@app.command()
def add(
    paths: list[Path] = PHOTOS_ARG,
    label: Optional[str] = typer.Option(None, "--label", "-l", metavar="CATEGORY",
                                        help="The category you already know, e.g. dress or 3 (kept as your label)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON array on stdout instead of lines."),
    user: Optional[str] = typer.Option(None, "--user", "-u", metavar="NAME",
                                       help="Whose clothes these are (as the global --user) [default: shared]."),
    shared: bool = typer.Option(False, "--shared", help="The household's: everybody's, whoever adds them."),
) -> None:
    """Classify photos and add them to the inventory.

    One line per photo: item id, category, confidence, path. A photo already in the
    inventory is reported with its id and not stored twice. New items belong to the --user who
    adds them (this command's or the global one), or to everybody with --shared or without a user.

    Example: wardrobe --user alice add ~/Pictures/closet --label shirt
    """
    if shared and user is not None:
        fail("--shared and --user contradict each other: choose one", EXIT_USAGE)
    owner = None if shared else (user or settings().user)
    _run_photos(paths, store=True, label=_category(label) if label is not None else None, as_json=as_json, owner=owner)


@app.command()
def classify(
    paths: list[Path] = PHOTOS_ARG,
    explain: Optional[Path] = typer.Option(None, "--explain", metavar="DIR", help="Also draw, per photo, what the "
                                           "network saw (photo, garment mask, 28x28 input, top 3) as a PNG in DIR."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON array on stdout instead of lines."),
) -> None:
    """Predict the category of photos without storing anything."""
    _run_photos(paths, store=False, label=None, as_json=as_json, explain=explain)


@app.command()
def demo(
    keep: bool = typer.Option(False, "--keep", help="Keep the demo inventory (printed) instead of deleting it."),
) -> None:
    """Classify the sample photos in a throwaway inventory.

    Add the sample photos shipped in data/samples to a fresh inventory and show what each became.
    """
    import shutil
    import tempfile

    from wardrobe import config

    samples = config.DATA_DIR / "samples"
    if not samples.is_dir():
        fail(f"{samples}: sample photos not found (they ship with wardrobe: reinstall it)", EXIT_PHOTOS)
    home = Path(tempfile.mkdtemp(prefix="wardrobe-demo-"))
    use_settings(settings().replace(home=home))
    note(f"a throwaway inventory ({'kept afterwards' if keep else 'deleted afterwards; --keep keeps it'}):")
    try:
        _run_photos([samples], store=True, label=None, as_json=False)
    finally:
        if keep:
            note(f"kept: wardrobe --home {home} list")
        else:
            shutil.rmtree(home, ignore_errors=True)


