"""`python -m wardrobe` runs the command line."""

from wardrobe.cli import main

main()
