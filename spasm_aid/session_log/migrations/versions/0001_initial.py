"""sessions and turns

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sessions",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("sender_hash", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(64)),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True)),
        sa.Column("end_reason", sa.String(16)),
        sa.Column("final_triage", sa.String(16)),
        sa.Column("red_flag", sa.String(32)),
        sa.Column("topics", sa.Text, nullable=False, server_default=""),
        sa.Column("locale", sa.String(16)),
        sa.Column("turns", sa.Integer, nullable=False, server_default="0"),
        sa.Column("first_advice_turn", sa.Integer),
    )
    op.create_index("ix_sessions_sender_hash", "sessions", ["sender_hash"])
    op.create_table(
        "turns",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("session_id", sa.String(36), sa.ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("who", sa.String(8), nullable=False),
        sa.Column("intent", sa.String(64)),
        sa.Column("confidence", sa.Float),
        sa.Column("action", sa.String(64)),
        sa.Column("triage", sa.String(16)),
        sa.Column("text", sa.Text),
    )
    op.create_index("ix_turns_session_id", "turns", ["session_id"])


def downgrade() -> None:
    op.drop_index("ix_turns_session_id", "turns")
    op.drop_table("turns")
    op.drop_index("ix_sessions_sender_hash", "sessions")
    op.drop_table("sessions")
