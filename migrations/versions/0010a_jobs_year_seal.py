"""jobs: the kind "year_seal" — archiving a year with its seal, sealing and verifying run as background jobs
(issues 18 and 12: the checksum of a district-size year takes 10–20 s, too long for a web request)

Revision ID: 0010a
Revises: 0009y
Create Date: 2026-12-06 12:30:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0010a"
down_revision = "0009y"
branch_labels = None
depends_on = None

OLD = ("invite_register", "backup", "import", "journal_class_pdf", "email_digest")
NEW = (*OLD, "year_seal")


def _kinds(kinds) -> str:
    return "kind IN (" + ", ".join(f"'{k}'" for k in kinds) + ")"


def upgrade():
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_jobs_kind"), type_="check")
        batch_op.create_check_constraint("kind", _kinds(NEW))


def downgrade():
    op.execute("DELETE FROM jobs WHERE kind = 'year_seal'")
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_jobs_kind"), type_="check")
        batch_op.create_check_constraint("kind", _kinds(OLD))
