"""The test suite's own PostgreSQL cluster: stopped and removed however its session ends, killed outright included."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
SESSION = ("import sys, time\n"
           f"sys.path.insert(0, {str(TESTS)!r})\n"
           "import pgcluster\n"
           "try:\n"
           "    cluster = pgcluster.Cluster()\n"
           "except pgcluster.Unavailable as exc:\n"
           "    print('unavailable', exc, flush=True)\n"
           "    sys.exit(0)\n"
           "print(cluster.folder, cluster.port, flush=True)\n"
           "time.sleep(600)\n")


@pytest.fixture
def temp():
    """A temporary folder the `postgres` user can reach (pytest's are private to their owner)."""
    path = Path(tempfile.mkdtemp(prefix="wardrobe-pgtest-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def session(processes, temp):
    """A process that starts a cluster as a test session does, and waits: (process, its folder, its port)."""
    process = processes.popen([sys.executable, "-c", SESSION], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env={**os.environ, "TMPDIR": str(temp)})
    line = process.stdout.readline().split()
    if not line or line[0] == "unavailable":
        process.kill()
        pytest.skip(f"no PostgreSQL server could be started here: {' '.join(line[1:]) or process.stderr.read()}")
    folder, port = Path(line[0]), int(line[1])
    assert folder.parent == temp and listening(port)
    return process, folder, port


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_terminated_session_stops_its_cluster(pg_tools, processes, temp, signum):
    process, folder, port = session(processes, temp)
    process.send_signal(signum)
    assert process.wait(timeout=60) == -signum  # it still ends as that signal says
    assert not folder.exists() and not listening(port)


def test_a_session_that_ends_stops_its_cluster_at_exit(pg_tools, processes, temp):
    done = processes.run([sys.executable, "-c", SESSION.replace("time.sleep(600)", "pass")], capture_output=True,
                         text=True, env={**os.environ, "TMPDIR": str(temp)}, timeout=120)
    line = done.stdout.split()
    if line[0] == "unavailable":
        pytest.skip(" ".join(line[1:]))
    assert done.returncode == 0 and not Path(line[0]).exists() and not listening(int(line[1]))


def test_a_killed_sessions_cluster_is_removed_by_the_next(pg_tools, processes, temp):
    import pgcluster

    process, folder, port = session(processes, temp)
    alive, _, _ = session(processes, temp)  # another session, still running: its cluster stays
    process.kill()
    process.wait()
    assert folder.exists() and listening(port)  # kill -9: nothing could clean up
    (temp / "wardrobe-pg-being-made").mkdir()  # no owner yet: another session is making it right now
    assert pgcluster.remove_stale(temp) == [folder]
    assert not folder.exists() and not listening(port)
    assert (temp / "wardrobe-pg-being-made").exists() and len(list(temp.glob("wardrobe-pg-*"))) == 2
    alive.send_signal(signal.SIGTERM)
    alive.wait(timeout=60)
    assert list(temp.glob("wardrobe-pg-*")) == [temp / "wardrobe-pg-being-made"]
