"""The `wardrobe` command line: parses input, calls the services, prints results. Nothing else."""

# Imported in the order their commands appear in --help; each module registers its commands.
from wardrobe.cli import photos, items, outfits, training, evaluation  # noqa: F401, I001
from wardrobe.cli.common import app


def main() -> None:
    app()


__all__ = ["app", "main"]
