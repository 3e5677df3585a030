"""The home's config file: `wardrobe config` get/set/unset/list, checked values, and flags > environment > file > defaults."""

import json

from conftest import run_cli

from wardrobe.config import DEFAULT_FORECAST_URL
from wardrobe.settings import Settings


def config(*args, env=None):
    return run_cli("config", *args, env=env)


def test_set_get_list_and_unset(private_home):
    assert config("set", "location", "52.52, 13.41").returncode == 0
    got = config("get", "location")
    assert (got.returncode, got.stdout.strip()) == (0, "52.52,13.41")
    assert 'location = "52.52,13.41"' in (private_home / "config.toml").read_text()
    listed = {e["key"]: e for e in json.loads(config("list", "--json").stdout)}
    assert listed["location"]["source"] == "config file" and listed["location"]["value"] == "52.52,13.41"
    assert listed["forecast-url"] == {**listed["forecast-url"], "value": DEFAULT_FORECAST_URL, "source": "default"}
    assert Settings.resolve().location == (52.52, 13.41)
    changed = json.loads(run_cli("config", "unset", "location", "--json").stdout)
    assert changed["removed"] is True and Settings.resolve().location is None
    assert json.loads(run_cli("config", "unset", "location", "--json").stdout)["removed"] is False


def test_flags_and_environment_win_over_the_file(private_home, tmp_path, monkeypatch):
    assert config("set", "user", "alice").returncode == 0
    assert config("set", "library", str(tmp_path / "lib")).returncode == 0
    assert config("set", "location", "10,20").returncode == 0
    monkeypatch.delenv("WARDROBE_USER", raising=False)
    monkeypatch.delenv("WARDROBE_LIBRARY", raising=False)
    assert (Settings.resolve().user, Settings.resolve().library) == ("alice", tmp_path / "lib")
    assert Settings.resolve(user="bob").user == "bob"  # a flag
    monkeypatch.setenv("WARDROBE_USER", "carol")
    monkeypatch.setenv("WARDROBE_LOCATION", "-33.9,18.4")
    chosen = Settings.resolve()
    assert (chosen.user, chosen.location) == ("carol", (-33.9, 18.4))
    listed = {e["key"]: e for e in json.loads(config("--json").stdout)}
    assert listed["location"]["source"] == "environment (WARDROBE_LOCATION)" and listed["location"]["in_file"] == "10,20"
    # What a command sees: the file's user where nothing else chose one.
    monkeypatch.delenv("WARDROBE_USER")
    assert run_cli("suggest").returncode == 6  # an empty closet, for alice
    assert [u["name"] for u in json.loads(run_cli("users", "--json").stdout)] == ["default"]


def test_bad_values_are_refused_in_one_line(private_home):
    for args, words in ((("set", "location", "north"), "not LAT,LON"), (("set", "location", "91,0"), "off the globe"),
                        (("set", "forecast-url", "ftp://x"), "not an http"), (("set", "colour", "red"), "unknown config key"),
                        (("set", "location"), "usage: wardrobe config set KEY VALUE"), (("get",), "usage"),
                        (("set", "user", "a\x1bb"), "control characters")):
        result = config(*args)
        assert result.returncode == 2, (args, result.stderr)
        assert words in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert not (private_home / "config.toml").exists()


def test_a_bad_file_stops_commands_but_config_mends_it(private_home):
    private_home.mkdir(parents=True)
    (private_home / "config.toml").write_text('location = "somewhere"\n')
    refused = run_cli("list")
    assert refused.returncode == 2 and "config.toml: location" in refused.stderr and "config unset location" in refused.stderr
    assert config("set", "location", "1,2").returncode == 0
    assert run_cli("list").returncode == 0
    (private_home / "config.toml").write_text("location: 1,2\n")
    broken = run_cli("list", "--json")
    assert broken.returncode == 2 and "line 1" in broken.stderr and json.loads(broken.stdout)["exit"] == 2
    (private_home / "config.toml").unlink()
    bad_env = run_cli("list", env={"WARDROBE_LOCATION": "x"})
    assert bad_env.returncode == 2 and "WARDROBE_LOCATION" in bad_env.stderr
