"""The history screen as a month calendar, driven with Pilot: moving by day, week and month, planning, photos."""

import json
from datetime import date

from tui_support import db, screen_text, settle

from wardrobe.settings import Settings
from wardrobe.tui.app import make_app
from wardrobe.tui.history_screen import month_after
from wardrobe.tui.month_grid import MonthGrid
from wardrobe.tui.photo import Photo


def test_a_month_later_or_earlier_keeps_the_day_where_the_month_has_it():
    assert month_after(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert month_after(date(2026, 3, 31), -1) == date(2026, 2, 28)
    assert month_after(date(2024, 1, 30), 1) == date(2024, 2, 29)
    assert month_after(date(2026, 12, 15), 1) == date(2027, 1, 15)
    assert month_after(date(2026, 1, 15), -13) == date(2024, 12, 15)


def photos(app, where: str) -> int:
    row = app.screen.query_one(where)
    return len(row.query(Photo)) if row.display else 0


async def test_the_calendar_shows_worn_and_planned_days_with_photos(rated_home, march_4):
    app = make_app(Settings.resolve(home=rated_home), seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("h")
        await settle(pilot, app)
        text = screen_text(app)
        assert "March 2026" in text and "Wed 04 March 2026" in text and "nothing worn or planned: p plans it" in text
        grid = app.screen.query_one(MonthGrid)
        assert (grid.selected, grid.today) == (date(2026, 3, 4), date(2026, 3, 4))
        await pilot.press("right")
        text = screen_text(app)
        assert "Thu 05 March 2026" in text
        assert "planned (work, 8C rain): white top, black trousers, white sneakers, black" in text  # wraps at 80
        assert (photos(app, "#calendar-planned"), photos(app, "#calendar-worn")) == (4, 0)
        await pilot.press("left", "left")
        await settle(pilot, app)
        text = screen_text(app)
        assert "Tue 03 March 2026" in text and "wore pink dress, brown leather boot" in text
        assert (photos(app, "#calendar-planned"), photos(app, "#calendar-worn")) == (0, 2)
        await pilot.press("up")
        assert "Tue 24 February 2026" in screen_text(app) and "February 2026" in screen_text(app)
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert "Fri 24 April 2026" in screen_text(app)
        await pilot.press("left_square_bracket", "down")
        assert "Tue 31 March 2026" in screen_text(app)
        await pilot.press("full_stop")
        assert "Wed 04 March 2026" in screen_text(app)
        await pilot.press("left", "left", "left")
        text = screen_text(app)
        assert "Sun 01 March 2026" in text and "rated 8 liked, 4 disliked" in text
        assert [n.severity for n in app._notifications if n.severity == "error"] == []


async def test_a_click_picks_a_day(rated_home, march_4):
    app = make_app(Settings.resolve(home=rated_home), seed=1)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("h")
        await settle(pilot, app)
        grid = app.screen.query_one(MonthGrid)
        _, width, lines = grid._geometry()
        await pilot.click(MonthGrid, offset=(5 * width + 2, 1 + 1 * lines + 2))  # the second week's Saturday
        await settle(pilot, app)
        assert grid.selected == date(2026, 3, 7) and "Sat 07 March 2026" in screen_text(app)
        assert "planned: beige coat, pink dress, brown leather boot" in screen_text(app)  # in slot order
        assert photos(app, "#calendar-planned") == 3


async def test_plan_and_drop_a_day_from_the_calendar(rated_home, march_4):
    app = make_app(Settings.resolve(home=rated_home), seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("h")
        await settle(pilot, app)
        await pilot.press("p")  # today
        await settle(pilot, app)
        [(outfit, items)] = db(rated_home).execute("SELECT outfit_id, item_ids FROM plans WHERE day = '2026-03-04'")
        assert f"planned outfit {outfit} for Wed 04 March" in list(app._notifications)[-1].message
        assert "planned: " in screen_text(app) and photos(app, "#calendar-planned") == len(json.loads(items))
        await pilot.press("x")
        await settle(pilot, app)
        assert db(rated_home).execute("SELECT count(*) FROM plans WHERE day = '2026-03-04'").fetchone() == (0,)
        assert "nothing worn or planned" in screen_text(app)
        await pilot.press("x", "left", "p")  # nothing to drop; a day gone by is not planned
        await settle(pilot, app)
        notes = [(n.message, n.severity) for n in list(app._notifications)][-2:]
        assert notes == [("no plan for Wed 04 March", "warning"),
                         ("Tue 03 March has gone by: only today and days to come can be planned", "warning")]
    assert db(rated_home).execute("SELECT count(*) FROM plans").fetchone() == (2,)  # the fixture's two


async def test_a_plan_made_on_the_command_line_keeps_its_pieces_off_the_days_around_it(home, march_4):
    """What the calendar shows and suggest avoids are the same plans: planned for the 5th, not proposed the 4th."""
    from wardrobe.services import Stylist, Wardrobe
    from wardrobe.services.planner import Planner

    wardrobe = Wardrobe(home)
    planner = Planner(Stylist(wardrobe, seed=2))
    planned = planner.plan(date(2026, 3, 5))
    keep = set(planned.item_ids) - {7, 8}  # shoes: the closet has only two pairs
    for _ in range(4):
        for proposal in planner.stylist.suggest(3):
            assert not keep & {item.id for item in proposal.items}
    wardrobe.close()
    app = make_app(Settings.resolve(home=home), seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("h", "right")
        await settle(pilot, app)
        assert "Thu 05 March 2026" in screen_text(app) and "planned: " in screen_text(app)


async def test_a_day_planned_from_the_calendar_dresses_for_its_forecast(home, forecast_server):
    forecast_server.default = (4.0, 0.0, 0.0, 0.0, 5.0)  # 2 °C
    settings = Settings.resolve(home=home).replace(location=(60.17, 24.94), forecast_url=forecast_server.url)
    app = make_app(settings, seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("h")
        await settle(pilot, app)
        await pilot.press("p")  # today
        await settle(pilot, app)
        [(outfit, weather)] = db(home).execute("SELECT outfit_id, weather FROM plans")
        assert weather == "2 °C (forecast)"
        assert f"planned outfit {outfit} for {date.today():%a %d %B} (2 °C (forecast))" in \
            list(app._notifications)[-1].message
