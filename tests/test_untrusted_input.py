"""What comes from outside (photos that change under `add`, odd shapes, export targets, URLs) never crashes,
starves or leaks: issue 26. The archive checks are in test_untrusted_archives.py."""


import pytest
from conftest import run_cli

from wardrobe.store import server

# -- 6. secrets in database URLs ---------------------------------------------------------------------------------

@pytest.mark.parametrize("url", [
    "postgresql+psycopg://u@127.0.0.1:1/db?password=s3cretpw",
    "postgresql+psycopg://u@127.0.0.1:1/db?sslpassword=s3cretpw&application_name=closet",
    "postgresql+psycopg://u:s3cretpw@127.0.0.1:1/db?passfile=/home/u/s3cretpw&password=s3cretpw",
])
def test_secret_query_parameters_are_never_shown(url):
    for argv in (["list"], ["list", "--json"], ["doctor", "--json"]):
        result = run_cli("--database", url, *argv)
        assert result.returncode in (7, 8), result.stderr
        assert "s3cretpw" not in result.stdout + result.stderr, (argv, result.stdout, result.stderr)
        assert "***" in result.stdout + result.stderr
    assert server.shown(url).count("***") >= 1 and "application_name=closet" in server.shown(
        "postgresql://u@h/db?application_name=closet&password=x")


def test_a_driver_message_that_repeats_a_secret_is_masked():
    url = server.parse("postgresql://u:pw1@h/db?sslpassword=pw2")
    assert server.masked("failed for pw1 and pw2", url) == "failed for *** and ***"
