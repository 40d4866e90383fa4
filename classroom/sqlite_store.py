"""The default :class:`~classroom.store.ClassStore`: one SQLite file (standard library ``sqlite3``) beside the server.

Every kernel of the server opens the same file. Write-ahead logging lets the teacher's poll read while students
write; each write is one short ``BEGIN IMMEDIATE`` transaction, and a writer that finds the file locked waits
(``busy_timeout``) instead of failing: 40 kernels answering at once queue for a few milliseconds each.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from pathlib import Path

from casebook.engine import FORMS

from .codes import (new_class_code, new_teacher_secret, normal_class_code, secret_hash, secret_matches,
                    valid_page_id)
from .store import ClassError, ClassStore, Limits, NewClass

BUSY_TIMEOUT_MS = 30000
_ITEM = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")

SCHEMA = """
CREATE TABLE IF NOT EXISTS classes (code TEXT PRIMARY KEY, teacher_hash BLOB NOT NULL, set_json TEXT NOT NULL,
                                    created REAL NOT NULL);
CREATE TABLE IF NOT EXISTS items (code TEXT NOT NULL, item_id TEXT NOT NULL, revealed INTEGER NOT NULL DEFAULT 0,
                                  PRIMARY KEY (code, item_id));
CREATE TABLE IF NOT EXISTS pages (code TEXT NOT NULL, page TEXT NOT NULL, PRIMARY KEY (code, page));
CREATE TABLE IF NOT EXISTS answers (code TEXT NOT NULL, page TEXT NOT NULL, item_id TEXT NOT NULL,
                                    answer TEXT NOT NULL, PRIMARY KEY (code, page, item_id));
"""


class SQLiteClassStore(ClassStore):
    """A :class:`ClassStore` in the SQLite file at ``path`` (made, with its folder, if missing)."""

    def __init__(self, path, limits: Limits | None = None):
        self.path = Path(path)
        self.limits = limits or Limits()
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None

    # --- connection ---------------------------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        if self._conn is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                                       check_same_thread=False)
                conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.executescript("BEGIN IMMEDIATE;" + SCHEMA + "COMMIT;")
            except (sqlite3.Error, OSError):
                raise ClassError("unavailable") from None
            self._conn = conn
        return self._conn

    def journal_mode(self) -> str:
        with self._lock:
            return self._connect().execute("PRAGMA journal_mode").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def _run(self, work, write: bool):
        """``work(conn)`` in one transaction (IMMEDIATE for a write); a database failure is ClassError."""
        with self._lock:
            conn = self._connect()
            try:
                conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
                try:
                    result = work(conn)
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
                return result
            except sqlite3.Error:
                raise ClassError("unavailable") from None

    # --- checks -------------------------------------------------------------------------------------------------

    def _live(self, conn, code) -> tuple:
        norm = normal_class_code(code)
        row = None if norm is None else conn.execute(
            "SELECT teacher_hash, set_json, created FROM classes WHERE code = ?", (norm,)).fetchone()
        if row is None or row[2] < time.time() - self.limits.class_ttl_s:
            raise ClassError("unknown_class")
        return norm, row

    def _teacher(self, conn, code, secret) -> str:
        norm, row = self._live(conn, code)
        if not secret_matches(secret, row[0]):
            raise ClassError("not_teacher")
        return norm

    @staticmethod
    def _item(conn, code: str, item_id) -> str:
        if not isinstance(item_id, str) or not _ITEM.fullmatch(item_id) or conn.execute(
                "SELECT 1 FROM items WHERE code = ? AND item_id = ?", (code, item_id)).fetchone() is None:
            raise ClassError("unknown_item")
        return item_id

    # --- the interface ------------------------------------------------------------------------------------------

    def create_class(self, set_json: str, item_ids: list[str]) -> NewClass:
        if not isinstance(set_json, str) or len(set_json.encode("utf-8")) > self.limits.max_set_bytes:
            raise ClassError("too_large")
        ids = list(dict.fromkeys(item_ids))
        if not ids or not all(isinstance(i, str) and _ITEM.fullmatch(i) for i in ids):
            raise ClassError("unknown_item")
        secret = new_teacher_secret()

        def work(conn):
            cutoff = time.time() - self.limits.class_ttl_s
            expired = [r[0] for r in conn.execute("SELECT code FROM classes WHERE created < ?", (cutoff,))]
            for old in expired:
                for table in ("answers", "pages", "items", "classes"):
                    conn.execute(f"DELETE FROM {table} WHERE code = ?", (old,))
            n = conn.execute("SELECT COUNT(*) FROM classes").fetchone()[0]
            if n >= self.limits.max_classes:
                raise ClassError("too_many_classes", n=self.limits.max_classes)
            code = new_class_code()
            while conn.execute("SELECT 1 FROM classes WHERE code = ?", (code,)).fetchone():
                code = new_class_code()  # pragma: no cover - 60 random bits
            conn.execute("INSERT INTO classes (code, teacher_hash, set_json, created) VALUES (?, ?, ?, ?)",
                         (code, secret_hash(secret), set_json, time.time()))
            conn.executemany("INSERT INTO items (code, item_id) VALUES (?, ?)", [(code, i) for i in ids])
            return code

        return NewClass(code=self._run(work, write=True), teacher_secret=secret)

    def class_set(self, code: str) -> str:
        return self._run(lambda conn: self._live(conn, code)[1][1], write=False)

    def is_teacher(self, code: str, secret: str) -> bool:
        try:
            self._run(lambda conn: self._teacher(conn, code, secret), write=False)
        except ClassError as exc:
            if exc.key == "not_teacher":
                return False
            raise
        return True

    def record(self, code: str, page: str, item_id: str, answer: str) -> None:
        if not valid_page_id(page):
            raise ClassError("bad_page")
        if answer not in FORMS:
            raise ClassError("bad_answer")
        cap = self.limits.max_pages_per_class

        def work(conn):
            norm, _row = self._live(conn, code)
            self._item(conn, norm, item_id)
            if conn.execute("SELECT 1 FROM pages WHERE code = ? AND page = ?", (norm, page)).fetchone() is None:
                if conn.execute("SELECT COUNT(*) FROM pages WHERE code = ?", (norm,)).fetchone()[0] >= cap:
                    raise ClassError("class_full", n=cap)
                conn.execute("INSERT INTO pages (code, page) VALUES (?, ?)", (norm, page))
            conn.execute("INSERT INTO answers (code, page, item_id, answer) VALUES (?, ?, ?, ?) "
                         "ON CONFLICT (code, page, item_id) DO UPDATE SET answer = excluded.answer",
                         (norm, page, item_id, answer))

        self._run(work, write=True)

    def tally(self, code: str, secret: str) -> dict[str, dict[str, int]]:
        def work(conn):
            norm = self._teacher(conn, code, secret)
            out: dict = {r[0]: {} for r in conn.execute("SELECT item_id FROM items WHERE code = ?", (norm,))}
            for item_id, answer, n in conn.execute(
                    "SELECT item_id, answer, COUNT(*) FROM answers WHERE code = ? GROUP BY item_id, answer", (norm,)):
                out.setdefault(item_id, {})[answer] = n
            return out

        return self._run(work, write=False)

    def reveal(self, code: str, secret: str, item_id: str, revealed: bool = True) -> None:
        def work(conn):
            norm = self._teacher(conn, code, secret)
            self._item(conn, norm, item_id)
            conn.execute("UPDATE items SET revealed = ? WHERE code = ? AND item_id = ?",
                         (1 if revealed else 0, norm, item_id))

        self._run(work, write=True)

    def revealed(self, code: str) -> set[str]:
        def work(conn):
            norm, _row = self._live(conn, code)
            return {r[0] for r in conn.execute("SELECT item_id FROM items WHERE code = ? AND revealed = 1", (norm,))}

        return self._run(work, write=False)
