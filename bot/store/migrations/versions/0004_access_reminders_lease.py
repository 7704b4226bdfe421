"""access links, reminders sent, runner lease, access cancellation

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 04:15:00.000000
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "access_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_slug", _TEXT(length=100), nullable=False),
        sa.Column("email", _TEXT(length=320), nullable=False),
        sa.Column("url", _TEXT(length=2000), nullable=False),
        sa.Column("imported_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_slug", "email"),
    )
    op.create_index(op.f("ix_access_link_event_slug"), "access_link", ["event_slug"])
    op.create_table(
        "reminder_sent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_slug", _TEXT(length=100), nullable=False),
        sa.Column("government", _TEXT(length=64), nullable=False),
        sa.Column("day", _TEXT(length=10), nullable=False),
        sa.Column("sent_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_slug", "government", "day"),
    )
    op.create_index(op.f("ix_reminder_sent_event_slug"), "reminder_sent", ["event_slug"])
    op.create_table(
        "runner_lease",
        sa.Column("name", _TEXT(length=64), nullable=False),
        sa.Column("holder", _TEXT(length=200), nullable=False),
        sa.Column("acquired_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("access_cancelled_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.drop_column("access_cancelled_at")
    op.drop_table("runner_lease")
    op.drop_index(op.f("ix_reminder_sent_event_slug"), table_name="reminder_sent")
    op.drop_table("reminder_sent")
    op.drop_index(op.f("ix_access_link_event_slug"), table_name="access_link")
    op.drop_table("access_link")
