"""The Typer app, global options, exit codes and helpers shared by every command."""

from __future__ import annotations

import logging
import re
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

import typer
from typer.core import TyperCommand

from wardrobe import __version__
from wardrobe.domain import UnknownCategory, parse_category
from wardrobe.services.records import printable
from wardrobe.settings import Settings

# The one list of exit codes: `wardrobe --help` and docs/cli.md are made from it (python -m wardrobe.cli.reference).
EXIT_CODE_TABLE = [  # (code, what --help says, what docs/cli.md adds)
    (0, "success", ""),
    (1, "some photos could not be read", "the others were processed"),
    (2, "usage error", "a bad option or value, an unknown category, a name with control characters, a day that is "
        "not one (or a wear in the future, a plan in the past), a database URL "
        "that is not one or names neither PostgreSQL nor SQLite, an archive refused by `import`, an `export` target "
        "inside the home or already there (without --force), more `--devices` than there are, a port `serve` cannot "
        "listen on, a config value that is not one (`wardrobe config` mends it)"),
    (3, "unknown item, outfit or user, or an item that is someone else's", ""),
    (4, "model missing or damaged", "a damaged taste model too (`wardrobe retrain` rebuilds it), or the [train] extra "
        "missing for a command that trains"),
    (5, "Fashion-MNIST not found", ""),
    (6, "the closet cannot make an outfit yet", ""),
    (7, "the home or the database cannot be written", "the home is not a folder, read-only, full or busy; the "
        "database server cannot be reached or refuses the login"),
    (8, "the inventory is damaged", "see `wardrobe doctor`"),
    (70, "internal error", "a bug; please report it (`WARDROBE_DEBUG=1` shows the traceback)"),
    (130, "interrupted", ""),
]
EXIT_CODES = "Exit codes: " + "; ".join(f"{code} {short}" for code, short, _ in EXIT_CODE_TABLE) + \
    ". Every failure is one line on stderr."
EXIT_PHOTOS, EXIT_USAGE, EXIT_NOT_FOUND, EXIT_MODEL, EXIT_DATA, EXIT_INTERRUPTED = 1, 2, 3, 4, 5, 130
EXIT_CANNOT_DRESS, EXIT_HOME, EXIT_DAMAGED, EXIT_INTERNAL = 6, 7, 8, 70


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


json_text = printable  # a path or name for JSON output


def fit(text: str, width: int) -> str:
    """text in exactly `width` columns: padded, or cut with an ellipsis (a column never pushes the next one over)."""
    return text.ljust(width) if len(text) <= width else text[: width - 1] + "…"


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
    add_completion=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def settings() -> Settings:
    """This command's settings: built once from the global options and the environment (main_options), kept on the
    command's root context, so nothing outlives one invocation (an in-process test runs many)."""
    from wardrobe.config import BadConfig

    context = _current_context()
    root = context.find_root() if context is not None else None
    if root is not None and isinstance(root.obj, BadConfig):
        fail(str(root.obj), EXIT_USAGE)
    if root is None or not isinstance(root.obj, Settings):
        return Settings.resolve()
    return root.obj


def use_settings(changed: Settings) -> None:
    """Run the rest of this command with other settings (the demo's throwaway home)."""
    _current_context().find_root().obj = changed


def _current_context():
    """The running command's Click context (Typer 0.29 carries its own Click, whose context stack this reads)."""
    from typer._click.globals import get_current_context

    return get_current_context(silent=True)


log = logging.getLogger("wardrobe")


class _Stderr(logging.Handler):
    """Messages as plain lines on whatever sys.stderr is now (a test runner swaps it per command)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            print(self.format(record), file=sys.stderr)
        except Exception:  # noqa: BLE001  a closed stderr must not end the command
            self.handleError(record)


def configure_output(quiet: bool, verbose: int) -> None:
    """-q: errors only (no summaries, warnings about skipped files or progress bars); -v: also what the app does
    (settings, models loaded, timings); -vv: the libraries' debug messages too."""
    level = logging.ERROR if quiet else logging.DEBUG if verbose else logging.INFO
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, _Stderr)]:
        root.removeHandler(handler)
    handler = _Stderr()
    handler.setFormatter(logging.Formatter("%(message)s" if verbose < 2 else "%(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose >= 2 else logging.WARNING)
    log.setLevel(level)


def note(message: str) -> None:
    """A message for the user on stderr (what was done, what to do next); -q hides it."""
    log.info(message)


def warn(message: str) -> None:
    """A problem the command got past (a photo skipped): 'wardrobe: ...' on stderr; -q hides it too."""
    log.warning(f"wardrobe: {message}")


def error(message: str) -> None:
    """A failure of one part of a command (a photo that could not be read): 'wardrobe: ...' on stderr, even with -q."""
    log.error(f"wardrobe: {message}")


def quiet() -> bool:
    return not log.isEnabledFor(logging.INFO)


JSON_OPTION = typer.Option(False, "--json", help="Print what changed as JSON on stdout, by id.")


def changed(records: list[dict]) -> None:
    """The --json answer of a command that changes something: one JSON array of the changed records."""
    import json

    print(json.dumps(records, indent=2))


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
    from wardrobe.domain import UnknownAttribute
    from wardrobe.services import BadName, DatasetNotFound, InventoryDamaged, ModelError, NotFound, PhotoError, StoreError
    from wardrobe.services.days import BadDate
    from wardrobe.services.owners import NotYours, StillOwns
    from wardrobe.services.planner import BadTrip
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
    except (BadName, BadDate, BadTrip, BadDatabaseURL, ArchiveRefused, ExportRefused, StillOwns, UnknownAttribute) as exc:
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
    quiet_flag: bool = typer.Option(False, "--quiet", "-q", help="Only errors on stderr: no summaries, warnings or "
                                    "progress bars."),
    verbose: int = typer.Option(0, "--verbose", "-v", count=True, help="Also say what the app does (settings, models "
                                "loaded, timings); -vv adds the libraries' debug messages."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
) -> None:
    from wardrobe.config import BadConfig

    configure_output(quiet_flag, verbose)
    context = _current_context()
    try:
        # `wardrobe config` itself must run with bad values in the file: it is how they are mended.
        chosen = Settings.resolve(home=home, model=model, photo_model=photo_model, database=database, library=library,
                                  user=user, strict=context.invoked_subcommand != "config")
    except BadConfig as exc:
        chosen = exc  # said by the first settings() of the command, once its own options (--json) are known
    context.obj = chosen
    if verbose and isinstance(chosen, Settings):
        from wardrobe.store.server import shown as shown_url

        where = shown_url(chosen.database) if chosen.database else f"{chosen.home / 'inventory.sqlite3'} (SQLite)"
        log.debug(f"home {chosen.home}; inventory {where}; library {chosen.library}; model {chosen.model}; "
                  f"photo model {chosen.photo_model}; user {chosen.user or '(none: default)'}")


def _category(text: str) -> int:
    try:
        return parse_category(text)
    except UnknownCategory as exc:
        fail(str(exc), EXIT_USAGE)


