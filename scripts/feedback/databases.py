"""Which storage a command opens: PostgreSQL for a ``postgresql://`` URL, else an SQLite file.

Kept apart from ``storage`` (SQLite) and ``postgres`` (which builds on ``storage``), so that neither imports
the other back, and so that SQLite users never import psycopg.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from . import default_db
from .storage import SQLiteStorage, Storage, StorageError


def open_storage(db: str | Path | None = None, database_url: str | None = None) -> Storage:
    """PostgreSQL when a ``postgresql://`` URL is given, else the SQLite file ``db`` (default: ``default_db()``)."""
    if database_url:
        if urlsplit(database_url).scheme not in ("postgresql", "postgres"):
            raise StorageError("--database-url must start with postgresql:// (for SQLite, use --db PATH)")
        from .postgres import PostgresStorage   # only when asked for: it needs psycopg
        return PostgresStorage(database_url)
    return SQLiteStorage(db or default_db())
