"""The last line of defence (wardrobe.cli.run): an unexpected exception is exit 70 in one line, Ctrl-C is 130."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from conftest import garment_photo, run_cli, stock_closet

from wardrobe.services import Wardrobe


def _raises(exc):
    def broken(*args, **kwargs):
        raise exc

    return broken


@pytest.mark.parametrize("as_json", [False, True])
def test_an_unexpected_error_inside_a_command_is_exit_70_in_one_line(private_home, monkeypatch, as_json):
    stock_closet(private_home, {0: 2, 1: 1, 7: 1})
    monkeypatch.setattr(Wardrobe, "items", _raises(RuntimeError("the index went\nsideways")))
    result = run_cli("list", *(["--json"] if as_json else []))
    assert result.returncode == 70
    [line] = result.stderr.splitlines()
    assert line == ("wardrobe: internal error (RuntimeError: the index went sideways); please report it, with the "
                    "command (WARDROBE_DEBUG=1 shows the details)")
    assert json.loads(result.stdout) == {"error": line.removeprefix("wardrobe: "), "exit": 70} if as_json \
        else result.stdout == ""
    monkeypatch.undo()
    assert run_cli("list").returncode == 0  # nothing was left half-done


def test_with_wardrobe_debug_the_traceback_is_shown(private_home, monkeypatch):
    monkeypatch.setattr(Wardrobe, "items", _raises(RuntimeError("sideways")))
    with pytest.raises(RuntimeError, match="sideways"):
        run_cli("list", env={"WARDROBE_DEBUG": "1"})


def test_ctrl_c_inside_a_command_is_exit_130(private_home, monkeypatch):
    stock_closet(private_home, {0: 1})
    monkeypatch.setattr(Wardrobe, "items", _raises(KeyboardInterrupt()))
    result = run_cli("list")
    assert result.returncode == 130


def test_ctrl_c_inside_a_command_says_so_in_one_line_and_in_json(private_home, monkeypatch):
    stock_closet(private_home, {0: 1})
    monkeypatch.setattr(Wardrobe, "items", _raises(KeyboardInterrupt()))
    result = run_cli("list", "--json")
    assert result.returncode == 130 and result.stderr == "wardrobe: interrupted\n"
    assert json.loads(result.stdout) == {"error": "interrupted", "exit": 130}


def test_sigint_to_a_running_add_is_exit_130_and_keeps_whole_items(processes, use_tiny_model, tmp_path, private_home):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(200):
        garment_photo(folder / f"p{i:03}.jpg", size=(120, 160), colour=(i, 255 - i, (7 * i) % 255))
    # As from a terminal: a runner started in the background (CI under nohup, `cmd &`) hands its children SIGINT
    # ignored, and Python then installs no KeyboardInterrupt handler at all.
    add = processes.popen([sys.executable, "-m", "wardrobe", "add", str(folder)], stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, env=os.environ.copy(),
                          preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    db = private_home / "inventory.sqlite3"
    deadline = time.time() + 90
    while time.time() < deadline and add.poll() is None:
        try:
            if db.exists() and sqlite3.connect(db).execute("SELECT count(*) FROM items").fetchone()[0]:
                break
        except sqlite3.OperationalError:
            pass
        time.sleep(0.05)
    assert add.poll() is None, "add finished before it could be interrupted"
    add.send_signal(signal.SIGINT)
    assert add.wait(timeout=60) == 130
    stderr = add.stderr.read()
    assert stderr.splitlines()[-1] == "wardrobe: interrupted; the items added so far are kept", stderr
    assert "Traceback" not in stderr
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    rows = con.execute("SELECT photo_file, thumbnail_file FROM items").fetchall()
    assert 0 < len(rows) < 200
    assert all((private_home / photo).is_file() and (private_home / thumb).is_file() for photo, thumb in rows)
