"""jobs: the kind "control_report" — the coordinator's справка of the journal control is printed in the background
(issue 12: a district school's month, 56 pages, took 1.7–2.5 s in a request, past the 2 s a request may hold a web
worker)

Revision ID: 0012a
Revises: 0011d
Create Date: 2026-12-07 20:30:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0012a"
down_revision = "0011d"
branch_labels = None
depends_on = None

OLD = (
    "invite_register",
    "backup",
    "import",
    "journal_class_pdf",
    "email_digest",
    "year_seal",
    "report_cards",
    "year_rollover",
)
NEW = (*OLD, "control_report")


def _kinds(kinds) -> str:
    return "kind IN (" + ", ".join(f"'{k}'" for k in kinds) + ")"


def upgrade():
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_jobs_kind"), type_="check")
        batch_op.create_check_constraint("kind", _kinds(NEW))


def downgrade():
    op.execute("DELETE FROM jobs WHERE kind = 'control_report'")
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_jobs_kind"), type_="check")
        batch_op.create_check_constraint("kind", _kinds(OLD))
