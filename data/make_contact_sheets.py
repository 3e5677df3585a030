"""Make numbered contact sheets of closet photos, for labelling attributes by looking (see data/README.md).

Writes sheets (PNG, 6x5 thumbnails, each with a large number) and `index.csv` (sheet, number, photo) to OUT,
which must lie outside the repository: the photos are never copied into it.
Run: python data/make_contact_sheets.py OUT [--photos ../shared/photos] [--train 1080] [--seed 0] [--repeat 50]
A later round: python data/make_contact_sheets.py OUT --choose LIST --group round2 (sheets of the photos LIST names,
one per line, added to OUT's index.csv).
"""

from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

COLUMNS, ROWS = 6, 5
CELL_W, CELL_H = 200, 266


def photos_of(root: Path, split: str) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in (root / split).rglob("*.jpg"))


def sample(root: Path, n_train: int, seed: int) -> list[str]:
    """Every validation photo, and n_train photos of train/ and extra/ spread over their folders."""
    rng = random.Random(seed)
    pool = photos_of(root, "train") + photos_of(root, "extra")
    by_folder: dict[str, list[str]] = {}
    for photo in pool:
        by_folder.setdefault(photo.rsplit("/", 1)[0], []).append(photo)
    chosen: list[str] = []
    # Round-robin over shuffled folders so that small folders (skirt, hat, blouse) are all in.
    queues = [rng.sample(v, len(v)) for _, v in sorted(by_folder.items())]
    while len(chosen) < n_train and any(queues):
        for q in queues:
            if q and len(chosen) < n_train:
                chosen.append(q.pop())
    rng.shuffle(chosen)
    return chosen


def font(size: int) -> ImageFont.ImageFont:
    for name in ("DejaVuSans-Bold.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default()


def sheet(root: Path, photos: list[str]) -> Image.Image:
    canvas = Image.new("RGB", (COLUMNS * CELL_W, ROWS * CELL_H), "white")
    draw = ImageDraw.Draw(canvas)
    label_font = font(26)
    for i, photo in enumerate(photos):
        with Image.open(root / photo) as im:
            im = im.convert("RGB")
            im.thumbnail((CELL_W - 4, CELL_H - 4))
        x, y = (i % COLUMNS) * CELL_W, (i // COLUMNS) * CELL_H
        canvas.paste(im, (x + (CELL_W - im.width) // 2, y + (CELL_H - im.height) // 2))
        draw.rectangle([x, y, x + 44, y + 32], fill="black")
        draw.text((x + 4, y + 2), str(i + 1), fill="yellow", font=label_font)
        draw.rectangle([x, y, x + CELL_W - 1, y + CELL_H - 1], outline="grey")
    return canvas


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--photos", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared" / "photos")
    parser.add_argument("--train", type=int, default=1080, help="photos of train/ and extra/ to label")
    parser.add_argument("--repeat", type=int, default=50, help="photos labelled a second time, blind")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--choose", type=Path, help="a file naming the photos of a later round, one per line")
    parser.add_argument("--group", default="round2", help="the sheets' name of that round")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if args.choose:
        write_sheets(args.photos, args.out, {args.group: args.choose.read_text().split()}, append=True)
        return
    groups = {
        "train": sample(args.photos, args.train, args.seed),
        "validation": photos_of(args.photos, "validation"),
    }
    rng = random.Random(args.seed + 1)
    groups["validation"] = rng.sample(groups["validation"], len(groups["validation"]))
    # The blind second pass: a mix of both groups, reshuffled, on sheets of their own.
    both = groups["train"] + groups["validation"]
    groups["repeat"] = rng.sample(both, args.repeat)
    write_sheets(args.photos, args.out, groups, append=False)


def write_sheets(root: Path, out: Path, groups: dict[str, list[str]], append: bool) -> None:
    """Each group's photos on numbered sheets (<group>-01.png, ...), and their places in out/index.csv."""
    per_sheet = COLUMNS * ROWS
    index = out / "index.csv"
    fresh = not (append and index.exists())
    with open(index, "w" if fresh else "a", newline="") as f:
        writer = csv.writer(f)
        if fresh:
            writer.writerow(["sheet", "number", "photo"])
        for group, photos in groups.items():
            for s in range(0, len(photos), per_sheet):
                name = f"{group}-{s // per_sheet + 1:02d}"
                chunk = photos[s:s + per_sheet]
                sheet(root, chunk).save(out / f"{name}.png", optimize=True)
                writer.writerows([name, i + 1, p] for i, p in enumerate(chunk))
                print(out / f"{name}.png")


if __name__ == "__main__":
    main()
