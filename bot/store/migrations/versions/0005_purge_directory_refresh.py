"""retention purge records, directory refresh runs

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 08:00:00.000000
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "purge_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_slug", _TEXT(length=100), nullable=False),
        sa.Column("purged_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_purge_record_event_slug"), "purge_record", ["event_slug"])
    op.create_table(
        "directory_refresh",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("outcome", _TEXT(length=16), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("removed", sa.Integer(), nullable=False),
        sa.Column("error", _TEXT(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("directory_refresh")
    op.drop_index(op.f("ix_purge_record_event_slug"), table_name="purge_record")
    op.drop_table("purge_record")
