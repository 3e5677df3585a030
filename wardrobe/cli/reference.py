"""The CLI reference made from the code: docs/commands.md (every command and option) and docs/cli.md's exit codes.

`python -m wardrobe.cli.reference` writes both; a test fails when they are out of step with the code.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from wardrobe.cli.common import EXIT_CODE_TABLE

DOCS = Path(__file__).resolve().parents[2] / "docs"
START, END = "<!-- exit codes: made by python -m wardrobe.cli.reference -->", "<!-- end of exit codes -->"


def exit_code_table() -> str:
    rows = ["| code | means |", "| --- | --- |"]
    rows += [f"| {code} | {short}{': ' + more if more else ''} |" for code, short, more in EXIT_CODE_TABLE]
    return "\n".join(rows)


def commands_markdown() -> str:
    """Every command, argument and option, as Typer's own documentation generator writes them."""
    from typer.cli import get_docs_for_click
    from typer.main import get_command

    from wardrobe.cli import app

    command = get_command(app)
    text = get_docs_for_click(obj=command, ctx=command.make_context("wardrobe", [], resilient_parsing=True),
                              name="wardrobe", title="The wardrobe command line")
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def cli_markdown(current: str) -> str:
    """docs/cli.md with its exit code table replaced by the code's."""
    before, _, rest = current.partition(START)
    _, _, after = rest.partition(END)
    return f"{before}{START}\n{exit_code_table()}\n{END}{after}"


def main() -> None:
    (DOCS / "commands.md").write_text(commands_markdown())
    cli = DOCS / "cli.md"
    cli.write_text(cli_markdown(cli.read_text()))
    print(f"wrote {DOCS / 'commands.md'} and the exit codes of {cli}", file=sys.stderr)


if __name__ == "__main__":
    main()
