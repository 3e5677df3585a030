"""--database and --library from the command line: a server inventory, a shared library, one-line refusals."""

import json

import pytest
from conftest import garment_photo, run_cli


@pytest.mark.parametrize("url, code", [
    ("postgresql+psycopg://wardrobe:s3cretpw@127.0.0.1:{port}/closet", 7),  # nothing listens there
    ("mysql://wardrobe:s3cretpw@localhost/closet", 2),
    ("::not a url s3cretpw", 2),
])
def test_unusable_databases_are_one_line_without_the_password(url, code, refused_port):
    url = url.replace("{port}", str(refused_port))
    for argv in (["--database", url, "list"], ["list"]):
        result = run_cli(*argv, env={"WARDROBE_DATABASE_URL": url})
        assert result.returncode == code, result.stderr
        assert "s3cretpw" not in result.stderr + result.stdout
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_a_wrong_password_is_refused_in_one_line(pg_cluster):
    result = run_cli("--database", pg_cluster.url(password="s3cretpw"), "list")
    assert result.returncode == 7 and "password authentication failed" in result.stderr
    assert "s3cretpw" not in result.stderr and result.stderr.count("\n") == 1


def test_two_homes_share_an_inventory_and_a_library(use_tiny_model, location, tmp_path):
    """--database names one inventory (a SQLite file, or PostgreSQL) and --library one photo folder for two homes."""
    library = tmp_path / "nas" / "closet"
    url = location.get("url") or f"sqlite:///{location['path']}"
    env = {"WARDROBE_DATABASE_URL": url}
    photo = garment_photo(tmp_path / "shirt.png")
    added = run_cli("--library", str(library), "add", str(photo), "--json",
                    env={**env, "WARDROBE_HOME": str(tmp_path / "laptop")})
    assert added.returncode == 0, added.stderr
    [row] = json.loads(added.stdout)
    listed = run_cli("--library", str(library), "list", "--json", env={**env, "WARDROBE_HOME": str(tmp_path / "desktop")})
    assert [item["id"] for item in json.loads(listed.stdout)] == [row["id"]]
    assert len(list((library / "photos").rglob("*.png"))) == 1
    assert not (tmp_path / "laptop" / "inventory.sqlite3").exists() and not (tmp_path / "laptop" / "photos").exists()
    assert not (tmp_path / "desktop" / "inventory.sqlite3").exists()
    doctor = run_cli("--library", str(library), "doctor", env={**env, "WARDROBE_HOME": str(tmp_path / "desktop")})
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    assert "1 items" in doctor.stdout and "every item's photo is there" in doctor.stdout, doctor.stdout
    if "url" in location:  # the server's password is masked
        password = url.split("://", 1)[1].split("@", 1)[0].split(":", 1)[1]
        assert "***" in doctor.stdout and password not in doctor.stdout + doctor.stderr
    else:
        assert str(location["path"]) in doctor.stdout
