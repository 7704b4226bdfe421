"""failed attempts at a message, so that a poison message is set aside after the last

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 12:00:00.000000
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_TEXT = sqlmodel.sql.sqltypes.AutoString
_TIME = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "message_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mailbox", _TEXT(length=500), nullable=False),
        sa.Column("dedupe_key", _TEXT(length=64), nullable=False),
        sa.Column("source_key", _TEXT(length=500), nullable=True),
        sa.Column("uidvalidity", sa.Integer(), nullable=True),
        sa.Column("uid", sa.Integer(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("first_failed_at", _TIME(), nullable=False),
        sa.Column("last_failed_at", _TIME(), nullable=False),
        sa.Column("last_error", _TEXT(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("mailbox", "dedupe_key"),
    )


def downgrade() -> None:
    op.drop_table("message_failure")
