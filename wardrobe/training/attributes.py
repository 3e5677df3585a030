"""Fitting the attribute heads (kind, pattern, material, main colour) on photos labelled by looking.

Labels come from a CSV (data/attribute-labels.csv: photo, pattern, material, kind, colour, ...); kinds are also
taken from the finer folders of the closet photos (polo, hoodie, blazer, ...) where a folder names one kind.
Each head is a standardised logistic regression; its temperature and its "unknown" threshold are chosen on
cross-validated predictions of the photos labelled by looking (a folder's kind is easier than a closet's), so that
what it names is right at least SURE_PRECISION of the time. The photos it learns from over-represent some values
(extra/'s folders of polos and hoodies, a labelling round that sought rare patterns), so its intercepts are moved
from that mix to a closet's: the values of train/'s labelled photos, each weighted by its folder's size.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from wardrobe.domain import ATTRIBUTE_VALUES, KINDS, kind_fits
from wardrobe.vision.attributes import AttributeHead, AttributeHeads, colour_features
from wardrobe.vision.head import fit_temperature
from wardrobe.vision.photo import PhotoError, read_photo
from wardrobe.vision.views import read_closeup, read_views

# Folders whose every photo is one kind (extra/'s finer folders and some of the main ten).
FOLDER_KINDS = {
    "polo": "polo", "undershirt": "tank top", "body": "bodysuit", "hoodie": "hoodie", "blouse": "blouse",
    "blazer": "blazer", "t-shirt": "t-shirt", "shirt": "shirt", "shorts": "shorts", "skirt": "skirt",
    "dress": "dress", "hat": "hat",
}
INPUTS = {"kind": "photo", "pattern": "photo+closeup", "material": "photo", "colour": "colour"}
C = {"kind": 0.01, "pattern": 0.01, "material": 0.01, "colour": 0.03}
SURE_PRECISION = {"kind": 0.8, "pattern": 0.85, "material": 0.9, "colour": 0.7}
CLOSET_PRIOR = {"kind"}  # the heads whose intercepts move to a closet's mix of values
FOLDS = 5


@dataclass
class Inputs:
    """What the heads read of a set of photos, with the photo head's category for each."""

    photos: list[str]
    features: np.ndarray  # (N, F) photo network features
    closeups: np.ndarray  # (N, F) its features of the garment's close-up
    colours: np.ndarray  # (N, COLOUR_FEATURES)
    labels: np.ndarray  # (N,) the photo head's category


def read_labels(path: Path) -> dict[str, dict[str, str]]:
    """photo (relative to the photos root) -> {attribute: value}; values outside an attribute's names are dropped."""
    out: dict[str, dict[str, str]] = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            values = {a: row[a] for a in ATTRIBUTE_VALUES if row.get(a) in ATTRIBUTE_VALUES[a]}
            out[row["photo"]] = values
    return out


def photo_inputs(classifier, root: Path, photos: list[str], progress=None) -> Inputs:
    """Open each photo as `add` does and read it with the photo network (and head) and the colour statistics."""
    features, closeups, colours, labels, kept = [], [], [], [], []
    size = classifier.photo_size
    for photo in photos:
        try:
            data = read_photo(root / photo)
            views = read_views(data, size)  # decoded and viewed as `add` does
            close = read_closeup(data, views, size)
        except PhotoError:
            continue
        reading = classifier.read(views.converted.pixels[None], views.framed[None])
        features.append(reading.features[0])
        closeups.append(classifier.photo_outputs(close[None])[0][0])
        labels.append(int(np.argmax(reading.probabilities[0])))
        colours.append(colour_features(views.converted.work, views.converted.mask))
        kept.append(photo)
        if progress:
            progress(1)
    return Inputs(kept, np.array(features, np.float32), np.array(closeups, np.float32), np.array(colours, np.float32),
                  np.array(labels))


def stacked(inputs: Inputs, which: str) -> np.ndarray:
    """The columns a head reads ("photo+closeup" -> features and close-up features side by side)."""
    parts = {"photo": inputs.features, "closeup": inputs.closeups, "colour": inputs.colours}
    return np.hstack([parts[name] for name in which.split("+")])


def targets(photos: list[str], labels: dict[str, dict[str, str]], attribute: str) -> list[str | None]:
    """Each photo's value of an attribute: its label, else (for kind) its folder's kind, else None."""
    out = []
    for photo in photos:
        value = labels.get(photo, {}).get(attribute)
        if value is None and attribute == "kind":
            value = FOLDER_KINDS.get(Path(photo).parent.name)
        out.append(value)
    return out


def closet_prior(photos: list[str], labels: dict[str, dict[str, str]], attribute: str, classes: tuple[str, ...],
                 folder_sizes: dict[str, int]) -> np.ndarray | None:
    """The mix of an attribute's values in a closet: train/'s photos labelled by looking, each weighted by its
    folder's photos over its folder's labelled ones (the labels drew folders evenly, closets do not). None when
    no photo of a sized folder is labelled.

    Some labelled photos were chosen because a head thought them rare (data/README.md), so the mix within a folder
    leans a little to them; the kind mix estimated from round 1's random draws alone differs by at most 2 points a
    kind, and kind read on validation the same within noise (0.843 named at 19.9% unknown, 0.859 at 22.9%)."""
    by_folder: dict[str, list[str]] = {}
    for photo in photos:
        value = labels.get(photo, {}).get(attribute)
        folder = Path(photo).parent.as_posix()
        if value in classes and folder in folder_sizes:
            by_folder.setdefault(folder, []).append(value)
    if not by_folder:
        return None
    mix = np.ones(len(classes))  # one photo's worth of every value, so none is ruled out
    for folder, values in by_folder.items():
        for value in values:
            mix[classes.index(value)] += folder_sizes[folder] / len(values)
    return mix / mix.sum()


def _fit(x: np.ndarray, y: np.ndarray, n_classes: int, c: float):
    """A standardised logistic regression, rare values part of the way to equal say; with the mix of values its
    weighted fit saw (what a closet prior is moved from)."""
    from sklearn.linear_model import LogisticRegression

    mean, scale = x.mean(0), x.std(0)
    scale[scale < 1e-6] = 1.0
    counts = np.bincount(y, minlength=n_classes).astype(np.float64)
    weights = (len(y) / (max((counts > 0).sum(), 1) * counts[y])) ** 0.5
    model = LogisticRegression(C=c, max_iter=3000)
    model.fit((x - mean) / scale, y, sample_weight=weights)
    coef = np.zeros((n_classes, x.shape[1]), np.float32)
    intercept = np.full(n_classes, -30.0, np.float32)
    rows = model.coef_ if len(model.classes_) > 2 else np.vstack([-model.coef_[0] / 2, model.coef_[0] / 2])
    bias = model.intercept_ if len(model.classes_) > 2 else np.array([-model.intercept_[0] / 2, model.intercept_[0] / 2])
    coef[model.classes_], intercept[model.classes_] = rows, bias
    seen = np.bincount(y, weights=weights, minlength=n_classes)
    return mean, scale, coef, intercept, seen / seen.sum()


def _logits(fitted, x, prior=None):
    """The head's logits, moved from the mix of values it was fitted on to `prior` where one is given."""
    mean, scale, coef, intercept, seen = fitted
    return ((x - mean) / scale) @ coef.T + intercept + _shift(seen, prior)


def _shift(seen: np.ndarray, prior: np.ndarray | None) -> np.ndarray:
    if prior is None:
        return np.zeros_like(seen)
    return np.where(seen > 0, np.log(prior) - np.log(np.maximum(seen, 1e-12)), 0.0)


def sure_threshold(probs: np.ndarray, truth: np.ndarray, precision: float) -> float:
    """The least probability above which the head's answers are right at least `precision` of the time."""
    top, right = probs.max(1), probs.argmax(1) == truth
    for t in np.linspace(0.0, 0.95, 96):
        chosen = top >= t
        if chosen.sum() >= 10 and right[chosen].mean() >= precision:
            return float(t)
    return 0.95


def fit_attribute_head(x: np.ndarray, values: list[str | None], classes: tuple[str, ...], attribute: str,
                       inputs: str, category: np.ndarray | None = None, looked: np.ndarray | None = None,
                       prior: np.ndarray | None = None) -> tuple[AttributeHead, dict]:
    """One head: cross-validated temperature and 'unknown' threshold (on the photos labelled by looking, `looked`,
    where given), intercepts moved to `prior` where given, then a fit on every labelled photo."""
    index = {c: i for i, c in enumerate(classes)}
    keep = np.array([v in index for v in values])
    x, y = x[keep], np.array([index[v] for v in values if v in index])
    cats = category[keep] if category is not None else None
    judged = looked[keep] if looked is not None and looked[keep].sum() >= 2 * FOLDS else np.ones(len(y), bool)
    folds = np.arange(len(y)) % FOLDS
    logits = np.zeros((len(y), len(classes)), np.float32)
    for k in range(FOLDS):
        fitted = _fit(x[folds != k], y[folds != k], len(classes), C[attribute])
        logits[folds == k] = _logits(fitted, x[folds == k], prior)
    t = fit_temperature(logits[judged], y[judged])
    z = logits / t
    probs = np.exp(z - z.max(1, keepdims=True))
    probs /= probs.sum(1, keepdims=True)
    if attribute == "kind" and cats is not None:
        probs = probs * np.array([[kind_fits(k, int(c)) for k in classes] for c in cats])
    mean, scale, coef, intercept, seen = _fit(x, y, len(classes), C[attribute])
    probs, y = probs[judged], y[judged]
    sure = sure_threshold(probs, y, SURE_PRECISION[attribute])
    head = AttributeHead(classes, inputs, mean, scale, coef / t, (intercept + _shift(seen, prior)) / t, sure)
    named = probs.max(1) >= sure
    report = {"photos": int(keep.sum()), "judged_on": int(len(y)), "temperature": round(t, 3),
              "sure": round(sure, 3), "closet_prior": prior is not None,
              "cv_accuracy": round(float((probs.argmax(1) == y).mean()), 4),
              "cv_unknown": round(float(1 - named.mean()), 4),
              "cv_error_named": round(float((probs.argmax(1) != y)[named].mean()) if named.any() else 0.0, 4)}
    return head, report


def fit_attribute_heads(inputs: Inputs, labels: dict[str, dict[str, str]], network: str,
                        folder_sizes: dict[str, int] | None = None) -> tuple[AttributeHeads, dict]:
    """Every attribute's head; folder_sizes (folder -> its photos, e.g. train/'s) give the closet prior."""
    heads, reports = {}, {}
    for attribute, classes in ATTRIBUTE_VALUES.items():
        values = targets(inputs.photos, labels, attribute)
        x = stacked(inputs, INPUTS[attribute])
        used = tuple(c for c in classes if c in set(values)) if attribute == "kind" else classes
        present = [v for v in values if v in used]
        if len(set(present)) < 2 or len(present) < 2 * FOLDS:
            reports[attribute] = {"photos": len(present), "skipped": "fewer than two values, or ten photos, labelled"}
            continue
        looked = np.array([attribute in labels.get(p, {}) for p in inputs.photos])
        prior = closet_prior(inputs.photos, labels, attribute, used, folder_sizes or {}) \
            if attribute in CLOSET_PRIOR else None
        heads[attribute], reports[attribute] = fit_attribute_head(x, values, used, attribute, INPUTS[attribute],
                                                                  inputs.labels, looked, prior)
    return AttributeHeads(heads, network, {"reports": reports, "kinds": list(KINDS)}), reports


def folder_sizes(root: Path, split: str = "train") -> dict[str, int]:
    """split's folders (as photo paths name them) -> their photos: the closet mix the priors are estimated on."""
    base = root / split
    if not base.is_dir():
        return {}
    return {f"{split}/{d.name}": sum(1 for _ in d.glob("*.jpg")) for d in sorted(base.iterdir()) if d.is_dir()}


def labelled_for_training(root: Path, labels: dict[str, dict[str, str]]) -> list[str]:
    """Photos to learn from: every labelled one outside validation/ (kept to measure on), every photo of extra/, and
    every photo of train/'s folders that name one kind (t-shirt, shirt, dress, shorts, skirt, hat)."""
    chosen = {p for p in labels if not p.startswith("validation/") and (root / p).is_file()}
    for split, every in (("extra", True), ("train", False)):
        if (root / split).is_dir():
            chosen |= {str(p.relative_to(root)) for p in (root / split).rglob("*.jpg")
                       if every or p.parent.name in FOLDER_KINDS}
    return sorted(chosen)


def fit_shipped_attributes(photo_dir: Path, model_dir: Path, root: Path, labels_csv: Path, progress=None) -> dict:
    """Fit the attribute heads on labelled photos under root and publish them beside the photo network."""
    from wardrobe.vision import card as cards
    from wardrobe.vision.classifier import Classifier

    labels = read_labels(labels_csv)
    photos = labelled_for_training(root, labels)
    if not photos:
        raise ValueError(f"{labels_csv}: none of its photos is under {root} (outside validation/)")
    classifier = Classifier(model_dir, photo_dir)
    inputs = photo_inputs(classifier, root, photos, progress)
    heads, reports = fit_attribute_heads(inputs, labels, classifier.network, folder_sizes(root))
    heads.info = {**heads.info, "labels": labels_csv.name, "photos": len(inputs.photos)}
    staged = Path(photo_dir) / ".staged-attributes.npz"
    heads.save(staged)
    card = cards.read_card(photo_dir)
    card["artifacts"]["attributes"] = {
        "format": "npz: calibrated linear heads for kind, pattern, material (photo and close-up features) and main "
                  "colour (colour statistics of the garment)",
        "network": classifier.network, "labels": labels_csv.name, "photos": len(inputs.photos), "heads": reports}
    cards.publish(Path(photo_dir), {"attributes": staged}, card)
    return {"photos": len(inputs.photos), "heads": reports, "model": str(photo_dir)}


def _same(attribute: str, truth: str, guess: str | None) -> bool:
    # Navy and blue count as one colour: labellers themselves split dark denim and dark blue both ways.
    return guess is not None and (truth == guess or (attribute == "colour" and {truth, guess} <= {"navy", "blue"}))


def score_attributes(heads: AttributeHeads, inputs: Inputs, labels: dict[str, dict[str, str]]) -> dict:
    """Each attribute against the labels: unknown share, accuracy of what was named and of all (unknown counted
    wrong), the majority-value baseline, macro-F1 and recall per value; for colour also the first colour the app
    named before the heads (the garment's most common palette colour)."""
    from sklearn.metrics import f1_score

    from wardrobe.domain import PALETTE

    read = heads.read(inputs.features, inputs.closeups, inputs.colours, [int(v) for v in inputs.labels])
    report = {}
    for attribute, values in ATTRIBUTE_VALUES.items():
        pairs = [(labels[p][attribute], r.get(attribute)) for p, r in zip(inputs.photos, read)
                 if attribute in labels.get(p, {})]
        if not pairs:
            continue
        truth = [t for t, _ in pairs]
        named = [(t, g) for t, g in pairs if g is not None]
        majority = max(set(truth), key=truth.count)
        entry = {
            "photos": len(pairs), "unknown": round(1 - len(named) / len(pairs), 4),
            "accuracy_named": round(float(np.mean([_same(attribute, t, g) for t, g in named])), 4) if named else None,
            "accuracy_all": round(float(np.mean([_same(attribute, t, g) for t, g in pairs])), 4),
            "error_named": round(float(np.mean([not _same(attribute, t, g) for t, g in named])), 4) if named else None,
            "majority": majority, "majority_accuracy": round(truth.count(majority) / len(truth), 4),
            "macro_f1_all": round(float(f1_score(truth, [g or "unknown" for _, g in pairs], average="macro",
                                                 labels=sorted(set(truth)), zero_division=0)), 4),
            "recall": {v: round(float(np.mean([g == v for t, g in pairs if t == v])), 4)
                       for v in values if v in truth},
        }
        if attribute == "colour":
            names = list(PALETTE)
            before = [names[int(i)] for i in inputs.colours[:, : len(names)].argmax(1)]
            by_photo = dict(zip(inputs.photos, before))
            entry["first_named_colour_before"] = round(float(np.mean(
                [_same("colour", labels[p]["colour"], by_photo[p]) for p in inputs.photos
                 if "colour" in labels.get(p, {})])), 4)
        report[attribute] = entry
    return report


def evaluate_attribute_labels(classifier, folder: Path, labels_csv: Path, progress=None) -> dict:
    """The shipped (or the user's) attribute heads on the labelled photos that lie in folder."""
    if classifier.attribute_heads is None:
        raise ValueError("this photo network has no attribute heads; fit them with `wardrobe train-attributes`")
    labels = read_labels(labels_csv)
    root = folder.parent
    photos = [p for p in sorted(labels) if Path(p).parts[:1] == (folder.name,) and (root / p).is_file()]
    if not photos:
        raise ValueError(f"{labels_csv}: none of its photos lies in {folder} (paths are relative to its parent)")
    inputs = photo_inputs(classifier, root, photos, progress)
    return {"photos": len(inputs.photos), "labels": str(labels_csv), "heads": classifier.attributes_source,
            "attributes": score_attributes(classifier.attribute_heads, inputs, labels)}
