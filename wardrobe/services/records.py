"""The JSON records every face gives: an item, a photo's prediction, an outfit (the CLI's --json and the web API)."""

from __future__ import annotations

from wardrobe.domain import CATEGORIES, SLOTS, Item, Prediction, item_name, kind_fits
from wardrobe.weather.warmth import warmth_of


def printable(text) -> str:
    """A name for JSON: valid Unicode (bytes of a file name that are not UTF-8 become \\xNN escapes)."""
    text = str(text)
    return text if text.isascii() or not any(0xD800 <= ord(c) <= 0xDFFF for c in text) else \
        "".join(f"\\x{ord(c) - 0xDC00:02x}" if 0xDC80 <= ord(c) <= 0xDCFF else c for c in text)


def attribute_fields(item: Item) -> dict:
    """What the piece is beyond its category, as the user tagged it or the app read it (None: unknown), and its name."""
    return {"name": item.name, "kind": item.kind, "pattern": item.pattern, "material": item.material,
            "colour": item.main_colour}


def item_record(item: Item) -> dict:
    return {
        "id": item.id, "label": item.label, "category": item.category, "slot": SLOTS[item.label],
        **attribute_fields(item), "tags": dict(item.user_attributes),
        "predicted_label": item.predicted_label, "predicted_category": CATEGORIES[item.predicted_label],
        "confidence": round(item.confidence, 4), "user_label": item.user_label, "unsure": item.unsure,
        "probabilities": [round(p, 4) for p in item.probabilities], "colours": item.colours,
        "state": item.state, "original_name": printable(item.original_name), "added_at": item.added_at.isoformat(),
        "photo": item.photo_path, "thumbnail": item.thumbnail_path,
        "conversion_version": item.conversion_version, "model_version": item.model_version, "sha256": item.sha256,
        "owner": item.owner, "warmth": item_warmth(item), "warmth_yours": item.warmth is not None,
    }


def item_warmth(item: Item) -> int:
    """How warm the piece is: the user's warmth, else its kind's (where it has one; a knit is warm), else its
    category's."""
    return warmth_of(item.label, getattr(item, "kind", None), item.warmth, getattr(item, "material", None))


def prediction_record(prediction: Prediction) -> dict:
    return {
        "label": prediction.label,
        "category": CATEGORIES[prediction.label],
        "slot": SLOTS[prediction.label],
        "confidence": round(prediction.confidence, 4),
        "unsure": prediction.unsure,
        "top": [{"label": i, "category": CATEGORIES[i], "slot": SLOTS[i], "probability": round(p, 4)}
                for i, p in prediction.top(3)],
    }


def photo_record(result, name: str) -> dict:
    """What became of one photo given to `add` or `classify` (a services.intake.PhotoResult)."""
    record: dict = {"path": printable(name)}
    if result.error:
        return {**record, "error": result.error}
    if result.duplicate_of is not None:
        return {**record, "id": result.duplicate_of, "duplicate": True}
    if result.item:
        record["id"] = result.item.id
    record.update(prediction_record(result.prediction))
    if result.item:
        record.update(attribute_fields(result.item), colours=result.colours)
    else:
        record.update(_read_fields(result.prediction.label, result.attributes, result.colours))
    return record


def _read_fields(label: int, attributes: dict, colours: list[str]) -> dict:
    """attribute_fields of a photo read but not stored (classify)."""
    kind = attributes.get("kind") if kind_fits(attributes.get("kind", ""), label) else None
    colour = attributes.get("colour") or (colours[0] if colours else None)
    pattern, material = attributes.get("pattern"), attributes.get("material")
    return {"name": item_name(label, kind, pattern, material, colour), "kind": kind, "pattern": pattern,
            "material": material, "colour": colour}


def piece_record(item: Item) -> dict:
    """A piece of an outfit: what a script needs to name it."""
    return {"id": item.id, "label": item.label, "category": item.category, "slot": SLOTS[item.label],
            **attribute_fields(item), "colours": item.colours}


def outfit_record(proposal) -> dict:
    """A proposed outfit (a services.stylist.OutfitProposal) with its pieces."""
    weather = getattr(proposal, "weather", None)
    return {"id": proposal.id, "probability": round(proposal.probability, 4), "explore": proposal.explore,
            "why": proposal.why, "occasion": getattr(proposal, "occasion", None),
            "weather": None if weather is None else {**weather.to_dict(), "said": weather.describe()},
            "lacking": list(getattr(proposal, "lacking", [])),
            "items": [piece_record(i) for i in proposal.items]}


def plan_record(planned) -> dict:
    """A day's plan (a services.planner.PlannedDay): the day, the outfit's id to rate it by, occasion, weather,
    its pieces (a piece removed since: {"id", "removed": true}); a plan just made adds probability, why and what the
    closet lacked for the weather."""
    record = {"date": planned.day.isoformat(), "outfit": planned.outfit_id, "occasion": planned.occasion,
              "weather": planned.weather,
              "items": [piece_record(item) if item is not None else {"id": item_id, "removed": True}
                        for item_id, item in zip(planned.item_ids, planned.items)]}
    if planned.proposal is not None:
        record.update(probability=round(planned.proposal.probability, 4), why=planned.proposal.why,
                      lacking=list(planned.proposal.lacking))
    return record
