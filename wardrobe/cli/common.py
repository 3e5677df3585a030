"""The Typer app, global options, exit codes and helpers shared by every command."""

from __future__ import annotations

import re
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

import typer
from typer.core import TyperCommand

from wardrobe import __version__
from wardrobe.domain import UnknownCategory, parse_category
from wardrobe.settings import Settings

EXIT_CODES = """Exit codes: 0 success; 1 some photos could not be read (the others were processed);
2 usage error (bad option, unknown category, bad name, bad database URL, refused archive or export target);
3 unknown item, outfit or user, or an item that is someone else's; 4 model missing or damaged; 5 Fashion-MNIST not found;
6 the closet cannot make an outfit yet; 7 the home cannot be written (not a folder, read-only, disk full,
busy), nor the database (server unreachable, login refused); 8 the inventory is damaged (see `wardrobe
doctor`); 70 internal error (a bug: please report it); 130 interrupted."""
EXIT_PHOTOS, EXIT_USAGE, EXIT_NOT_FOUND, EXIT_MODEL, EXIT_DATA, EXIT_INTERRUPTED = 1, 2, 3, 4, 5, 130
EXIT_HOME, EXIT_DAMAGED, EXIT_INTERNAL = 7, 8, 70


def shown(value) -> str:
    """Text safe to print on one terminal line: control characters (newlines, ESC) and undecodable bytes
    of file names are shown escaped, never sent raw."""
    out = []
    for ch in str(value):
        code = ord(ch)
        if 0xDC80 <= code <= 0xDCFF:  # a byte of a file name that is not UTF-8 (surrogateescape)
            out.append(f"\\x{code - 0xDC00:02x}")
        elif not ch.isprintable() and ch != " " or 0xD800 <= code <= 0xDFFF:
            out.append(repr(ch)[1:-1])
        else:
            out.append(ch)
    return "".join(out)


def json_text(value) -> str:
    """A path or name for JSON output: valid Unicode (undecodable bytes escaped as in text output)."""
    text = str(value)
    return text if text.isascii() or not any(0xD800 <= ord(c) <= 0xDFFF for c in text) else \
        "".join(f"\\x{ord(c) - 0xDC00:02x}" if 0xDC80 <= ord(c) <= 0xDCFF else c for c in text)


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 rating', '3 ratings'."""
    return f"{n} {word if n == 1 else many or word + 's'}"

class _PlainUsage(TyperCommand):
    """Usage lines as users read them: `wardrobe show [OPTIONS] ID`, not Typer's `{ID}` for required arguments."""

    def collect_usage_pieces(self, ctx):
        pieces = []
        for piece in super().collect_usage_pieces(ctx):
            match = re.fullmatch(r"\{(.*?)\}((?:\.\.\.)?)", piece)
            if match:
                name, more = match.groups()
                piece = name if name.endswith("...") else name + more
            pieces.append(piece)
        return pieces


class _Typer(typer.Typer):
    def command(self, *args, **kwargs):
        kwargs.setdefault("cls", _PlainUsage)
        return super().command(*args, **kwargs)


app = _Typer(
    help="Turn photos of your closet into a classified inventory.\n\n"
         "Start with `wardrobe add PHOTO|FOLDER...`, then `wardrobe list`.",
    epilog=EXIT_CODES,
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def settings() -> Settings:
    """This command's settings: built once from the global options and the environment (main_options), kept on the
    command's root context, so nothing outlives one invocation (an in-process test runs many)."""
    context = _current_context()
    root = context.find_root() if context is not None else None
    if root is None or not isinstance(root.obj, Settings):
        return Settings.resolve()
    return root.obj


def use_settings(changed: Settings) -> None:
    """Run the rest of this command with other settings (the demo's throwaway home)."""
    _current_context().find_root().obj = changed


def _current_context():
    """The running command's Click context (Typer vendors Click since 0.26; older ones use Click itself)."""
    try:
        from typer._click.globals import get_current_context
    except ImportError:  # pragma: no cover  (an older Typer)
        from click import get_current_context
    return get_current_context(silent=True)


def fail(message: str, code: int) -> None:
    print(f"wardrobe: {message}", file=sys.stderr)
    if json_requested():
        print_json_error(message, code)
    raise typer.Exit(code)


def json_requested() -> bool:
    """Whether the running command was given --json (then even an error is a JSON object on stdout)."""
    context = _current_context()
    while context is not None:
        if context.params.get("as_json"):
            return True
        context = context.parent
    return False


def print_json_error(message: str, code: int) -> None:
    """What a script reads on stdout when a --json command fails: {"error": "...", "exit": N}."""
    import json

    print(json.dumps({"error": json_text(message), "exit": code}))


def wardrobe():
    from wardrobe.services import Wardrobe

    return Wardrobe(settings=settings())


@contextmanager
def service_errors():
    """Service errors inside the block become one stderr line and their documented exit code."""
    from wardrobe.services import BadName, DatasetNotFound, InventoryDamaged, ModelError, NotFound, PhotoError, StoreError
    from wardrobe.services.owners import NotYours
    from wardrobe.services.stylist import TasteDamaged
    from wardrobe.services.transfer import ExportRefused
    from wardrobe.store.archive import ArchiveRefused
    from wardrobe.store.errors import BadDatabaseURL

    try:
        yield
    except (NotFound, NotYours) as exc:
        fail(str(exc), EXIT_NOT_FOUND)
    except (ModelError, TasteDamaged) as exc:
        fail(str(exc), EXIT_MODEL)
    except DatasetNotFound as exc:
        fail(str(exc), EXIT_DATA)
    except (BadName, BadDatabaseURL, ArchiveRefused, ExportRefused) as exc:
        fail(str(exc), EXIT_USAGE)
    except PhotoError as exc:
        fail(str(exc), EXIT_PHOTOS)
    except InventoryDamaged as exc:
        fail(str(exc), EXIT_DAMAGED)
    except StoreError as exc:
        fail(str(exc), EXIT_HOME)


@contextmanager
def opened():
    """The wardrobe for one command, closed afterwards, with service_errors() mapping its errors."""
    with service_errors():
        service = wardrobe()
        try:
            yield service
        finally:
            service.close()


def _version(value: bool) -> None:
    if value:
        print(f"wardrobe {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    home: Optional[Path] = typer.Option(None, "--home", envvar="WARDROBE_HOME", metavar="DIR",
                                        help="Folder of the inventory and photo library [default: your user data folder]."),
    model: Optional[Path] = typer.Option(None, "--model", envvar="WARDROBE_MODEL", metavar="DIR",
                                         help="Folder of the paper's ResNet-50 and its card.json [default: the shipped "
                                              "model/]."),
    photo_model: Optional[Path] = typer.Option(None, "--photo-model", envvar="WARDROBE_PHOTO_MODEL", metavar="DIR",
                                               help="Folder of the photo network, its photo head and card.json "
                                                    "[default: the shipped model/photo/]."),
    user: Optional[str] = typer.Option(None, "--user", "-u", envvar="WARDROBE_USER", metavar="NAME",
                                       help="Whose taste: ratings, wear and suggestions are per user [default: default]."),
    database: Optional[str] = typer.Option(None, "--database", envvar="WARDROBE_DATABASE_URL", metavar="URL",
                                           help="The inventory on a database server, e.g. postgresql+psycopg://USER@HOST"
                                                "/DATABASE [default: the SQLite file in the home]."),
    library: Optional[Path] = typer.Option(None, "--library", envvar="WARDROBE_LIBRARY", metavar="DIR",
                                           help="Folder of the photo library, shared by every machine of a household "
                                                "[default: the home]."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
) -> None:
    _current_context().obj = Settings.resolve(home=home, model=model, photo_model=photo_model,
                                                       database=database, library=library, user=user)


def _category(text: str) -> int:
    try:
        return parse_category(text)
    except UnknownCategory as exc:
        fail(str(exc), EXIT_USAGE)


