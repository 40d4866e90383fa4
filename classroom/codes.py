"""Class codes and teachers' secrets.

A class code is what students get (``?class=``): 12 characters of Crockford's base32 (no I, L, O, U), 60 random bits,
shown as ``XXXX-XXXX-XXXX``: short enough to read out, too many to guess (at a thousand guesses a second, finding one
of a thousand live classes takes about 36,000 years on average). A teacher's secret (``?teacher=``) is 128 random
bits; the store keeps only its SHA-256, and a secret is checked with :func:`hmac.compare_digest`.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base32
CODE_CHARS = 12
_CODE = re.compile(r"[0-9A-HJKMNP-TV-Z]{4}-?[0-9A-HJKMNP-TV-Z]{4}-?[0-9A-HJKMNP-TV-Z]{4}")
_SECRET = re.compile(r"[A-Za-z0-9_-]{22,64}")
_PAGE = re.compile(r"[A-Za-z0-9_-]{16,64}")


def new_class_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_CHARS))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normal_class_code(value) -> str | None:
    """The canonical form of a class code as typed or linked (case, 0/O, 1/I/L and dashes forgiven); None if it
    cannot be one."""
    if not isinstance(value, str) or len(value) > 40:
        return None
    text = value.strip().upper().replace(" ", "").translate(str.maketrans("OIL", "011"))
    if not _CODE.fullmatch(text):
        return None
    raw = text.replace("-", "")
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def new_teacher_secret() -> str:
    return secrets.token_urlsafe(16)


def valid_secret(value) -> bool:
    return isinstance(value, str) and bool(_SECRET.fullmatch(value))


def secret_hash(secret: str) -> bytes:
    return hashlib.sha256(secret.encode("ascii", "replace")).digest()


def secret_matches(secret, stored_hash: bytes) -> bool:
    """True when ``secret`` is the one whose hash is stored; constant time in the secret's hash."""
    if not valid_secret(secret) or not isinstance(stored_hash, (bytes, bytearray)):
        # still compare, so a malformed secret takes as long as a wrong one
        hmac.compare_digest(b"\0" * 32, bytes(stored_hash or b"")[:32].ljust(32, b"\0"))
        return False
    return hmac.compare_digest(secret_hash(secret), bytes(stored_hash))


def new_page_id() -> str:
    """An id for one open page (one kernel): the tally counts one answer per question per page."""
    return secrets.token_urlsafe(18)


def valid_page_id(value) -> bool:
    return isinstance(value, str) and bool(_PAGE.fullmatch(value))
