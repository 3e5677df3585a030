"""Every screen and dialog at 80x24 and 160x48, compared with the accepted screenshots in __snapshots__/."""

import pytest
from tui_support import settle

from wardrobe.settings import Settings
from wardrobe.tui.app import make_app

# screen name: (the home fixture it shows, keys pressed to get there)
SCREENS = {
    "outfits": ("home", []),
    "outfits-empty-closet": ("private_home", []),
    "closet": ("home", ["c"]),
    "closet-empty": ("private_home", ["c"]),
    "photo": ("home", ["c", "down", "down", "enter"]),
    "relabel": ("home", ["c", "down", "r"]),
    "tag": ("home", ["c", "down", "down", "enter", "t"]),
    "find": ("home", ["c", "slash"]),
    "review": ("home", ["e"]),
    "add": ("home", ["a"]),
    "history": ("rated_home", ["h", "right"]),  # the calendar on 2026-03-04 (march_4), then the planned 5th
    "stats": ("rated_home", ["t"]),
    "help": ("home", ["question_mark"]),
    "user": ("rated_home", ["u"]),
}
SIZES = {"80x24": (80, 24), "160x48": (160, 48)}


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen(screen, size, snap_compare, request):
    fixture, keys = SCREENS[screen]
    home = request.getfixturevalue(fixture)
    if screen == "history":
        request.getfixturevalue("march_4")

    async def go(pilot):
        await settle(pilot, pilot.app)
        for key in keys:
            await pilot.press(key)
            await settle(pilot, pilot.app)

    assert snap_compare(make_app(Settings.resolve(home=home), seed=7), terminal_size=SIZES[size], run_before=go)
