"""The session log's database fixtures (SQLite always, PostgreSQL when reachable), shared."""
from tests.spasm_aid.session_log.conftest import db_url, pg_database, sqlite_url  # noqa: F401
