"""A throwaway PostgreSQL cluster for the tests: initdb + pg_ctl in a temporary folder, loopback port, password auth.

A cluster is stopped and removed by the fixture's teardown, else at exit (atexit) or on SIGTERM/SIGHUP; one whose
test process was killed outright (kill -9) is stopped and removed by the next session (remove_stale): each folder
names the process that owns it (its pid and start time, so a reused pid is not mistaken for it).
"""

from __future__ import annotations

import atexit
import glob
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
from pathlib import Path

USER = "wardrobe"
PREFIX = "wardrobe-pg-"
OWNER = "owner"  # in the cluster's folder: "<pid> <start time>" of the process that made it
PORT_TRIES = 5  # another process may take the free port before the server listens: then another port


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


def _started(pid: int) -> str | None:
    """A process's start time (clock ticks after boot, /proc/PID/stat field 22); None when there is no such process."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def _run_as() -> list[str]:
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def remove_stale(temp: Path | None = None) -> list[Path]:
    """Stop and remove the clusters whose owning process is gone; returns their folders.

    A folder without an owner file is left alone: it is being made right now, or by a suite that writes none.
    """
    removed = []
    for folder in sorted(Path(temp or tempfile.gettempdir()).glob(PREFIX + "*")):
        try:
            pid, started = (folder / OWNER).read_text().split()
        except (OSError, ValueError):
            continue
        if _started(int(pid)) == started:
            continue  # its session is still running
        if (folder / "data" / "postmaster.pid").exists():
            try:
                subprocess.run(_run_as() + [_binary("pg_ctl"), "-D", str(folder / "data"), "-m", "immediate", "-w",
                                            "stop"], capture_output=True, timeout=60)
            except (Unavailable, OSError, subprocess.TimeoutExpired):
                pass
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


_LIVE: list[Cluster] = []
_PREVIOUS: dict[int, object] = {}


def _stop_all() -> None:
    for cluster in list(_LIVE):
        cluster.stop()


def _on_signal(signum, frame) -> None:
    """SIGTERM or SIGHUP: stop every cluster, then end as that signal would have (or as its own handler says)."""
    _stop_all()
    previous = _PREVIOUS.get(signum, signal.SIG_DFL)
    if callable(previous):
        previous(signum, frame)
        return
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


def _guard() -> None:
    """Stop live clusters at exit and on SIGTERM/SIGHUP (installed once; signals only from the main thread)."""
    if _PREVIOUS:
        return
    atexit.register(_stop_all)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        try:
            _PREVIOUS[signum] = signal.signal(signum, _on_signal)
        except ValueError:  # not the main thread: atexit and the next session's remove_stale still clean up
            _PREVIOUS[signum] = signal.SIG_DFL


class Cluster:
    """initdb'd into a temporary folder and started; stop() removes it. Runs as `postgres` when we are root."""

    def __init__(self):
        self.initdb, self.pg_ctl = _binary("initdb"), _binary("pg_ctl")
        remove_stale()
        owner = None
        if os.geteuid() == 0:  # the server refuses to run as root
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError as exc:
                raise Unavailable("running as root and there is no `postgres` user to start the server as") from exc
        self.run_as = _run_as()
        self.folder = Path(tempfile.mkdtemp(prefix=PREFIX))
        (self.folder / OWNER).write_text(f"{os.getpid()} {_started(os.getpid())}\n")
        _guard()
        _LIVE.append(self)
        try:
            self._start(owner)
        except BaseException:
            self.stop()
            raise

    def _start(self, owner) -> None:
        self.password = secrets.token_hex(8)
        if owner is not None:
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
        os.chmod(self.folder, 0o700)
        (self.folder / "pw").write_text(self.password)
        if owner is not None:
            os.chown(self.folder / "pw", owner.pw_uid, owner.pw_gid)
        self.data = self.folder / "data"
        self._run([self.initdb, "-D", str(self.data), "-U", USER, "--auth=scram-sha-256",
                   f"--pwfile={self.folder / 'pw'}", "--no-sync", "-E", "UTF8", "--locale=C"])
        for attempt in range(PORT_TRIES):
            self.port = _free_port()
            options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} -c fsync=off "
                       "-c max_connections=200")
            try:
                self._run([self.pg_ctl, "-D", str(self.data), "-l", str(self.folder / "log"), "-o", options, "-w",
                           "-t", "60", "start"])
                return
            except Unavailable as exc:
                if "already in use" not in str(exc) or attempt == PORT_TRIES - 1:
                    raise
                (self.folder / "log").unlink(missing_ok=True)

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
        """Stop the server and remove the folder; again (at exit, on a signal) it does nothing."""
        if self not in _LIVE:
            return
        _LIVE.remove(self)
        if (self.folder / "data" / "postmaster.pid").exists():
            try:
                self._run([self.pg_ctl, "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop"])
            except (Unavailable, subprocess.TimeoutExpired):
                pass
        shutil.rmtree(self.folder, ignore_errors=True)
