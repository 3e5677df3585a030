"""The Typer app, global options, exit codes and helpers shared by every command."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

import typer

from wardrobe import __version__
from wardrobe.domain import UnknownCategory, parse_category

EXIT_CODES = """Exit codes: 0 success; 1 some photos could not be read (the others were processed);
2 usage error (bad option, unknown category); 3 unknown item id; 4 model missing or damaged;
5 Fashion-MNIST not found; 6 the closet cannot make an outfit yet; 130 interrupted."""
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
    photo_model: Optional[Path] = None
    user: Optional[str] = None


state = State()


def fail(message: str, code: int) -> None:
    print(f"wardrobe: {message}", file=sys.stderr)
    raise typer.Exit(code)


def wardrobe():
    from wardrobe.services import Wardrobe

    return Wardrobe(state.home, state.model, state.photo_model)


@contextmanager
def service_errors():
    """Service errors inside the block become one stderr line and their documented exit code."""
    from wardrobe.services import DatasetNotFound, ModelError, NotFound

    try:
        yield
    except NotFound as exc:
        fail(str(exc), EXIT_NOT_FOUND)
    except ModelError as exc:
        fail(str(exc), EXIT_MODEL)
    except DatasetNotFound as exc:
        fail(str(exc), EXIT_DATA)


@contextmanager
def opened():
    """The wardrobe for one command, closed afterwards, with service_errors() mapping its errors."""
    service = wardrobe()
    try:
        with service_errors():
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
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
) -> None:
    state.home, state.model, state.photo_model, state.user = home, model, photo_model, user


def _category(text: str) -> int:
    try:
        return parse_category(text)
    except UnknownCategory as exc:
        fail(str(exc), EXIT_USAGE)


