"""The pieces under the screens: slot layout, category keys, charts, path completion, history and statistics."""

from types import SimpleNamespace

from tui_support import UNSURE_IDS

from wardrobe.domain import CATEGORIES
from wardrobe.services import Stylist, Wardrobe
from wardrobe.services.ratings_history import history, statistics
from wardrobe.tui.charts import bar, bar_chart, column_chart
from wardrobe.tui.keys import CATEGORY_LETTERS, category_from_digits
from wardrobe.tui.layout import best_columns, by_slot
from wardrobe.tui.path_suggester import complete_path
from wardrobe.tui.photo import half_blocks


def test_pieces_are_laid_out_head_to_toe():
    labels = [7, 12, 1, 0, 4, 8]  # sneaker, hat, trouser, t-shirt, coat, bag
    ordered = [item.label for item in by_slot([SimpleNamespace(label=label) for label in labels])]
    assert ordered == [12, 4, 0, 1, 7, 8]  # hat, outer, top, bottom, footwear, then the bag


def test_the_grid_makes_photos_largest():
    assert best_columns(5, 78, 19) == 5  # a wide, low terminal: one row
    assert best_columns(6, 158, 43) == 3  # two even rows rather than five and one
    assert best_columns(4, 30, 60) in (1, 2)  # a tall, narrow one: stacked
    assert best_columns(1, 10, 10) == 1


def test_every_category_has_a_letter_and_numbers_complete_as_typed():
    assert len(CATEGORY_LETTERS) == len(CATEGORIES) == len(set(CATEGORY_LETTERS))
    assert category_from_digits("3") == (3, True)
    assert category_from_digits("1") == (1, False)  # 10, 11 or 12 may follow
    assert category_from_digits("12") == (12, True)
    assert category_from_digits("13")[0] is None and category_from_digits("01")[0] is None


def test_bars_and_columns_are_drawn_to_scale():
    assert bar(4, 8, 10) == "█████     " and bar(0, 0, 3) == "   "
    assert bar(1, 8, 2) == "▎ "  # two eighths of a cell
    lines = bar_chart([("Coat", 2, "2"), ("Hat", 4, "4")], 21).plain.splitlines()  # 14 cells for the bars
    assert all(len(line) == 21 for line in lines) and lines[1].count("█") == 14 and lines[0].count("█") == 7
    lines = column_chart([0.5, 1.0], ["10", "20"], 4, 20).plain.splitlines()
    assert lines[0].split() == ["████"] and lines[3].split() == ["████", "████"]
    assert lines[4].split() == ["50%", "100%"] and lines[5].split() == ["10", "20"]


def test_path_completion(tmp_path):
    (tmp_path / "closet photos").mkdir()
    (tmp_path / "closet.txt").write_text("")
    (tmp_path / ".hidden").mkdir()
    assert complete_path(str(tmp_path / "clo")) == str(tmp_path / "closet photos") + "/"
    assert complete_path(str(tmp_path / "closet.")) == str(tmp_path / "closet.txt")
    assert complete_path(str(tmp_path) + "/") == str(tmp_path / "closet photos") + "/"  # hidden ones not offered
    assert complete_path(str(tmp_path / ".h")) == str(tmp_path / ".hidden") + "/"
    assert complete_path(str(tmp_path / "nothing")) is None
    assert complete_path(str(tmp_path / "no folder" / "x")) is None


def plain(lines) -> list[str]:
    return ["".join(segment.text for segment in line) for line in lines]


def test_half_blocks_fill_the_size_they_are_given(home, tmp_path):
    thumb = next(home.glob("thumbnails/01/*.jpg"))
    for width, height in ((10, 5), (40, 30), (1, 1)):
        lines = plain(half_blocks(thumb, width, height))
        assert len(lines) == height and all(len(line) == width for line in lines)
    big = "".join(plain(half_blocks(thumb, 60, 40)))
    assert big.count("▀") > 20 * "".join(plain(half_blocks(thumb, 6, 4))).count("▀")  # scaled up, not left small
    (tmp_path / "bad.jpg").write_bytes(b"no")
    assert set("".join(plain(half_blocks(tmp_path / "bad.jpg", 4, 2)))) == {"░"}


def test_unsure_items_are_those_list_unsure_shows(home):
    assert [item.id for item in Wardrobe(home).items(unsure=True)] == UNSURE_IDS


def test_history_names_the_pieces_and_groups_a_wear(rated_home):
    wardrobe = Wardrobe(rated_home)
    events = history(Stylist(wardrobe))
    assert [e.what for e in events].count("wore") == 2 and len(events) == 14
    worn = [e for e in events if e.what == "wore"]
    assert sorted(i.id for i in worn[-1].items) == [1, 4, 7]
    assert all(item is not None for e in events for item in e.items)
    wardrobe.remove(7)
    assert None in history(Stylist(wardrobe))[-1].items  # a removed piece is said, not a crash


def test_statistics_count_every_category(rated_home):
    stats = statistics(Stylist(Wardrobe(rated_home)))
    assert list(stats.per_category) == list(CATEGORIES) and sum(stats.per_category.values()) == 12
    assert sum(stats.worn_per_category.values()) == 5 and stats.worn_per_category["Trouser"] == 1
    assert [span for span, _ in stats.like_rate] == ["1-10", "11-12"]
    assert stats.like_rate[0][1] == 0.7  # ratings 1-10: n % 3 != 1 liked
    assert {item.id for item in stats.never_worn} == set(range(1, 13)) - {1, 4, 6, 7, 8}


def test_the_why_line_under_a_proposal():
    from wardrobe.tui.outfits_screen import why_line

    assert why_line(SimpleNamespace(why="navy with white, liked 4 times", explore=False)) == "navy with white, liked 4 times"
    assert why_line(SimpleNamespace(why="", explore=True)) == "new: exploring"
    assert why_line(SimpleNamespace(why="new colours for you", explore=True)) == "new colours for you"
    assert why_line(SimpleNamespace(why="", explore=False)) == ""
