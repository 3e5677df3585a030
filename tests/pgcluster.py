"""A throwaway PostgreSQL cluster for the tests: initdb + pg_ctl in a temporary folder, loopback port, password auth."""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

USER = "wardrobe"


class Unavailable(Exception):
    """No PostgreSQL server can be started here; the message says why (the tests that need one skip)."""


def _binary(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if not found:
        raise Unavailable(f"PostgreSQL's {name} is not installed (Debian: apt-get install postgresql)")
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """initdb'd into a temporary folder and started; stop() removes it. Runs as `postgres` when we are root."""

    def __init__(self):
        self.initdb, self.pg_ctl = _binary("initdb"), _binary("pg_ctl")
        self.run_as: list[str] = []
        owner = None
        if os.geteuid() == 0:  # the server refuses to run as root
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError as exc:
                raise Unavailable("running as root and there is no `postgres` user to start the server as") from exc
            self.run_as = ["runuser", "-u", "postgres", "--"]
        self.folder = Path(tempfile.mkdtemp(prefix="wardrobe-pg-"))
        self.password = secrets.token_hex(8)
        self.port = _free_port()
        if owner is not None:
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
        os.chmod(self.folder, 0o700)
        (self.folder / "pw").write_text(self.password)
        if owner is not None:
            os.chown(self.folder / "pw", owner.pw_uid, owner.pw_gid)
        self.data = self.folder / "data"
        self._run([self.initdb, "-D", str(self.data), "-U", USER, "--auth=scram-sha-256",
                   f"--pwfile={self.folder / 'pw'}", "--no-sync", "-E", "UTF8", "--locale=C"])
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} -c fsync=off -c max_connections=200"
        self._run([self.pg_ctl, "-D", str(self.data), "-l", str(self.folder / "log"), "-o", options, "-w", "-t", "60",
                   "start"])

    def _run(self, command: list[str]) -> None:
        done = subprocess.run(self.run_as + command, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            log = self.folder / "log"
            tail = log.read_text(errors="replace")[-800:] if log.exists() else ""
            raise Unavailable(f"{Path(command[0]).name} failed: {(done.stderr or done.stdout).strip()[-400:]} {tail}")

    def url(self, database: str = "postgres", password: str | None = None) -> str:
        return f"postgresql+psycopg://{USER}:{password or self.password}@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        """A fresh, empty database; returns its URL."""
        import psycopg

        name = "t_" + secrets.token_hex(6)
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user={USER} password={self.password} dbname=postgres",
                             autocommit=True) as con:
            con.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def stop(self) -> None:
        try:
            self._run([self.pg_ctl, "-D", str(self.data), "-m", "immediate", "-w", "stop"])
        except (Unavailable, subprocess.TimeoutExpired):
            pass
        shutil.rmtree(self.folder, ignore_errors=True)
