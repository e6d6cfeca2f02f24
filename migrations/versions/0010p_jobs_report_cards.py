"""jobs: the kind "report_cards" — a class's report cards or the parents' letters, one page a student, are built
in the background (issue 16: ~0.1–0.3 s a student, a class of 30 takes seconds)

Revision ID: 0010p
Revises: 0010c
Create Date: 2026-12-06 15:00:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0010p"
down_revision = "0010c"
branch_labels = None
depends_on = None

OLD = ("invite_register", "backup", "import", "journal_class_pdf", "email_digest", "year_seal")
NEW = (*OLD, "report_cards")


def _kinds(kinds) -> str:
    return "kind IN (" + ", ".join(f"'{k}'" for k in kinds) + ")"


def upgrade():
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_jobs_kind"), type_="check")
        batch_op.create_check_constraint("kind", _kinds(NEW))


def downgrade():
    op.execute("DELETE FROM jobs WHERE kind = 'report_cards'")
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_jobs_kind"), type_="check")
        batch_op.create_check_constraint("kind", _kinds(OLD))
