"""CPU time of `wardrobe add` per photo against the bare minimum of reading a photo, measured in the same run.

The bare minimum: read a JPEG, decode it whole, pad it to a square, resize it to 224, one LiteRT invoke of the
shipped photo network on one thread (nothing else `add` does: no 28x28 view, no paper's network, no colours,
thumbnail, hashing, library or database). Also: the same with the JPEG decoded at the reduced scale `add` decodes
at; photos/s of `add` on the validation photos and on a larger fixed set; a cold one-photo `add` (a fresh process
and a fresh home); one 12-megapixel JPEG from its file to its stored item in a warm process (as `wardrobe serve`
stores an upload); accuracy on the validation photos (`wardrobe evaluate`), and what share of photos got
another category or other colours than the first code tree gave them.

Several code trees can be compared (e.g. a worktree of an older commit): rounds alternate between them, so a
busy machine slows each alike, and each figure is the median over rounds. CPU time (user + sys, the command's
worker processes and threads included) holds on a machine other work shares; wall time does not.

Run: python benchmarks/bench_add_cpu.py [--code DIR ...] [--rounds 3] [--extra 1315] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PHOTOS = REPO.parent / "shared" / "photos"
GOAL_RATIO = 2.0  # add's CPU per photo against the bare minimum's

BARE = r'''
import io, json, sys, time
import numpy as np
from PIL import Image
from ai_edge_litert.interpreter import Interpreter
model, draft, paths = sys.argv[1], sys.argv[2] == "draft", sys.argv[3:]
interpreter = Interpreter(model_path=model, num_threads=1)
interpreter.allocate_tensors()
index = interpreter.get_input_details()[0]["index"]
outputs = [o["index"] for o in interpreter.get_output_details()]

def one(path):
    image = Image.open(io.BytesIO(open(path, "rb").read()))
    if draft:  # the scale `add` decodes at: the longest edge keeps 256 pixels, then resized before padding
        w, h = image.size
        scale = 1
        while scale < 8 and max(w, h) // (2 * scale) >= 256:
            scale *= 2
        image.draft("RGB", (w // scale, h // scale))
    image = image.convert("RGB")
    w, h = image.size
    side = max(w, h)
    if draft:
        image = image.resize((round(w * 224 / side), round(h * 224 / side)), Image.Resampling.BILINEAR)
        canvas = Image.new("RGB", (224, 224))
        canvas.paste(image, ((224 - image.size[0]) // 2, (224 - image.size[1]) // 2))
    else:
        canvas = Image.new("RGB", (side, side))
        canvas.paste(image, ((side - w) // 2, (side - h) // 2))
        canvas = canvas.resize((224, 224), Image.Resampling.BILINEAR)
    interpreter.set_tensor(index, np.asarray(canvas, np.float32)[None])
    interpreter.invoke()
    return [interpreter.get_tensor(o) for o in outputs]

one(paths[0])
start, wall = time.process_time(), time.perf_counter()
for path in paths:
    one(path)
print(json.dumps({"cpu_s": time.process_time() - start, "wall_s": time.perf_counter() - wall}))
'''

WARM = r'''
import json, shutil, sys, time, resource
from pathlib import Path
from wardrobe.services import Wardrobe
from wardrobe.services.intake import Upload
home, warmup, big = Path(sys.argv[1]), sys.argv[2], sys.argv[3:]
wardrobe = Wardrobe(home)
list(wardrobe.add(wardrobe.find_inputs([warmup])))  # models loaded, threads started, database open
runs = []
for path in big:
    wall, cpu = time.perf_counter(), time.process_time()
    results = wardrobe.add_uploads([Upload(Path(path).name, Path(path).read_bytes())])
    runs.append({"wall_s": time.perf_counter() - wall, "cpu_s": time.process_time() - cpu})
    assert results[0].item is not None, results[0].error
wardrobe.close()
print(json.dumps(runs))
'''


PAPER = r'''
import json, sys
from pathlib import Path
import numpy as np
from wardrobe import config
from wardrobe.domain import SLOTS
from wardrobe.training.evaluate import folder_entry, load_mapping
from wardrobe.vision.classifier import Classifier
from wardrobe.vision.views import read_views
mapping = load_mapping(None)
classifier = Classifier(config.model_dir(), config.photo_model_dir())
photos = sorted(p for folder in sys.argv[1:] for p in Path(folder).rglob("*.jpg"))
pixels = np.stack([read_views(p, classifier.photo_size).converted.pixels for p in photos])
labels = classifier.fmnist_probabilities(pixels).argmax(1)
slot, klass = [], []
for path, label in zip(photos, labels):
    entry = folder_entry(path.parent.name, mapping)
    if entry["slot"]:
        slot.append(SLOTS[int(label)] == entry["slot"])
    if entry["classes"] and all(c < 10 for c in entry["classes"]):
        klass.append(int(label) in entry["classes"])
print(json.dumps({"paper_slot_accuracy": round(float(np.mean(slot)), 4),
                  "paper_class_accuracy": round(float(np.mean(klass)), 4)}))
'''


PARTS = r'''
import collections, json, sys, tempfile, threading, time
from pathlib import Path
import wardrobe.services.intake as intake
import wardrobe.vision.classifier as classifier
import wardrobe.vision.photo as photo
import wardrobe.vision.photonet as photonet
import wardrobe.vision.views as views
from wardrobe.services import Wardrobe
paths = sys.argv[1:]
wardrobe = Wardrobe(Path(tempfile.mkdtemp()))
list(wardrobe.add(wardrobe.find_inputs([paths[0]])))  # warm: models loaded, home made
spent, lock = collections.Counter(), threading.Lock()

def timed(owner, name, label):
    real = getattr(owner, name)

    def wrapper(*args, **kwargs):
        start = time.thread_time()
        try:
            return real(*args, **kwargs)
        finally:
            with lock:
                spent[label] += time.thread_time() - start
    setattr(owner, name, wrapper)

for owner, name, label in [
        (intake, "_prepare", "worker threads, all"), (intake, "read_photo", "read the file"),
        (views, "open_photo", "decode (JPEG at a reduced scale)"), (views, "fitted", "resize to 224"),
        (views, "pad_square", "pad to a square"), (views, "to_fmnist", "28x28 view (mask included)"),
        (photo, "garment_mask", "garment mask"), (intake, "dominant_colours", "colours"),
        (intake, "thumbnail_jpeg", "thumbnail"), (photonet.PhotoNetwork, "read", "photo network"),
        (classifier.Classifier, "paper_read", "paper's ResNet-50 (batches of 64)"),
        (wardrobe.library, "stage", "library: stage the photo"), (wardrobe.library, "store", "library: store"),
        (wardrobe.inventory, "add_new_items", "database rows")]:
    timed(owner, name, label)
cpu, main = time.process_time(), time.thread_time()
list(wardrobe.add(wardrobe.find_inputs(paths[1:])))
n = len(paths) - 1
figures = {"photos": n, "whole process": (time.process_time() - cpu) / n * 1000,
           "command's thread": (time.thread_time() - main) / n * 1000}
figures.update({label: value / n * 1000 for label, value in spent.items()})
print(json.dumps({k: round(v, 2) for k, v in figures.items()}))
'''


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(argv: list[str], code: Path, **kwargs) -> tuple[float, float, str]:
    """Run a command with the code tree's `wardrobe` importable: (wall s, CPU s of it and its children, stdout)."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    cpu, wall = children_cpu(), time.perf_counter()
    result = subprocess.run(argv, cwd=code, env=env, capture_output=True, text=True, **kwargs)
    wall, cpu = time.perf_counter() - wall, children_cpu() - cpu
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, argv[:6]))} ... failed ({result.returncode}):\n{result.stderr[-2000:]}")
    return wall, cpu, result.stdout


def wardrobe(code: Path, home: Path, *argv: str) -> tuple[float, float, str]:
    return run([sys.executable, "-m", "wardrobe", "--home", str(home), *argv], code)


def photo_sets(extra: int) -> dict[str, list[Path]]:
    validation = sorted((PHOTOS / "validation").rglob("*.jpg"))
    train = sorted((PHOTOS / "train").rglob("*.jpg"))
    step = len(train) / max(extra, 1)
    chosen = [train[int(i * step)] for i in range(min(extra, len(train)))]  # evenly spaced: the same set every run
    return {"validation": validation, "larger": validation + chosen}


def big_jpegs(folder: Path, sources: list[Path], count: int) -> list[Path]:
    """12-megapixel JPEGs (4000x3000, quality 90, as a phone writes them), upscaled from real photos."""
    from PIL import Image

    made = []
    for i, source in enumerate(sources[:: max(1, len(sources) // count)][:count]):
        path = folder / f"phone-{i}.jpg"
        with Image.open(source) as image:
            image.convert("RGB").resize((4000, 3000), Image.Resampling.BICUBIC).save(path, quality=90)
        made.append(path)
    return made


def items_by_hash(home: Path) -> dict[str, tuple]:
    """What `add` stored of each photo, by its hash: category, colours, the paper's network's embedding."""
    import sqlite3

    import numpy as np

    with sqlite3.connect(home / "inventory.sqlite3") as db:
        rows = db.execute("SELECT sha256, predicted_label, colours, embedding FROM items").fetchall()
    return {h: (label, tuple(json.loads(colours)), np.frombuffer(embedding, np.float32))
            for h, label, colours, embedding in rows}


def changed(items: dict, reference: dict) -> dict:
    """The share of photos whose category or colours differ from the reference's, and how close the embeddings are."""
    import numpy as np

    shared = [h for h in items if h in reference]
    cosine = [float(a @ b / max(np.linalg.norm(a) * np.linalg.norm(b), 1e-12))
              for a, b in ((items[h][2], reference[h][2]) for h in shared)]
    return {"compared": len(shared),
            "category_changed_share": round(sum(items[h][0] != reference[h][0] for h in shared) / len(shared), 4),
            "colours_changed_share": round(sum(items[h][1] != reference[h][1] for h in shared) / len(shared), 4),
            "colour_set_changed_share": round(sum(set(items[h][1]) != set(reference[h][1]) for h in shared)
                                              / len(shared), 4),
            "embedding_cosine_median": round(statistics.median(cosine), 4),
            "embedding_cosine_min": round(min(cosine), 4)}


def one_round(code: Path, sets: dict[str, list[Path]], big: list[Path], scratch: Path, colds: int) -> dict:
    figures: dict = {}
    model = json.loads((code / "model" / "photo" / "card.json").read_text())["artifacts"]["litert"]["file"]
    for name, photos in sets.items():
        for draft in ("whole", "draft"):
            _, _, out = run([sys.executable, "-c", BARE, str(code / "model" / "photo" / model), draft, *map(str, photos)],
                            code)
            figures[f"bare_{draft}_{name}_ms"] = json.loads(out)["cpu_s"] / len(photos) * 1000
        home = scratch / f"add-{name}"
        wall, cpu, _ = wardrobe(code, home, "add", *map(str, photos))
        figures[f"add_{name}_ms"] = cpu / len(photos) * 1000
        figures[f"add_{name}_photos_per_s"] = len(photos) / wall
        figures[f"add_{name}_wall_s"] = wall
        figures[f"items_{name}"] = items_by_hash(home)
        shutil.rmtree(home, ignore_errors=True)
    cold = [wardrobe(code, scratch / f"cold{i}", "add", str(sets["validation"][i]))[:2] for i in range(colds)]
    figures["cold_add_s"] = statistics.median(w for w, _ in cold)
    figures["cold_add_cpu_s"] = statistics.median(c for _, c in cold)
    _, _, out = run([sys.executable, "-c", WARM, str(scratch / "warm"), str(sets["validation"][-1]), *map(str, big)], code)
    warm = json.loads(out)
    figures["phone_jpeg_ms"] = statistics.median(r["wall_s"] for r in warm) * 1000
    figures["phone_jpeg_cpu_ms"] = statistics.median(r["cpu_s"] for r in warm) * 1000
    for path in scratch.iterdir():
        if path.name.startswith(("cold", "warm")):
            shutil.rmtree(path, ignore_errors=True)
    return figures


def accuracy(code: Path, scratch: Path) -> dict:
    _, _, out = wardrobe(code, scratch / "evaluate", "evaluate", "--photos", str(PHOTOS / "validation"), "--json")
    report = json.loads(out)
    figures = {k: report[k] for k in ("slot_accuracy", "class_accuracy", "all_folders_accuracy")}
    # The 28x28 view decides no category now, but the paper's network still reads it: its own accuracy on the
    # closet photos (Fashion-MNIST's ten classes, the same folder rules) says whether the view got worse.
    _, _, out = run([sys.executable, "-c", PAPER, str(PHOTOS / "validation")], code)
    figures.update(json.loads(out))
    # 341 photos move these by a point or two for any change of the view; all of train/ too (3,409 photos):
    _, _, out = run([sys.executable, "-c", PAPER, str(PHOTOS / "validation"), str(PHOTOS / "train")], code)
    return {**figures, **{f"{k}_with_train": v for k, v in json.loads(out).items()}}


def categories(code: Path, scratch: Path) -> dict[str, int]:
    """Each validation photo's category as `wardrobe classify` gives it, by the photo's folder and name."""
    _, _, out = wardrobe(code, scratch / "classify", "classify", "--json", str(PHOTOS / "validation"))
    return {str(Path(r["path"]).relative_to(PHOTOS / "validation")): r["label"] for r in json.loads(out)}


def category_changes(found: dict[str, int], reference: dict[str, int]) -> dict[str, int]:
    """How the validation photos whose category changed were read: right or wrong for their folder, before and now."""
    sys.path.insert(0, str(REPO))
    from wardrobe.training.evaluate import folder_entry, load_mapping

    mapping = load_mapping(None)
    changes = {"changed": 0, "right_to_wrong": 0, "wrong_to_right": 0, "right_to_right": 0, "wrong_to_wrong": 0}
    for photo, label in found.items():
        if photo in reference and label != reference[photo]:
            classes = folder_entry(Path(photo).parts[0], mapping)["classes"]
            was, now = reference[photo] in classes, label in classes
            changes["changed"] += 1
            changes[f"{'right' if was else 'wrong'}_to_{'right' if now else 'wrong'}"] += 1
    return changes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", type=Path, action="append",
                        help="a code tree to measure (repeatable; default: this one); the first is the reference")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--extra", type=int, default=1315, help="train/ photos added to validation/ for the larger set")
    parser.add_argument("--colds", type=int, default=5, help="cold one-photo adds a round")
    parser.add_argument("--phone", type=int, default=5, help="12-megapixel JPEGs a round")
    parser.add_argument("--accuracy-only", action="store_true", help="only the accuracy figures (no timing)")
    parser.add_argument("--parts", action="store_true", help="only where a warm add of the larger set spends its CPU, "
                        "part by part (CPU ms per photo of the threads that ran each; the first --code only)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    codes = [c.resolve() for c in (args.code or [REPO])]
    sets = photo_sets(args.extra)
    scratch = Path(tempfile.mkdtemp(prefix="wardrobe-bench-add-"))
    if args.parts:
        larger = [str(p) for p in sets["larger"]]
        _, _, out = run([sys.executable, "-c", PARTS, str(sorted((PHOTOS / "extra").rglob("*.jpg"))[0]), *larger],
                        codes[0])
        print(json.dumps(json.loads(out), indent=2))
        shutil.rmtree(scratch, ignore_errors=True)
        return
    if args.accuracy_only:
        try:
            found = {code: categories(code, scratch / code.name) for code in codes}
            print(json.dumps({str(code): {**accuracy(code, scratch / code.name),
                                          **category_changes(found[code], found[codes[0]])} for code in codes}, indent=2))
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        return
    try:
        big = big_jpegs(scratch, sets["larger"][341:], args.phone)
        rounds: dict[Path, list[dict]] = {code: [] for code in codes}
        for _ in range(args.rounds):
            for code in codes:
                rounds[code].append(one_round(code, sets, big, scratch / code.name, args.colds))
        results = {}
        for code in codes:
            keys = [k for k in rounds[code][0] if not k.startswith("items")]
            summary = {k: round(statistics.median(r[k] for r in rounds[code]), 3) for k in keys}
            for name, photos in sets.items():
                # The same without the fixed start-up (imports, models, the home) that a one-photo add pays too.
                summary[f"add_{name}_after_startup_ms"] = round(
                    (summary[f"add_{name}_ms"] * len(photos) - summary["cold_add_cpu_s"] * 1000) / (len(photos) - 1), 3)
                summary[f"ratio_{name}"] = round(summary[f"add_{name}_ms"] / summary[f"bare_whole_{name}_ms"], 2)
                summary[f"ratio_after_startup_{name}"] = round(
                    summary[f"add_{name}_after_startup_ms"] / summary[f"bare_whole_{name}_ms"], 2)
                summary[f"ratio_to_draft_{name}"] = round(summary[f"add_{name}_ms"] / summary[f"bare_draft_{name}_ms"], 2)
                for key, value in changed(rounds[code][0][f"items_{name}"], rounds[codes[0]][0][f"items_{name}"]).items():
                    summary[f"{name}_{key}"] = value
            summary.update(accuracy(code, scratch / code.name))
            found = categories(code, scratch / code.name)
            reference_found = found if code == codes[0] else categories(codes[0], scratch / codes[0].name)
            summary.update({f"validation_{k}": v for k, v in category_changes(found, reference_found).items()})
            results[str(code)] = summary
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    out = {"photos": {k: len(v) for k, v in sets.items()}, "rounds": args.rounds, "goal_ratio": GOAL_RATIO,
           "results": results}
    if args.json:
        print(json.dumps(out, indent=2))
        return
    keys = list(next(iter(results.values())))
    print(f"{'figure':<34}" + "".join(f"{Path(c).name:>16}" for c in results))
    for key in keys:
        print(f"{key:<34}" + "".join(f"{r[key]:>16}" for r in results.values()))


if __name__ == "__main__":
    main()
