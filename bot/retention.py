"""Retention: what Teller keeps, and for how long.

Conversation text older than ``retention_days`` is purged (the masked audit of what
was decided stays, see :meth:`bot.store.Store.purge`); spoken replies and uploaded
recordings are deleted after ``reply_audio_hours``. ``teller purge`` runs it once;
``teller serve`` runs it on a schedule.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.settings import Settings
from bot.store import Purged, Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Cleaned:
    purged: Purged
    files: int  # reply audio and uploads deleted


def delete_files_older_than(folder: Path, age: timedelta) -> int:
    """Delete the files under ``folder`` last written more than ``age`` ago."""
    if not folder.is_dir():
        return 0
    cutoff = time.time() - age.total_seconds()
    deleted = 0
    for path in sorted(folder.rglob("*"), reverse=True):  # files before their folders
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            deleted += 1
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return deleted


def clean(store: Store, settings: Settings, older_than: timedelta | None = None) -> Cleaned:
    """Purge conversation text older than ``older_than`` (default: the retention
    setting) and delete old reply audio and uploads."""
    if older_than is None:
        older_than = timedelta(days=settings.retention_days)
    purged = store.purge(datetime.now(UTC) - older_than)
    audio_age = timedelta(hours=settings.reply_audio_hours)
    files = sum(
        delete_files_older_than(folder, audio_age)
        for folder in (settings.replies_dir, settings.uploads_dir)
    )
    return Cleaned(purged, files)


class RetentionSchedule:
    """Runs :func:`clean` every ``every`` in a background thread until stopped."""

    def __init__(self, store: Store, settings: Settings, every: timedelta = timedelta(hours=1)):
        self.store, self.settings, self.every = store, settings, every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="retention", daemon=True)

    def start(self) -> RetentionSchedule:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                done = clean(self.store, self.settings)
                log.info("retention: %s", done)
            except Exception as error:  # the schedule must outlive one failed run
                log.error("retention run failed: %s", error)
            self._stop.wait(self.every.total_seconds())
