"""form_submissions: one-time form tokens, so that a form submitted twice changes nothing twice

Revision ID: 0006c
Revises: 0006a
Create Date: 2026-12-06 08:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006c"
down_revision = "0006a"
branch_labels = None
depends_on = None


def upgrade():
    # A new table only: nothing to copy, no batch mode needed on SQLite.
    op.create_table(
        "form_submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("location", sa.String(length=1000), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_form_submissions")),
        sa.UniqueConstraint("token", name=op.f("uq_form_submissions_token")),
    )


def downgrade():
    op.drop_table("form_submissions")
