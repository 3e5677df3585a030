"""The model card: what a trained model is, how it was made, and the hashes that prove its files are intact."""

from __future__ import annotations

import json
import os
from pathlib import Path

from wardrobe.files import atomic_write_text, sha256_file

CARD_NAME = "card.json"


class ModelError(Exception):
    """A model that is missing, tampered with or not ours; the message says how to restore it."""


def read_card(model_dir: Path, network: str = "paper") -> dict:
    """Read and sanity-check model_dir/card.json; `network` ("paper" or "photo") says which hint a failure gives."""
    card_path = Path(model_dir) / CARD_NAME
    if not card_path.is_file():
        raise ModelError(f"{card_path}: model card missing. {restore_hint(model_dir, network)}")
    try:
        card = json.loads(card_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"{card_path}: unreadable model card ({exc}). {restore_hint(model_dir, network)}") from exc
    if not isinstance(card, dict) or "artifacts" not in card:
        raise ModelError(f"{card_path}: not a wardrobe model card. {restore_hint(model_dir, network)}")
    problem = _artifacts_problem(card["artifacts"])
    if problem:
        raise ModelError(f"{card_path}: damaged model card ({problem}). {restore_hint(model_dir, network)}")
    return card


def _artifacts_problem(artifacts) -> str | None:
    """What is wrong with a card's artifacts table, or None: every entry names a plain file and its sha256."""
    if not isinstance(artifacts, dict) or not artifacts:
        return "its artifacts list is empty or not a table"
    for kind, entry in artifacts.items():
        if not isinstance(entry, dict):
            return f"artifact {kind!r} is not a table"
        name, digest = entry.get("file"), entry.get("sha256")
        if not isinstance(name, str) or not name or name != Path(name).name or name in (".", ".."):
            return f"artifact {kind!r} names no plain file in the model folder"
        if not isinstance(digest, str) or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            return f"artifact {kind!r} has no sha256"
    return None


def verified_artifact(model_dir: Path, kind: str = "litert", network: str = "paper") -> tuple[Path, dict]:
    """Return (path, card) for the card's artifact of this kind after checking its sha256, or raise ModelError."""
    model_dir = Path(model_dir)
    card = read_card(model_dir, network)
    entry = card["artifacts"].get(kind)
    if not entry:
        raise ModelError(f"{model_dir / CARD_NAME}: lists no {kind} artifact. {restore_hint(model_dir, network)}")
    path = model_dir / entry["file"]
    if not path.is_file():
        raise ModelError(f"{path}: model file missing. {restore_hint(model_dir, network)}")
    actual = sha256_file(path)
    if actual != entry["sha256"]:
        raise ModelError(
            f"{path}: model file does not match its card (sha256 {actual[:12]}... expected "
            f"{entry['sha256'][:12]}...); it is damaged or was changed. {restore_hint(model_dir, network)}"
        )
    return path, card


def restore_hint(model_dir: Path, network: str = "paper") -> str:
    """What to do about a model folder that cannot be used: it depends on what the folder is and which network
    ("paper": the ResNet-50 of --model; "photo": the photo network and head of --photo-model) it should hold."""
    from wardrobe import config

    model_dir = Path(model_dir)
    photo = network == "photo"
    shipped = {(p / "photo" if photo else p).resolve() for p in config.shipped_model_dirs()}
    if model_dir.resolve() in shipped:
        where = "`git checkout -- model/` in a clone" if (model_dir / ("../.." if photo else "..") / ".git").exists() \
            else "reinstall wardrobe"
        return f"Restore the shipped model ({where})" + (
            ", or build the photo network again with `wardrobe photo-network` and `wardrobe train-head`." if photo
            else ", or train a new one with `wardrobe train`.")
    if photo:
        if not (model_dir / CARD_NAME).exists():
            return (f"{model_dir} holds no photo network: point --photo-model (or WARDROBE_PHOTO_MODEL) at a folder made "
                    "by `wardrobe photo-network --out DIR` and `wardrobe train-head`, or leave it out to use the "
                    "shipped photo network.")
        return (f"Build the photo network again into {model_dir} (`wardrobe photo-network --out {model_dir}`, then "
                "`wardrobe train-head`), or leave --photo-model out to use the shipped photo network.")
    if not (model_dir / CARD_NAME).exists():
        return (f"{model_dir} holds no wardrobe model: point --model (or WARDROBE_MODEL) at a folder made by "
                "`wardrobe train`, or leave it out to use the shipped model.")
    return (f"Publish the model again into {model_dir} (`wardrobe train --export-only --out {model_dir}`), "
            "or leave --model out to use the shipped model.")


def publish(model_dir: Path, staged: dict[str, Path], card: dict) -> dict:
    """Move finished artifacts into model_dir under content-named files, then switch the card to them atomically.

    The files are renamed first and the card replaced last, so a crash at any point leaves the old
    card pointing at its old, intact files. Files no card mentions any more are removed afterwards.
    """
    model_dir = Path(model_dir)
    model_dir.mkdir(parents=True, exist_ok=True)
    name = card.get("name", "model")
    artifacts = dict(card.get("artifacts", {}))
    for kind, path in staged.items():
        digest = sha256_file(path)
        final = model_dir / f"{name}-{kind}-{digest[:12]}{''.join(Path(path).suffixes)}"
        os.replace(path, final)
        artifacts[kind] = {**artifacts.get(kind, {}), "file": final.name, "sha256": digest,
                           "bytes": final.stat().st_size}
    card = {**card, "artifacts": artifacts}
    atomic_write_text(model_dir / CARD_NAME, json.dumps(card, indent=2) + "\n")
    keep = {entry["file"] for entry in artifacts.values()} | {CARD_NAME}
    for old in model_dir.glob(f"{name}-*"):
        if old.name not in keep:
            old.unlink(missing_ok=True)
    return read_card(model_dir)
