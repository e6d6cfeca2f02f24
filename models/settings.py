"""School settings: typed defaults and the one way to read them (rules never hard-code these)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from .base import db
from .school import Setting


@dataclass(frozen=True)
class SettingDef:
    key: str
    default: object
    kind: type
    label: str  # shown in the staff panel (Russian)


SETTINGS = [
    SettingDef("marks_deadline_days", 0, int, "Срок выставления отметок за урок, дней"),
    SettingDef("test_marks_deadline_days_1_5", 1, int, "Срок отметок за контрольные, 1–5 классы, дней"),
    SettingDef("test_marks_deadline_days_6_11", 3, int, "Срок отметок за контрольные, 6–11 классы, дней"),
    SettingDef("lesson_deadline_days", 0, int, "Срок записи темы урока, дней"),
    SettingDef("period_mark_deadline_days", 1, int, "Срок выставления итоговых отметок после периода, дней"),
    SettingDef("rounding_threshold", Decimal("0.5"), Decimal, "Дробная часть среднего, с которой округлять вверх"),
    SettingDef("min_marks_for_period", 3, int, "Минимум отметок для аттестации за период"),
    SettingDef("invite_code_days", 14, int, "Срок действия кода приглашения, дней"),
    SettingDef("session_idle_minutes", 60, int, "Завершать сеанс после бездействия, минут"),
    SettingDef("session_absolute_hours", 12, int, "Максимальная длительность сеанса, часов"),
]
BY_KEY = {s.key: s for s in SETTINGS}


def get_setting(school_id: int, key: str):
    """The school's value of a setting, or its default."""
    definition = BY_KEY[key]
    raw = db.session.scalar(select(Setting.value).where(Setting.school_id == school_id, Setting.key == key))
    return definition.default if raw is None else definition.kind(raw)


def all_settings(school_id: int) -> dict[str, object]:
    rows = dict(db.session.execute(select(Setting.key, Setting.value).where(Setting.school_id == school_id)).all())
    return {s.key: s.kind(rows[s.key]) if s.key in rows else s.default for s in SETTINGS}
