"""Real human recordings for the ASR benchmark, taken from packages rather than the
repository: Debian's alsa-utils speaker-test voice samples ("Front Center", ...), and
the JFK inaugural-address sample inside the pywhispercpp source package (which
``make bench`` downloads into the cache)."""

from __future__ import annotations

import tarfile
from dataclasses import dataclass
from pathlib import Path

ALSA_DIR = Path("/usr/share/sounds/alsa")
SAMPLES_DIR = Path.home() / ".cache" / "teller" / "samples"  # where `make bench` puts the sdist
ALSA_PHRASES = [
    "Front Center", "Front Left", "Front Right", "Rear Center",
    "Rear Left", "Rear Right", "Side Left", "Side Right",
]  # fmt: skip
JFK_TEXT = (
    "And so my fellow Americans, ask not what your country can do for you, "
    "ask what you can do for your country."
)
JFK_MEMBERS = ("whisper.cpp/samples/jfk.wav", "whisper.cpp/samples/jfk.mp3")


@dataclass(frozen=True)
class Recording:
    name: str
    data: bytes  # the file as shipped (WAV or MP3)
    text: str  # what is said


def alsa_recordings() -> list[Recording]:
    paths = [(ALSA_DIR / f"{phrase.replace(' ', '_')}.wav", phrase) for phrase in ALSA_PHRASES]
    return [Recording(f"alsa:{p.stem}", p.read_bytes(), text) for p, text in paths if p.is_file()]


def jfk_recordings(sdist_dir: Path) -> list[Recording]:
    """The JFK sample (WAV and MP3) from a pywhispercpp source archive in ``sdist_dir``."""
    found = []
    for archive in sorted(sdist_dir.glob("pywhispercpp-*.tar.gz")):
        with tarfile.open(archive) as tar:
            for member in tar.getmembers():
                if member.name.endswith(JFK_MEMBERS) and "bindings" not in member.name:
                    data = tar.extractfile(member).read()
                    found.append(Recording(f"jfk:{Path(member.name).suffix[1:]}", data, JFK_TEXT))
        if found:
            return found
    return found


def real_recordings(sdist_dir: Path) -> list[Recording]:
    return alsa_recordings() + jfk_recordings(sdist_dir)
