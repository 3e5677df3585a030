"""The inventory's repository: reads and writes items, users and corrections, handing out domain objects."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker, undefer

from wardrobe.domain import Item, clean_attributes
from wardrobe.store import server
from wardrobe.store.database import open_engine, session_factory, writable
from wardrobe.store.dialects import ITEMS_LOCK, exclusive, insert_or_skip
from wardrobe.store.errors import BadDatabaseURL
from wardrobe.store.library import safe_relative
from wardrobe.store.tables import CorrectionRow, ItemRow, UserRow


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


@dataclass
class NewItem:
    """Everything needed to insert one item; built by the service before the transaction starts."""

    sha256: str
    photo_file: str
    thumbnail_file: str
    original_name: str
    predicted_label: int
    probabilities: list[float]
    conversion_version: str
    model_version: str
    embedding: bytes | None
    colours: list[str]
    user_label: int | None = None
    photo_features: bytes | None = None
    owner_id: int | None = None  # None: shared by the household
    attributes: dict = field(default_factory=dict)
    attribute_features: bytes | None = None


def item_from_row(row: ItemRow) -> Item:
    return Item(
        id=row.id, sha256=row.sha256, original_name=row.original_name, added_at=row.added_at,
        predicted_label=row.predicted_label, probabilities=list(row.probabilities),
        conversion_version=row.conversion_version, model_version=row.model_version,
        user_label=row.user_label, colours=list(row.colours or []),
        # A tampered path (outside the library) reaches no caller: it reads as no file at all.
        photo_path=safe_relative(row.photo_file), thumbnail_path=safe_relative(row.thumbnail_file), state=row.state,
        owner=row.owner, warmth=row.warmth, attributes=clean_attributes(row.attributes),
        user_attributes=clean_attributes(row.user_attributes),
    )


def _row_values(new: NewItem, now: datetime) -> dict:
    return dict(sha256=new.sha256, photo_file=new.photo_file, thumbnail_file=new.thumbnail_file,
                original_name=new.original_name, added_at=now, predicted_label=new.predicted_label,
                probabilities=new.probabilities, conversion_version=new.conversion_version,
                model_version=new.model_version, user_label=new.user_label, embedding=new.embedding,
                colours=new.colours, state="active", photo_features=new.photo_features, owner_id=new.owner_id,
                attributes=new.attributes, user_attributes={}, attribute_features=new.attribute_features)


def visible_to(user_id) -> sa.ColumnElement[bool]:
    """Items a user sees: their own and the household's (shared); only shared ones for a user not yet stored."""
    return sa.or_(ItemRow.owner_id.is_(None), ItemRow.owner_id == user_id)


class Inventory:
    """The inventory in a SQLite file (`path`) or on a PostgreSQL server (`url`). Every method is one short transaction."""

    def __init__(self, path: Path | None = None, read_only: bool | None = None, url: str | None = None):
        parsed = server.parse(url) if url is not None else None
        if parsed is not None and parsed.get_backend_name() == "sqlite":
            if not parsed.database or parsed.database == ":memory:":
                raise BadDatabaseURL("a sqlite:/// URL must name a file (sqlite:///PATH)")
            path, parsed = Path(parsed.database).expanduser(), None
        self.path = Path(path) if path is not None else None
        if parsed is not None:
            self.where, self.read_only = server.shown(parsed), False
            self.engine = server.open_server_engine(parsed)
        else:
            self.where = str(self.path)
            # A home this process cannot write is opened read-only: reading commands still work there.
            self.read_only = (self.path.exists() and not writable(self.path)) if read_only is None else read_only
            self.engine = open_engine(self.path, self.read_only)
        self.sessions: sessionmaker[Session] = session_factory(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    def missing_schema(self) -> list[str]:
        """The tables and columns of the schema that this inventory lacks (a table dropped by hand): [] when none."""
        from wardrobe.store.tables import Base

        inspector = sa.inspect(self.engine)
        present = set(inspector.get_table_names())
        missing = []
        for table in Base.metadata.sorted_tables:
            if table.name not in present:
                missing.append(f"table {table.name}")
                continue
            columns = {column["name"] for column in inspector.get_columns(table.name)}
            missing += [f"column {table.name}.{column.name}" for column in table.columns if column.name not in columns]
        return missing

    def existing_hashes(self, hashes: Iterable[str]) -> dict[str, int]:
        """Map each already-stored sha256 among `hashes` to its item id."""
        hashes = list(hashes)
        found: dict[str, int] = {}
        with self.sessions() as s:
            for start in range(0, len(hashes), 500):
                chunk = hashes[start : start + 500]
                found.update(s.execute(sa.select(ItemRow.sha256, ItemRow.id).where(ItemRow.sha256.in_(chunk))).all())
        return found

    def add_items(self, new_items: list[NewItem]) -> list[Item]:
        """Insert a batch of items (and their corrections) in one transaction: all or none.

        Photos stored meanwhile by another process are not inserted again: see add_new_items.
        """
        return [found for found in self.add_new_items(new_items) if isinstance(found, Item)]

    def add_new_items(self, new_items: list[NewItem]) -> list[Item | int]:
        """Insert a batch in one write transaction; for each photo, its new Item or the id already holding it.

        Batches take turns (BEGIN IMMEDIATE on SQLite, an advisory lock on a server: two batches inserting the
        same photos in different orders would otherwise wait for each other), and rows go in with ON CONFLICT
        (sha256) DO NOTHING: two `add`s of the same photos at once (two processes, two machines) cannot both
        insert one; the second finds the first's rows and reports them.
        """
        now = utcnow()
        unique: dict[str, NewItem] = {}
        for new in new_items:
            unique.setdefault(new.sha256, new)  # the first of twins in one batch
        values = [_row_values(new, now) for new in unique.values()]
        with self.sessions.begin() as s:
            exclusive(s, ITEMS_LOCK)
            inserted: dict[str, int] = {}
            if values:
                # The rows as parameters of one statement (compiled once, cached): a statement holding the values
                # themselves was compiled anew for every batch, a tenth of what storing a photo cost.
                statement = insert_or_skip(s, ItemRow, ["sha256"]).returning(ItemRow.sha256, ItemRow.id)
                inserted = dict(s.execute(statement, values).all())
            others = [sha for sha in unique if sha not in inserted]
            existing = dict(s.execute(sa.select(ItemRow.sha256, ItemRow.id).where(ItemRow.sha256.in_(others))).all()) \
                if others else {}
            s.add_all(CorrectionRow(item_id=inserted[sha], label=unique[sha].user_label, source="add", created_at=now)
                      for sha in sorted(inserted) if unique[sha].user_label is not None)
            items = {row.sha256: item_from_row(row) for row in s.scalars(sa.select(ItemRow).where(
                ItemRow.id.in_(list(inserted.values()))))} if inserted else {}
            return [items[new.sha256] if new.sha256 in items else existing[new.sha256] for new in new_items]

    def referenced_files(self, files: Iterable[str]) -> set[str]:
        """Which of these library paths some item refers to (as its photo or thumbnail)."""
        files = list(files)
        found: set[str] = set()
        with self.sessions() as s:
            for start in range(0, len(files), 400):
                chunk = files[start : start + 400]
                for photo, thumb in s.execute(sa.select(ItemRow.photo_file, ItemRow.thumbnail_file).where(
                        sa.or_(ItemRow.photo_file.in_(chunk), ItemRow.thumbnail_file.in_(chunk)))):
                    found.update((photo, thumb))
        return found & set(files)

    def stored_paths(self) -> dict[int, str]:
        """Each item's photo path exactly as stored (items hand out only paths inside the library)."""
        with self.sessions() as s:
            return dict(s.execute(sa.select(ItemRow.id, ItemRow.photo_file)).all())

    def get(self, item_id: int) -> Item | None:
        with self.sessions() as s:
            row = s.get(ItemRow, item_id)
            return item_from_row(row) if row else None

    def embedding(self, item_id: int) -> bytes | None:
        with self.sessions() as s:
            return s.scalar(sa.select(ItemRow.embedding).where(ItemRow.id == item_id))

    def by_ids(self, item_ids: Iterable[int]) -> dict[int, Item]:
        ids = sorted(set(item_ids))
        with self.sessions() as s:
            return {row.id: item_from_row(row) for row in s.scalars(sa.select(ItemRow).where(ItemRow.id.in_(ids)))}

    def with_embeddings(self, item_ids: Iterable[int]) -> list[tuple[Item, bytes | None]]:
        """The items with these ids (any state), each with its embedding blob."""
        ids = sorted(set(item_ids))
        found = []
        with self.sessions() as s:
            for start in range(0, len(ids), 500):
                rows = s.scalars(sa.select(ItemRow).where(ItemRow.id.in_(ids[start : start + 500]))
                                 .options(undefer(ItemRow.embedding)))
                found.extend((item_from_row(row), row.embedding) for row in rows)
        return found

    def list(self, label: int | None = None, state: str | None = None, for_user: str | None = None) -> list[Item]:
        """Items in id order; filtered by effective label (user's label, else prediction), state, and whose:
        `for_user` sees their own and the shared ones (everything when None)."""
        query = sa.select(ItemRow).order_by(ItemRow.id)
        if for_user is not None:
            query = query.where(visible_to(sa.select(UserRow.id).where(UserRow.name == for_user).scalar_subquery()))
        if label is not None:
            effective = sa.func.coalesce(ItemRow.user_label, ItemRow.predicted_label)
            query = query.where(effective == label)
        if state is not None:
            query = query.where(ItemRow.state == state)
        with self.sessions() as s:
            return [item_from_row(row) for row in s.scalars(query)]

    def photo_features(self, item_ids: Iterable[int] | None = None) -> list[tuple[Item, bytes | None]]:
        """Items (all, or these ids) with their stored photo features."""
        query = sa.select(ItemRow).order_by(ItemRow.id).options(undefer(ItemRow.photo_features))
        if item_ids is not None:
            query = query.where(ItemRow.id.in_(sorted(set(item_ids))))
        with self.sessions() as s:
            return [(item_from_row(row), row.photo_features) for row in s.scalars(query)]

    def attribute_inputs(self) -> list[tuple[Item, bytes | None, bytes | None]]:
        """Every item with its stored photo features and attribute features (close-up and colour statistics)."""
        query = sa.select(ItemRow).order_by(ItemRow.id).options(undefer(ItemRow.photo_features),
                                                                undefer(ItemRow.attribute_features))
        with self.sessions() as s:
            return [(item_from_row(row), row.photo_features, row.attribute_features) for row in s.scalars(query)]

    def update_attributes(self, values: list[tuple[int, dict, bytes | None]]) -> None:
        """What the heads read of items (and, where given, their newly read attribute features); one transaction."""
        with self.sessions.begin() as s:
            for item_id, attributes, blob in values:
                update = {"attributes": attributes} if blob is None else {"attributes": attributes,
                                                                          "attribute_features": blob}
                s.execute(sa.update(ItemRow).where(ItemRow.id == item_id).values(**update))

    def update_predictions(self, predictions: list[tuple[int, list[float], bytes | None, bytes | None]],
                           model_version: str) -> None:
        """New probabilities (and, where given, embeddings and photo features) for items; one transaction."""
        with self.sessions.begin() as s:
            for item_id, probabilities, embedding, features in predictions:
                values = {"probabilities": probabilities, "model_version": model_version,
                          "predicted_label": int(max(range(len(probabilities)), key=probabilities.__getitem__))}
                if embedding is not None:
                    values["embedding"] = embedding
                if features is not None:
                    values["photo_features"] = features
                s.execute(sa.update(ItemRow).where(ItemRow.id == item_id).values(**values))

    def relabel(self, item_id: int, label: int) -> Item | None:
        with self.sessions.begin() as s:
            row = s.get(ItemRow, item_id)
            if row is None:
                return None
            row.user_label = label
            s.add(CorrectionRow(item_id=item_id, label=label, source="relabel", created_at=utcnow()))
            s.flush()
            return item_from_row(row)

    def set_user_attributes(self, item_id: int, changes: dict[str, str | None]) -> Item | None:
        """Merge the user's tags into an item's (a value of None clears that tag); one transaction."""
        with self.sessions.begin() as s:
            row = s.get(ItemRow, item_id, with_for_update=True)
            if row is None:
                return None
            tags = clean_attributes(row.user_attributes)
            tags.update(changes)
            row.user_attributes = {a: v for a, v in tags.items() if v is not None}  # a new dict: JSON is not tracked
            s.flush()
            return item_from_row(row)

    def set_warmth(self, item_id: int, warmth: int | None) -> Item | None:
        """Set (or with None, clear) the warmth the user gives an item; None when there is no such item."""
        with self.sessions.begin() as s:
            row = s.get(ItemRow, item_id)
            if row is None:
                return None
            row.warmth = warmth
            s.flush()
            return item_from_row(row)

    def set_owner(self, item_ids: list[int], owner_id: int | None) -> list[Item]:
        """Give these items to a user, or share them (None); one transaction. Returns the items that exist."""
        with self.sessions.begin() as s:
            s.execute(sa.update(ItemRow).where(ItemRow.id.in_(item_ids)).values(owner_id=owner_id))
            return [item_from_row(row) for row in s.scalars(sa.select(ItemRow).where(ItemRow.id.in_(item_ids))
                                                           .order_by(ItemRow.id))]

    def remove(self, item_id: int) -> Item | None:
        with self.sessions.begin() as s:
            row = s.get(ItemRow, item_id)
            if row is None:
                return None
            item = item_from_row(row)
            s.delete(row)
            return item

    def corrections(self, item_id: int | None = None) -> list[tuple[int, int, str]]:
        query = sa.select(CorrectionRow.item_id, CorrectionRow.label, CorrectionRow.source).order_by(CorrectionRow.id)
        if item_id is not None:
            query = query.where(CorrectionRow.item_id == item_id)
        with self.sessions() as s:
            return [tuple(r) for r in s.execute(query).all()]

    def users(self) -> list[str]:
        with self.sessions() as s:
            return list(s.scalars(sa.select(UserRow.name).order_by(UserRow.id)))
