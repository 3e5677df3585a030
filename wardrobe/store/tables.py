"""SQLAlchemy table definitions of the inventory (the latest schema; migrations.py builds it step by step)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint, select
from sqlalchemy.orm import DeclarativeBase, Mapped, column_property, mapped_column


class Base(DeclarativeBase):
    pass


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime]


class ItemRow(Base):
    __tablename__ = "items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    photo_file: Mapped[str] = mapped_column(Text)
    thumbnail_file: Mapped[str] = mapped_column(Text)
    original_name: Mapped[str] = mapped_column(Text)
    added_at: Mapped[datetime]
    predicted_label: Mapped[int]
    probabilities: Mapped[list] = mapped_column(JSON)
    conversion_version: Mapped[str] = mapped_column(String(40))
    model_version: Mapped[str] = mapped_column(String(80))
    user_label: Mapped[int | None]
    # 8 KB per item: loaded only by the queries that ask for it (undefer), not by every listing.
    embedding: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    colours: Mapped[list] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(20), default="active")
    # The photo network's features (float16), kept so that a refit of the photo head needs no network pass.
    photo_features: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    # Whose it is: NULL means the household's (shared); owner is that user's name, read with the row.
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # Kind, pattern, material and main colour as the heads read them, and as the user tagged them (wins).
    attributes: Mapped[dict | None] = mapped_column(JSON)
    user_attributes: Mapped[dict | None] = mapped_column(JSON)
    # The close-up's features and the colour statistics (float16): attribute heads refit with no photo decoded.
    attribute_features: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    owner: Mapped[str | None] = column_property(select(UserRow.name).where(UserRow.id == owner_id).scalar_subquery())
    warmth: Mapped[int | None]  # 0 (for the heat) to 3 (for the cold) as the user said; NULL: the default (weather.warmth)


class CorrectionRow(Base):
    """Every label a user gave an item (relabel, add --label): the material for personal adaptation."""

    __tablename__ = "corrections"
    __table_args__ = (UniqueConstraint("item_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    label: Mapped[int]
    source: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime]


class OutfitRow(Base):
    """An outfit as it was proposed to a user (ratings point at it)."""

    __tablename__ = "outfits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    item_ids: Mapped[list] = mapped_column(JSON)
    key: Mapped[str] = mapped_column(Text)
    score: Mapped[float]
    explore: Mapped[bool] = mapped_column(Boolean, default=False)
    proposed_at: Mapped[datetime]
    occasion: Mapped[str | None] = mapped_column(String(100))  # what it was proposed for: "work", "weekend"...
    weather: Mapped[dict | None] = mapped_column(JSON)  # the weather it was proposed for (Weather.to_dict())


class RatingRow(Base):
    """One user's like (1) or dislike (-1) of an outfit; rating it again replaces the earlier one."""

    __tablename__ = "ratings"
    __table_args__ = (Index("ux_ratings_user_outfit", "user_id", "outfit_id", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    outfit_id: Mapped[int] = mapped_column(ForeignKey("outfits.id", ondelete="CASCADE"))
    value: Mapped[int]
    created_at: Mapped[datetime]


class WearRow(Base):
    __tablename__ = "wears"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    worn_at: Mapped[datetime]


class PreferenceModelRow(Base):
    """A user's learned taste as plain numbers (JSON), never a pickle."""

    __tablename__ = "preference_models"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    params: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[datetime]


class PairingCodeRow(Base):
    """A one-time code that pairs one phone for one user, until it expires (only its sha256 is kept)."""

    __tablename__ = "pairing_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class DeviceRow(Base):
    """A paired phone (or browser): its session token's sha256, whose it is, and whether it was revoked."""

    __tablename__ = "devices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class PlanRow(Base):
    """An outfit kept for one user's day to come (one per day), with the occasion and weather it was chosen for."""

    __tablename__ = "plans"
    __table_args__ = (Index("ux_plans_user_day", "user_id", "day", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    day: Mapped[date]
    item_ids: Mapped[list] = mapped_column(JSON)
    occasion: Mapped[str | None] = mapped_column(String(100))
    weather: Mapped[str | None] = mapped_column(Text)
    outfit_id: Mapped[int | None] = mapped_column(ForeignKey("outfits.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
