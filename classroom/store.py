"""Where a class lives: its questions, its teacher's secret (hashed), the questions revealed, the anonymous tally.

:class:`ClassStore` is the whole interface the pages use; :class:`~classroom.sqlite_store.SQLiteClassStore` is the
default implementation (one SQLite file beside the server, shared by its kernels). A deployment over several
machines implements the same methods on a server database and returns it from :func:`open_store`.

Everything a page passes in comes from a browser and is checked here again: an unknown class, a question not in the
class's set, an answer that is not a liability form, a malformed page id are refused with :class:`ClassError`
(``key`` names the reason, ``messages`` says it in both languages). Caps (:class:`Limits`): one answer per question
per page (a change replaces it), a most number of pages counted per class, a most number of live classes.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path

ENV_DB = "LL_CLASSROOM_DB"  # the SQLite file; `liability-lab serve` sets it for its kernels
APP_DIR = "platform-liability-lab"
DB_NAME = "classroom.sqlite3"

MESSAGES = {
    "unknown_class": {"zh": "没有这个班级代码（代码有误，或班级已过期）。",
                      "en": "There is no class with this code (the code is wrong, or the class has expired)."},
    "not_teacher": {"zh": "教师链接无效：教师视图只能用教师链接打开。",
                    "en": "The teacher's link is not valid: the teacher's view opens only with the teacher's link."},
    "unknown_item": {"zh": "这道题不在本班的题集中。", "en": "This question is not in the class's set."},
    "bad_answer": {"zh": "答案无效。", "en": "The answer is not valid."},
    "bad_page": {"zh": "页面标识无效。", "en": "The page id is not valid."},
    "class_full": {"zh": "本班已满（最多 {n} 个页面计入统计）：你的预测没有计入。",
                   "en": "The class is full (at most {n} pages are counted): your prediction was not counted."},
    "too_many_classes": {"zh": "服务器上的班级已达上限（{n} 个）：请稍后再试，或使用题集链接。",
                         "en": "The server holds as many classes as it may ({n}): try later, or use a set link."},
    "too_large": {"zh": "题集太大，无法保存为班级。", "en": "The set is too large to keep as a class."},
    "unavailable": {"zh": "班级数据暂时无法读写：请稍后再试。", "en": "The class's data cannot be read or written now: try again later."},
}


class ClassError(Exception):
    """A request the store refuses. ``key`` is one of :data:`MESSAGES`; ``messages`` holds {zh, en}."""

    def __init__(self, key: str, **params):
        self.key = key
        self.messages = {lang: text.format(**params) for lang, text in MESSAGES[key].items()}
        super().__init__(self.messages["en"])


@dataclass(frozen=True)
class Limits:
    max_pages_per_class: int = 200  # pages (kernels) whose answers count in one class
    max_classes: int = 1000  # live classes in one store
    class_ttl_s: float = 7 * 24 * 3600.0  # a class is removed this long after it was made
    max_set_bytes: int = 256 * 1024  # the set's JSON, as kept


@dataclass(frozen=True)
class NewClass:
    code: str  # for the students' link
    teacher_secret: str  # for the teacher's link; the store keeps only its hash


class ClassStore(ABC):
    """The storage of classes. Every method may raise :class:`ClassError`; none returns another class's data."""

    limits: Limits

    @abstractmethod
    def create_class(self, set_json: str, item_ids: list[str]) -> NewClass:
        """Keep a validated set (its JSON) with its question ids; a new class code and teacher's secret."""

    @abstractmethod
    def class_set(self, code: str) -> str:
        """The set's JSON of a class (anyone with the class code may read the questions)."""

    @abstractmethod
    def is_teacher(self, code: str, secret: str) -> bool:
        """Whether ``secret`` is the class's teacher's secret."""

    @abstractmethod
    def record(self, code: str, page: str, item_id: str, answer: str) -> None:
        """Count one page's answer to one question (replacing that page's earlier answer to it)."""

    @abstractmethod
    def tally(self, code: str, secret: str) -> dict[str, dict[str, int]]:
        """``{item id: {answer: count}}`` of a class; only for its teacher (ClassError ``not_teacher``)."""

    @abstractmethod
    def reveal(self, code: str, secret: str, item_id: str, revealed: bool = True) -> None:
        """The teacher reveals (or hides again) a question's answer to the class."""

    @abstractmethod
    def revealed(self, code: str) -> set[str]:
        """The questions of a class whose answer the teacher has revealed."""


def default_path() -> Path:
    """``$LL_CLASSROOM_DB``, else ``classroom.sqlite3`` in the user's data folder
    (``$XDG_DATA_HOME/platform-liability-lab``, by default ``~/.local/share/platform-liability-lab``)."""
    env = os.environ.get(ENV_DB, "").strip()
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME", "").strip()
    root = Path(base).expanduser() if base else Path.home() / ".local" / "share"
    return root / APP_DIR / DB_NAME


_STORES: dict = {}


def open_store(path=None) -> ClassStore:
    """The store of this server (one per path and process). ClassError ``unavailable`` if it cannot be opened."""
    from .sqlite_store import SQLiteClassStore

    key = str(Path(path) if path is not None else default_path())
    store = _STORES.get(key)
    if store is None:
        store = _STORES[key] = SQLiteClassStore(key)
    return store
