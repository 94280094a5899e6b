"""Numbered, re-runnable SQL migrations (migrations/NNN_name.sql), applied in order and recorded in a table.

Each file runs in its own transaction under an advisory lock, so two processes starting together
(API and worker, or two test sessions on one database) never apply the same file twice.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import psycopg

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"
_FILE_RE = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")
_LOCK_KEY = 0x6D6F7A72  # "mozr": one advisory lock for all migrators of this schema


def migration_files(directory: Path = MIGRATIONS_DIR) -> list[Path]:
    files = [p for p in directory.iterdir() if _FILE_RE.match(p.name)]
    files.sort(key=lambda p: p.name)
    numbers = [p.name[:3] for p in files]
    if len(set(numbers)) != len(numbers):
        raise RuntimeError(f"two migrations share a number in {directory}")
    return files


async def apply_migrations(database_url: str, directory: Path = MIGRATIONS_DIR) -> list[str]:
    """Apply every migration not yet recorded; return the names applied now."""
    applied_now: list[str] = []
    async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as conn:
        await conn.execute("SELECT pg_advisory_lock(%s)", (_LOCK_KEY,))
        try:
            await conn.execute(
                """CREATE TABLE IF NOT EXISTS schema_migrations (
                       name text PRIMARY KEY,
                       checksum text NOT NULL,
                       applied_at timestamptz NOT NULL DEFAULT now())"""
            )
            cur = await conn.execute("SELECT name, checksum FROM schema_migrations")
            done = {name: checksum for name, checksum in await cur.fetchall()}
            for path in migration_files(directory):
                sql = path.read_text()
                checksum = hashlib.sha256(sql.encode()).hexdigest()
                if path.name in done:
                    if done[path.name] != checksum:
                        raise RuntimeError(f"migration {path.name} changed after it was applied; add a new file")
                    continue
                async with conn.transaction():
                    await conn.execute(sql.encode())
                    await conn.execute(
                        "INSERT INTO schema_migrations (name, checksum) VALUES (%s, %s)", (path.name, checksum)
                    )
                applied_now.append(path.name)
        finally:
            await conn.execute("SELECT pg_advisory_unlock(%s)", (_LOCK_KEY,))
    return applied_now
