"""What a newcomer tripped over (issue 24): the right hint for the right model, doctor on both networks."""

from __future__ import annotations

import json
import shutil

from conftest import garment_photo, run_cli

from wardrobe.settings import Settings
from wardrobe.tui.app import make_app


def test_an_empty_photo_model_folder_names_the_photo_model_and_how_to_make_one(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_cli("--photo-model", str(empty), "add", str(garment_photo(tmp_path / "shirt.png")))
    assert result.returncode == 4
    assert "--photo-model" in result.stderr and "wardrobe photo-network" in result.stderr
    assert "point --model" not in result.stderr


def test_doctor_checks_and_loads_both_networks(use_tiny_model, tmp_path):
    healthy = run_cli("doctor", "--json")
    assert healthy.returncode == 0, healthy.stdout
    checks = {f["check"]: f["ok"] for f in json.loads(healthy.stdout)}
    assert checks["model"] and checks["photo model"] and checks["networks"]
    empty = tmp_path / "empty"
    empty.mkdir()
    broken = run_cli("--photo-model", str(empty), "doctor")
    assert broken.returncode == 8 and "PROBLEM   photo model" in broken.stdout and "--photo-model" in broken.stdout


def test_doctor_accepts_a_model_whose_training_weights_are_not_installed(use_tiny_model, tmp_path):
    model = tmp_path / "model"
    shutil.copytree(use_tiny_model, model)
    for weights in model.glob("*-weights-*.npz"):
        weights.unlink()  # as a wheel installs it
    result = run_cli("--model", str(model), "doctor")
    assert result.returncode == 0 and "training weights are not installed" in result.stdout, result.stdout


def test_a_label_you_set_shows_as_yours_not_as_the_models_confidence(use_tiny_model, tmp_path):
    run_cli("add", str(garment_photo(tmp_path / "a.png")), str(garment_photo(tmp_path / "b.png", colour=(200, 20, 20))))
    run_cli("relabel", "1", "coat")
    rows = {line.split()[0]: line for line in run_cli("list").stdout.splitlines()[1:]}
    assert "yours" in rows["1"] and "%" not in rows["1"].split("yours")[0].split()[-1]
    assert "yours" not in rows["2"] and "%" in rows["2"]


async def test_the_status_line_forgets_the_last_users_action_after_a_switch(rated_home):
    from textual.widgets import Static
    app = make_app(Settings.resolve(home=rated_home), seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(50):
            await pilot.pause()
            if app.screen.current is not None:
                break
        await pilot.press("l")
        await pilot.pause()
        status = app.screen.query_one("#outfit-status", Static)
        assert "Liked outfit" in str(status.render())
        await pilot.press("u")
        await pilot.pause()
        await pilot.press(*"bob", "enter")
        for _ in range(50):
            await pilot.pause()
            if app.stylist.user == "bob" and app.screen.stylist is app.stylist:
                break
        assert "Liked outfit" not in str(app.screen.query_one("#outfit-status", Static).render())


def test_long_names_give_way_in_their_middle():
    from wardrobe.tui.text import middle

    name = "longsleeve-0c6472ac-5f1b-4b8e-9d5e-a7fe87954662.jpg"
    assert middle(name, 20) == "longsleeve…54662.jpg" and len(middle(name, 20)) == 20
    assert middle("short.jpg", 20) == "short.jpg" and middle(name, 1) == "…"


async def test_the_relabel_dialog_grows_with_the_terminal_and_keeps_its_title_whole(home):
    import sqlite3

    from tui_support import screen_text

    long = "longsleeve-0c6472ac-5f1b-4b8e-9d5e-a7fe87954662-a-very-long-photo-name-from-a-phone.jpg"
    con = sqlite3.connect(home / "inventory.sqlite3")
    con.execute("UPDATE items SET original_name = ? WHERE id = 1", (long,))
    con.commit()
    for size in ((80, 24), (160, 48)):
        app = make_app(Settings.resolve(home=home), seed=1)
        async with app.run_test(size=size) as pilot:
            await pilot.press("c", "r")
            for _ in range(3):
                await pilot.pause()
            dialog = app.screen.query_one("#relabel-dialog")
            assert dialog.size.width > 72 if size[0] == 160 else dialog.size.width <= 80
            title = [line for line in screen_text(app).splitlines() if "Relabel #1" in line][0]
            assert "now T-shirt/top, as:" in title and "…" in title and "longsleeve" in title


async def test_the_closet_filter_is_a_category_picker(home):
    from textual.widgets import DataTable

    app = make_app(Settings.resolve(home=home), seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c", "f")
        await pilot.pause()
        assert "of category" in str(app.screen.query_one("#filter-dialog").query("Label").first().render())
        await pilot.press(*["down"] * 5, "enter")  # all, T-shirt/top, Trouser, Pullover, Dress, Coat
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        shown = [str(table.get_row_at(k)[1]) for k in range(table.row_count)]
        assert shown and all(category.startswith("Coat") for category in shown), shown
        await pilot.press("f", "home", "enter")  # every category again
        await pilot.pause()
        assert app.screen.query_one(DataTable).row_count == 12


def test_columns_keep_their_place_whatever_their_text(use_tiny_model, tmp_path):
    from wardrobe.cli.common import fit

    assert fit("unsure: Coat 26% / Shorts 22%", 24) == "unsure: Coat 26% / Shor…" and len(fit("a", 24)) == 24
    added = run_cli("add", str(garment_photo(tmp_path / "a.png")), str(garment_photo(tmp_path / "b.png", colour=(9, 200, 9))))
    lines = added.stdout.splitlines()
    assert len({line.index("%") for line in lines}) == 1, lines  # the confidence column lines up
    import sqlite3

    con = sqlite3.connect(tmp_path / "home" / "inventory.sqlite3")
    con.execute("""UPDATE items SET colours = '["navy", "brown", "black", "white", "beige", "grey"]' WHERE id = 1""")
    con.commit()
    listed = run_cli("list").stdout.splitlines()
    assert len({line.rindex(".png") for line in listed[1:]}) == 1, listed  # the photo names line up


async def test_the_photo_view_steps_through_the_closet(home):
    app = make_app(Settings.resolve(home=home), seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c", "down", "enter")
        await pilot.pause()
        assert app.screen.item.id == 2
        await pilot.press("right")
        assert app.screen.item.id == 3
        await pilot.press("j", "j")
        assert app.screen.item.id == 5
        await pilot.press("left", "k", "k", "k")
        assert app.screen.item.id == 1
        await pilot.press("k")  # around the start: the last item of the list
        assert app.screen.item.id == 12
        details = str(app.screen.query_one("#photo-details").render())
        assert details.startswith("#12 ")


def test_the_explain_picture_wraps_its_notes_inside_the_picture(tmp_path):
    import numpy as np
    from PIL import Image, ImageDraw

    from wardrobe.vision.plots import _font, _wrapped, explain_png

    note = "ImageNet's nearest closet class: swimming trunks, bathing trunks, and a few more words to wrap"
    draw = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    lines = _wrapped(draw, note, _font(13), 244)
    assert len(lines) > 1 and " ".join(lines) == note and all(draw.textlength(x, font=_font(13)) <= 244 for x in lines)
    picture = np.full((200, 150, 3), 200, np.uint8)
    mask = np.zeros((200, 150), bool)
    out = explain_png(tmp_path / "x.png", picture, mask, np.zeros((28, 28), np.uint8), [("Coat", 0.5)], "t",
                      notes=[note] * 8)
    pixels = np.asarray(Image.open(out).convert("L"))
    assert (pixels[-8:] == 255).all() and (pixels[:, -8:] == 255).all()  # nothing drawn at the edges: it grew instead


async def test_the_add_prompt_lists_the_other_matches(private_home, tmp_path, monkeypatch):
    from tui_support import screen_text

    monkeypatch.chdir(tmp_path)
    for name in ("closet", "closet2"):
        (tmp_path / name).mkdir()
    (tmp_path / "closet.tar").write_bytes(b"")
    app = make_app(Settings.resolve(home=private_home), seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"clo")
        await pilot.pause()
        assert "also: closet/  closet.tar  closet2/" in screen_text(app)
        await pilot.press(*"set2")
        await pilot.pause()
        assert "also:" not in screen_text(app) and "tab or → completes" in screen_text(app)


async def test_the_closet_keeps_one_line_a_row_and_never_scrolls_sideways(home):
    import sqlite3

    from textual.widgets import DataTable

    con = sqlite3.connect(home / "inventory.sqlite3")
    con.execute("""UPDATE items SET colours = '["navy", "brown", "black", "white", "beige", "grey"]' WHERE id = 2""")
    con.commit()
    for size in ((80, 24), (160, 48)):
        app = make_app(Settings.resolve(home=home), seed=1)
        async with app.run_test(size=size) as pilot:
            await pilot.press("c")
            for _ in range(3):
                await pilot.pause()
            table = app.screen.query_one(DataTable)
            assert table.virtual_size.height == table.row_count + 1  # the header and one line a row
            assert table.virtual_size.width <= table.size.width, (table.virtual_size, table.size)
