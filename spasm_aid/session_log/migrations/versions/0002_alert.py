"""the household alert's outcome on the session row

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sessions") as batch:  # batch: SQLite cannot add columns otherwise in all cases
        batch.add_column(sa.Column("alert", sa.String(128)))


def downgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.drop_column("alert")
