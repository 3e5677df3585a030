"""The `wardrobe` command line: parses input, calls the services, prints results. Nothing else."""

# Imported in the order their commands appear in --help; each module registers its commands.
from wardrobe.cli import photos, items, outfits, calendar, serve, archive, training, evaluation, configure  # noqa: F401, I001
from wardrobe.cli.common import app


def main() -> None:
    """The console script: no Python traceback ever reaches a user (WARDROBE_DEBUG=1 shows them)."""
    _exit_now(run())


def run(args: list[str] | None = None) -> int:
    """Run one command line (sys.argv's without args) and return its exit code; never raises.

    The tests call this in-process, inside Typer's CliRunner isolation; main() then ends the process.
    """
    import os
    import sys
    import warnings

    code: int | str | None = 0
    with warnings.catch_warnings():
        if not os.environ.get("WARDROBE_DEBUG"):
            warnings.simplefilter("ignore")  # libraries' warnings are not the user's business; the app says what matters
        try:
            app(args=args, prog_name="wardrobe")
        except SystemExit as done:
            code = done.code
            # Typer ends a command that Ctrl-C interrupted with a silent Exit(130): say it, as for any other end.
            if code == 130 and isinstance(getattr(done.__context__, "__cause__", None) or done.__context__,
                                          KeyboardInterrupt):
                _last_words("interrupted", 130, args)
        except KeyboardInterrupt:
            _last_words("interrupted", 130, args)
            code = 130
        except Exception as exc:  # noqa: BLE001  the last line of defence: one line and a documented exit code
            if os.environ.get("WARDROBE_DEBUG"):
                raise
            from wardrobe.cli.common import EXIT_INTERNAL, shown

            detail = shown(" ".join(str(exc).split()))[:200]
            _last_words(f"internal error ({type(exc).__name__}: {detail}); please report it, with the command "
                        "(WARDROBE_DEBUG=1 shows the details)", EXIT_INTERNAL, args)
            code = EXIT_INTERNAL
    if isinstance(code, str):  # sys.exit("message"): printed, exit status 1
        print(code, file=sys.stderr)
        code = 1
    return code or 0


def _last_words(message: str, code: int, args: list[str] | None) -> None:
    """The one line on stderr of a command that ends abnormally, and with --json its JSON object on stdout."""
    import sys

    print(f"wardrobe: {message}", file=sys.stderr)
    if "--json" in (sys.argv[1:] if args is None else args):
        from wardrobe.cli.common import print_json_error

        print_json_error(message, code)


def _exit_now(code: int) -> None:
    """End the process as Python would, less the teardown of every imported module.

    That teardown (SQLAlchemy's thousands of objects, mostly) took 0.35 s of a 0.9 s `wardrobe rate` here. The
    commands have closed their inventory and files by now; atexit handlers still run and output is flushed.
    """
    import atexit
    import os
    import sys

    if os.environ.get("WARDROBE_DEBUG"):  # profilers and debuggers write their reports in the normal teardown
        sys.exit(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`wardrobe list | head`): nothing more to say
            pass
    os._exit(code or 0)


__all__ = ["app", "main", "run"]
