"""The `wardrobe` command line: parses input, calls the services, prints results. Nothing else."""

# Imported in the order their commands appear in --help; each module registers its commands.
from wardrobe.cli import photos, items, outfits, archive, training, evaluation  # noqa: F401, I001
from wardrobe.cli.common import app


def main() -> None:
    """The console script: no Python traceback ever reaches a user (WARDROBE_DEBUG=1 shows them)."""
    import os
    import sys
    import warnings

    if not os.environ.get("WARDROBE_DEBUG"):
        warnings.simplefilter("ignore")  # libraries' warnings are not the user's business; the app says what matters
    try:
        app()
    except KeyboardInterrupt:
        print("wardrobe: interrupted", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001  the last line of defence: one line and a documented exit code
        if os.environ.get("WARDROBE_DEBUG"):
            raise
        from wardrobe.cli.common import EXIT_INTERNAL, shown

        detail = shown(" ".join(str(exc).split()))[:200]
        print(f"wardrobe: internal error ({type(exc).__name__}: {detail}); please report it, with the command "
              "(WARDROBE_DEBUG=1 shows the details)", file=sys.stderr)
        sys.exit(EXIT_INTERNAL)


__all__ = ["app", "main"]
