"""jurisdiction of a school (RU/KZ); periods named by the system keep no frozen Russian name; students' ИИН

A school's jurisdiction (Russia or Kazakhstan) gives its defaults (consent text, grading, identifiers).
A period's ``name`` becomes what the school typed, NULL for the system's name ("1 четверть"), which is
then shown in each reader's language (models.tables.school.period_title). The downgrade writes the
Russian names back. A student's ИИН (Kazakhstan), unique within the school, 12 characters (the digits and the
check digit are the domain's: models.identifiers).

Revision ID: 0009k
Revises: 0009f
Create Date: 2026-12-06 11:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009k"
down_revision = "0009f"
branch_labels = None
depends_on = None

# The system's Russian names as they were stored before this revision (models.tables.school.PERIOD_NAMES).
NAMES = {"quarter": "%s четверть", "trimester": "%s триместр", "half_year": "%s полугодие"}
YEAR_NAME = "Учебный год"

periods = sa.table(
    "periods",
    sa.column("id", sa.Integer),
    sa.column("scheme", sa.String),
    sa.column("number", sa.SmallInteger),
    sa.column("name", sa.String),
)


def upgrade():
    with op.batch_alter_table("schools", schema=None) as batch_op:
        batch_op.add_column(sa.Column("jurisdiction", sa.String(length=2), server_default="RU", nullable=False))
        batch_op.create_check_constraint(op.f("ck_schools_jurisdiction"), "jurisdiction IN ('RU', 'KZ')")
    with op.batch_alter_table("periods", schema=None) as batch_op:
        batch_op.alter_column("name", existing_type=sa.String(length=40), nullable=True)
    for scheme, pattern in NAMES.items():
        for number in range(1, 5):
            op.execute(
                periods.update()
                .where(periods.c.scheme == scheme, periods.c.number == number, periods.c.name == pattern % number)
                .values(name=None)
            )
    op.execute(periods.update().where(periods.c.scheme == "year", periods.c.name == YEAR_NAME).values(name=None))
    with op.batch_alter_table("students", schema=None) as batch_op:
        batch_op.add_column(sa.Column("iin", sa.String(length=12), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_students_school_id_iin"), ["school_id", "iin"])
        batch_op.create_check_constraint(op.f("ck_students_iin"), "iin IS NULL OR length(iin) = 12")


def downgrade():
    with op.batch_alter_table("students", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_students_iin"), type_="check")
        batch_op.drop_constraint(batch_op.f("uq_students_school_id_iin"), type_="unique")
        batch_op.drop_column("iin")
    op.execute(periods.update().where(periods.c.scheme == "year", periods.c.name.is_(None)).values(name=YEAR_NAME))
    for scheme, pattern in NAMES.items():
        for number in range(1, 5):
            op.execute(
                periods.update()
                .where(periods.c.scheme == scheme, periods.c.number == number, periods.c.name.is_(None))
                .values(name=pattern % number)
            )
    with op.batch_alter_table("periods", schema=None) as batch_op:
        batch_op.alter_column("name", existing_type=sa.String(length=40), nullable=False)
    with op.batch_alter_table("schools", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_schools_jurisdiction"), type_="check")
        batch_op.drop_column("jurisdiction")
