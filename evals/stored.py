"""What a database file really holds: the check of personal data scans the bytes on
disk (SQLite's main file and its write-ahead log), not the store's own view of them."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable
from pathlib import Path


def sqlite_path(url: str) -> Path:
    if not url.startswith("sqlite:///") or url.startswith("sqlite:///file:"):
        raise ValueError(f"not a SQLite file URL: {url}")
    return Path(url.removeprefix("sqlite:///"))


def database_bytes(url: str) -> bytes:
    """Every byte of the SQLite database at ``url``, write-ahead log included."""
    path = sqlite_path(url)
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    parts = [path, path.with_name(path.name + "-wal")]
    return b"".join(part.read_bytes() for part in parts if part.is_file())


def forms(value: str) -> set[bytes]:
    """The ways ``value`` could sit in the file: as typed, JSON-escaped, and (for long
    numbers) as bare digits."""
    found = {value.encode(), json.dumps(value)[1:-1].encode()}
    digits = re.sub(r"\D", "", value)
    if len(digits) >= 8:
        found.add(digits.encode())
    return found


def found_in(form: bytes, data: bytes) -> bool:
    """``form`` standing on its own in ``data``: a PIN 4821 counts in "pin 4821", not
    inside a uuid, a timestamp or another number."""
    edge = rb"[0-9A-Za-z.\-]"  # not inside a uuid, a timestamp, a decimal or a word
    return (
        re.search(rb"(?<!" + edge + rb")" + re.escape(form) + rb"(?!" + edge + rb")", data)
        is not None
    )


def leaked(values: Iterable[str], data: bytes) -> list[str]:
    """The values found anywhere in ``data``."""
    return [value for value in values if any(found_in(form, data) for form in forms(value))]
