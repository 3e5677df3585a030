"""What users expect: re-rating replaces, several ids, states in the list, plain usage lines, honest messages."""

import json
import re
import sqlite3
from pathlib import Path

from conftest import run_cli
from test_cli_outfits import stocked  # noqa: F401  (fixture)


def test_rating_an_outfit_again_replaces_the_earlier_rating(stocked, private_home):  # noqa: F811
    outfit = json.loads(run_cli("suggest", "--n", "1", "--json").stdout)[0]["id"]
    assert run_cli("rate", str(outfit), "like").returncode == 0
    again = run_cli("rate", str(outfit), "dislike")
    assert again.returncode == 0 and "replaces your earlier rating" in again.stdout
    db = sqlite3.connect(private_home / "inventory.sqlite3")
    assert db.execute("SELECT value FROM ratings").fetchall() == [(-1,)]
    assert json.loads(db.execute("SELECT params FROM preference_models").fetchone()[0])["ratings"] == 1
    users = run_cli("users")
    assert "1 rating " in users.stdout and "(0 liked)" in users.stdout  # and pluralised


def test_remove_takes_several_ids_and_removes_nothing_if_one_is_unknown(stocked):  # noqa: F811
    ids = sorted(stocked)[:3]
    refused = run_cli("remove", str(ids[0]), "999")
    assert refused.returncode == 3 and "999" in refused.stderr
    assert len(json.loads(run_cli("list", "--json").stdout)) == len(stocked)
    done = run_cli("remove", *map(str, ids))
    assert done.returncode == 0 and done.stdout.count("removed item") == 3
    assert len(json.loads(run_cli("list", "--json").stdout)) == len(stocked) - 3


def test_list_shows_each_state_and_filters_by_it(stocked):  # noqa: F811
    first, second = sorted(stocked)[:2]
    run_cli("laundry", str(first))
    run_cli("retire", str(second))
    listing = run_cli("list")
    assert "laundry" in listing.stdout and "retired" in listing.stdout and "active" in listing.stdout
    assert [i["id"] for i in json.loads(run_cli("list", "--state", "laundry", "--json").stdout)] == [first]
    text = run_cli("list", "--state", "retired")
    assert text.stdout.count("retired") == 1 and "1 item " in text.stderr
    bad = run_cli("list", "--state", "washing")
    assert bad.returncode == 2 and "active, laundry, retired" in bad.stderr


def test_usage_lines_name_arguments_plainly():
    for command in ("show", "remove", "relabel", "laundry", "rate", "add", "wear"):
        usage = run_cli(command, "--help").stdout.splitlines()[0]
        assert "{" not in usage and "}" not in usage, usage
    assert "wardrobe remove [OPTIONS] ID..." in run_cli("remove", "--help").stdout


def test_demo_names_no_folder_that_is_gone_afterwards(use_tiny_model, tmp_path, monkeypatch):
    import tempfile

    temp = tmp_path / "temp"  # the demo's throwaway homes land here, never in the machine's temporary folder
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(tempfile, "tempdir", str(temp))  # in-process: tempfile read TMPDIR long ago
    result = run_cli("demo")
    assert result.returncode == 0, result.stderr
    for path in re.findall(r"(/\S*wardrobe-demo-\S*)", result.stdout + result.stderr):
        assert Path(path.rstrip(":,")).exists(), path
    assert list(temp.iterdir()) == []  # deleted afterwards
    kept = run_cli("demo", "--keep")
    [home] = re.findall(r"kept: wardrobe --home (\S+) list", kept.stderr)
    assert Path(home).parent == temp and (Path(home) / "inventory.sqlite3").is_file()
    assert len(json.loads(run_cli("--home", home, "list", "--json").stdout)) == 10


def test_help_documents_every_exit_code():
    """Every exit code of the one table is in `wardrobe --help` (docs/cli.md is made from the same table)."""
    from wardrobe.cli.common import EXIT_CODE_TABLE

    text = " ".join(run_cli("--help").stdout.split())
    for code, short, _ in EXIT_CODE_TABLE:
        assert f"{code} {short}" in text, code
    assert [code for code, _, _ in EXIT_CODE_TABLE] == [0, 1, 2, 3, 4, 5, 6, 7, 8, 70, 130]
