"""mail: the school's SMTP settings (password encrypted) and each family account's e-mail choice per child,
with its delivery state (R21). Two new tables only; nothing existing changes.

Revision ID: 0009m
Revises: 0009k
Create Date: 2026-12-06 10:38:18.361167

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009m"
down_revision = "0009k"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "school_mail",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("port", sa.Integer(), nullable=False),
        sa.Column("security", sa.String(length=8), nullable=False),
        sa.Column("login", sa.String(length=255), nullable=True),
        sa.Column("password_secret", sa.Text(), nullable=True),
        sa.Column("sender", sa.String(length=255), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("test_status", sa.String(length=8), nullable=True),
        sa.Column("test_to", sa.String(length=255), nullable=True),
        sa.Column("test_error", sa.Text(), nullable=True),
        sa.Column("test_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("security IN ('starttls', 'ssl', 'none')", name=op.f("ck_school_mail_security")),
        sa.CheckConstraint(
            "test_status IS NULL OR test_status IN ('queued', 'sent', 'failed')",
            name=op.f("ck_school_mail_test_status"),
        ),
        sa.CheckConstraint("port >= 1 AND port <= 65535", name=op.f("ck_school_mail_port")),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name=op.f("fk_school_mail_school_id_schools"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_mail")),
        sa.UniqueConstraint("school_id", name=op.f("uq_school_mail_school_id")),
    )
    op.create_table(
        "mail_subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=8), server_default="none", nullable=False),
        sa.Column("digest_at", sa.Time(), nullable=True),
        sa.Column("sent_up_to", sa.DateTime(timezone=True), nullable=False),
        sa.Column("pending_up_to", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_try_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_status", sa.String(length=8), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "last_status IS NULL OR last_status IN ('sent', 'failed')", name=op.f("ck_mail_subscriptions_last_status")
        ),
        sa.CheckConstraint("mode <> 'digest' OR digest_at IS NOT NULL", name=op.f("ck_mail_subscriptions_digest_time")),
        sa.CheckConstraint("mode IN ('none', 'instant', 'digest')", name=op.f("ck_mail_subscriptions_mode")),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_mail_subscriptions_attempts")),
        sa.ForeignKeyConstraint(
            ["student_id"], ["students.id"], name=op.f("fk_mail_subscriptions_student_id_students"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_mail_subscriptions_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_subscriptions")),
        sa.UniqueConstraint("user_id", "student_id", name=op.f("uq_mail_subscriptions_user_id_student_id")),
    )
    with op.batch_alter_table("mail_subscriptions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mail_subscriptions_student_id"), ["student_id"], unique=False)


def downgrade():
    with op.batch_alter_table("mail_subscriptions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mail_subscriptions_student_id"))

    op.drop_table("mail_subscriptions")
    op.drop_table("school_mail")
