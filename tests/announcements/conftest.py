"""Announcements and surveys of the small world (tests/world.py) at a fixed moment."""

from __future__ import annotations

import datetime as dt

import pytest

import models.base
from models.access import Actor
from models.announcements.board import AnnouncementDraft, save_announcement
from models.announcements.surveys import SurveyDraft, add_question, save_survey
from models.announcements.window import Target

NOW = dt.datetime(2026, 9, 8, 8, 0, tzinfo=dt.UTC)


@pytest.fixture()
def now(monkeypatch):
    monkeypatch.setattr(models.base, "clock", lambda: NOW)
    return NOW


def actor(world, name: str) -> Actor:
    return Actor.of(world.users[name])


def publish(world, by: str, title: str, *, audience="all", target=None, first=None, last=None, files=(), now=NOW):
    draft = AnnouncementDraft(title, f"Текст: {title}", audience, target or Target(), first, last, list(files))
    return save_announcement(actor(world, by), None, draft, now=now)


def survey(world, by: str = "operator", *, target=None, audience="parents", per_family=False, anonymous=False):
    draft = SurveyDraft("Питание в столовой", "", audience, target or Target(), per_family, anonymous, None, None)
    row = save_survey(actor(world, by), None, draft, now=NOW)
    a = actor(world, by)
    add_question(a, row.id, text="Довольны ли вы меню?", kind="single", options="Да\nНет\nЗатрудняюсь", required=True)
    add_question(a, row.id, text="Что добавить?", kind="multiple", options="Фрукты\nСупы\nВыпечку", required=False)
    add_question(a, row.id, text="Оцените качество", kind="scale", options=None, required=True)
    add_question(a, row.id, text="Пожелания", kind="text", options=None, required=False)
    return row
