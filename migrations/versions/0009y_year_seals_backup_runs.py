"""year_seals and backup_runs: the seal of an archived year (R33) and the log of the backups the system made,
verified and drilled (R34)

Revision ID: 0009y
Revises: 0009m
Create Date: 2026-12-06 11:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009y"
down_revision = "0009m"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "year_seals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year_id", sa.Integer(), nullable=False),
        sa.Column("sealed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sealed_by_id", sa.Integer(), nullable=True),
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.Column("counts_json", sa.Text(), nullable=False),
        sa.Column("digests", sa.LargeBinary(), nullable=False),
        sa.Column("broken_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("broken_by_id", sa.Integer(), nullable=True),
        sa.Column("broken_reason", sa.Text(), nullable=True),
        sa.CheckConstraint("length(checksum) = 64", name=op.f("ck_year_seals_checksum")),
        sa.CheckConstraint(
            "(broken_at IS NULL AND broken_reason IS NULL) OR (broken_at IS NOT NULL AND broken_reason IS NOT NULL)",
            name=op.f("ck_year_seals_broken"),
        ),
        sa.ForeignKeyConstraint(["year_id"], ["academic_years.id"], name=op.f("fk_year_seals_year_id_academic_years")),
        sa.ForeignKeyConstraint(["sealed_by_id"], ["users.id"], name=op.f("fk_year_seals_sealed_by_id_users")),
        sa.ForeignKeyConstraint(["broken_by_id"], ["users.id"], name=op.f("fk_year_seals_broken_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_year_seals")),
    )
    with op.batch_alter_table("year_seals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_year_seals_year_id"), ["year_id"], unique=False)

    op.create_table(
        "backup_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trigger", sa.String(length=10), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("file_name", sa.String(length=255), nullable=True),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("drilled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("drill_ok", sa.Boolean(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("trigger IN ('schedule', 'manual', 'cli')", name=op.f("ck_backup_runs_trigger")),
        sa.CheckConstraint("size_bytes >= 0", name=op.f("ck_backup_runs_size")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_backup_runs")),
    )
    with op.batch_alter_table("backup_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_backup_runs_started_at"), ["started_at"], unique=False)


def downgrade():
    with op.batch_alter_table("backup_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_backup_runs_started_at"))
    op.drop_table("backup_runs")
    with op.batch_alter_table("year_seals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_year_seals_year_id"))
    op.drop_table("year_seals")
