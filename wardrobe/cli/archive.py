"""Commands that move a whole inventory: export to one archive, import one (merging by photo hash)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from wardrobe.cli.common import app, json_text, note, opened, plural, shown, warn


@app.command("export")
def export_command(
    file: Path = typer.Argument(..., metavar="FILE", help="The archive to write (a plain tar), outside the home."),
    force: bool = typer.Option(False, "--force", help="Replace FILE if it exists (whole, never half-written)."),
    as_json: bool = typer.Option(False, "--json", help="Print what was written as JSON on stdout: counts and the file."),
) -> None:
    """Write everything to one archive.

    Write the inventory, labels, ratings, wear log, taste models and photos to one archive.
    A backup, or a move between SQLite and a database server: `wardrobe import FILE` reads it back.
    Items whose photo is missing or damaged are left out (`wardrobe doctor` lists them).
    """
    from wardrobe.services.transfer import export_archive

    with opened() as service:
        counts = export_archive(service, file, force=force)
    if as_json:
        print(json.dumps({"file": json_text(file), **counts}, indent=2))
        return
    note(f"exported {plural(counts['items'], 'item')}, {plural(counts['ratings'], 'rating')}, "
          f"{plural(counts['wears'], 'wear')}, {plural(counts['users'], 'user')} and {plural(counts['files'], 'file')} "
         f"to {shown(file)}")
    if counts["missing_photos"]:
        warn(f"{plural(counts['missing_photos'], 'item')} whose photo is missing from the library or damaged were "
             "left out (`wardrobe doctor` lists them)")
    if counts["damaged_taste_models"]:
        warn(f"{plural(counts['damaged_taste_models'], 'taste model')} this version cannot use were left out "
             "(`wardrobe retrain` rebuilds them from the ratings)")


@app.command("import")
def import_command(
    file: Path = typer.Argument(..., metavar="FILE", help="An archive written by `wardrobe export`."),
    as_json: bool = typer.Option(False, "--json", help="Print what was imported as JSON on stdout: counts of new rows "
                                 "and files."),
) -> None:
    """Merge an exported archive into this inventory.

    Merge an exported archive into this inventory; photos already here (same content) are kept as they are.
    A damaged, truncated or hostile archive is refused whole: nothing is imported. Only the plain tar that
    `wardrobe export` writes is read (decompress a .tar.gz first); every record and photo is checked first.
    """
    from wardrobe.services.transfer import import_archive

    with opened() as service:
        counts = import_archive(service, file)
    if as_json:
        print(json.dumps({"file": json_text(file), **counts}, indent=2))
        return
    note(f"imported {plural(counts['items'], 'new item')}, {plural(counts['ratings'], 'rating')}, "
          f"{plural(counts['wears'], 'wear')}, {plural(counts['users'], 'new user')} and "
         f"{plural(counts['files'], 'new file')} from {shown(file)}")
    if counts["outdated_taste_models"]:
        note(f"{plural(counts['outdated_taste_models'], 'taste model')} made by an earlier version "
             f"{'was' if counts['outdated_taste_models'] == 1 else 'were'} left out: each is rebuilt from the "
             "imported ratings when next used")
