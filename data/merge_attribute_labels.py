"""Join the per-sheet label files (sheet, number, pattern, material, kind, colour) with the sheets' index into
data/attribute-labels.csv (first pass) and data/attribute-labels-repeat.csv (the blind second pass).

Run: python data/merge_attribute_labels.py SHEETS_DIR LABELS_DIR   (see data/README.md)
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

from wardrobe.domain import ATTRIBUTE_VALUES

FIELDS = ["photo", "pattern", "material", "kind", "colour", "labeller", "method"]
# Which labeller (a separate agent session, blind to the others) looked at which sheets.
METHOD = "by looking at a 6x5 contact sheet of 200x266 thumbnails, zooming to 400 px when unsure"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sheets", type=Path)
    parser.add_argument("labels", type=Path)
    parser.add_argument("--labellers", type=Path, help="CSV sheet,labeller (default: 'agent')")
    args = parser.parse_args()
    index = {(r["sheet"], int(r["number"])): r["photo"] for r in csv.DictReader(open(args.sheets / "index.csv"))}
    who = {r["sheet"]: r["labeller"] for r in csv.DictReader(open(args.labellers))} if args.labellers else {}
    first, repeat = [], []
    for path in sorted(args.labels.glob("*.csv")):
        for row in csv.DictReader(open(path)):
            key = (row["sheet"].strip(), int(row["number"]))
            if key not in index:
                raise SystemExit(f"{path}: {key} is on no sheet")
            record = {"photo": index[key], "labeller": who.get(key[0], "agent"), "method": METHOD}
            for attribute in ATTRIBUTE_VALUES:
                value = row[attribute].strip().lower()
                allowed = (*ATTRIBUTE_VALUES[attribute], "unknown", "other")
                if value not in allowed:
                    raise SystemExit(f"{path}: {key}: {attribute} {value!r} is not one of {', '.join(allowed)}")
                record[attribute] = value
            (repeat if key[0].startswith("repeat") else first).append(record)
    out = Path(__file__).parent
    for name, rows in (("attribute-labels.csv", first), ("attribute-labels-repeat.csv", repeat)):
        with open(out / name, "w", newline="") as f:
            writer = csv.DictWriter(f, FIELDS)
            writer.writeheader()
            writer.writerows(sorted(rows, key=lambda r: r["photo"]))
        print(out / name, len(rows))


if __name__ == "__main__":
    main()
