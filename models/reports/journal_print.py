"""The journal page of one teaching assignment and period laid out like the paper class journal, for printing
(R32): the left-hand page — students down, the recorded lessons' dates across (in blocks that fit a landscape
A4 sheet) with each cell's marks and absences and the period mark after the last block — and the right-hand
page — each lesson's date, topic, kind of work and homework. Only lessons up to the day of printing count as
given; lessons recorded ahead are listed apart as planned. Built from ``models.journal.page.journal_page`` (the same
access and the same cells as the screen) plus one query for the period marks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from models.access import Actor
from models.base import db
from models.finals.proposals import mark_kind
from models.journal.page import JournalColumn, JournalPage, journal_page
from models.tables.finals import PeriodMark

COLUMNS_PER_BLOCK = 24  # lesson columns of one landscape A4 table next to the names


@dataclass
class PrintBlock:
    columns: list[JournalColumn]
    rows: list[tuple[int, int, str, list[str]]]  # number, student id, name, the cells' text
    last: bool


@dataclass
class JournalPrint:
    page: JournalPage
    blocks: list[PrintBlock]
    period_marks: dict[int, str]  # student id → the period mark set

    @property
    def lessons(self) -> list[JournalColumn]:
        """The lessons given up to the day of printing: the grid's columns and "Что пройдено на уроке"."""
        return [c for c in self.page.columns if c.lesson is not None and c.date <= self.page.today]

    @property
    def planned(self) -> list[JournalColumn]:
        """Lessons recorded ahead (after the day of printing): listed apart as planned, not as given."""
        return [c for c in self.page.columns if c.lesson is not None and c.date > self.page.today]


def journal_print(actor: Actor, assignment_id: int, period_id: int | None, *, now: dt.datetime) -> JournalPrint:
    page = journal_page(actor, assignment_id, period_id, now=now)
    given = [i for i, c in enumerate(page.columns) if c.lesson is not None and c.date <= page.today]
    grid = page.rows()
    blocks = []
    for start in range(0, max(len(given), 1), COLUMNS_PER_BLOCK):
        chosen = given[start : start + COLUMNS_PER_BLOCK]
        rows = [
            (
                row.student.number,
                row.student.id,
                row.student.name,
                ["—" if row.cells[i].kind == "out" else row.cells[i].text for i in chosen],
            )
            for row in grid
        ]
        blocks.append(PrintBlock([page.columns[i] for i in chosen], rows, start + COLUMNS_PER_BLOCK >= len(given)))
    kind = mark_kind(page.period)
    marks = {
        pm.student_id: str(pm)
        for pm in db.session.scalars(
            select(PeriodMark).where(
                PeriodMark.subject_id == page.subject.id,
                PeriodMark.period_id == page.period.id,
                PeriodMark.kind == kind,
                PeriodMark.student_id.in_([s.id for s in page.students] or [0]),
            )
        )
    }
    return JournalPrint(page, blocks, marks)
