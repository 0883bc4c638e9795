"""File names as contacts write them, and the names the pipeline makes from them.

A file system allows any bytes but "/" in a name, up to 255 bytes: a name saved by a Chinese
Windows program may be GBK bytes, not UTF-8, and a long Chinese name leaves no room for a
prefix. ``display_name`` is the name as the contact reads it (valid text, for the ledger and
the receipt); ``path_text`` and ``text_path`` keep any path in a text column and give it back
byte for byte; ``fit`` makes a derived name (an archive copy, a receipt) that always fits and
never collides with the derived name of another file.
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

NAME_MAX = 255  # bytes, for a name on the file systems the data home lives on
_ENCODED = "b64:"


def display_name(name: str) -> str:
    """The name as the contact reads it: as given when it is valid UTF-8, else its bytes read
    as GB18030 (a superset of GBK), else with the undecodable bytes replaced."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        raw = os.fsencode(name)
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return raw.decode("utf-8", errors="replace")


def path_text(path: Path | str) -> str:
    """A path as text that any database column takes: itself when it is valid UTF-8, else its
    bytes, base64-encoded behind a marker (``text_path`` gives the path back)."""
    text = os.fspath(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _ENCODED + base64.urlsafe_b64encode(os.fsencode(text)).decode("ascii")
    return text


def text_path(text: str) -> Path:
    """The path ``path_text`` stored."""
    if text.startswith(_ENCODED):
        return Path(os.fsdecode(base64.urlsafe_b64decode(text[len(_ENCODED) :])))
    return Path(text)


def fit(
    prefix: str, name: str, suffix: str = "", *, extension: bool = True, reserve: int = 0
) -> str:
    """``prefix + stem + suffix + extension`` of a name (without its extension when
    ``extension`` is false), within NAME_MAX bytes less ``reserve`` (for what a writer adds,
    such as ".xlsx.tmp"): a stem too long is cut at a character and marked with a digest of
    the whole name, so that two long names sharing a beginning still get two names."""
    shown = display_name(name)
    ext = Path(shown).suffix
    stem = shown[: len(shown) - len(ext)] if ext else shown
    ext = ext if extension else ""
    whole = f"{prefix}{stem}{suffix}{ext}"
    limit = NAME_MAX - reserve
    if len(whole.encode("utf-8")) <= limit:
        return whole
    digest = "~" + hashlib.sha256(os.fsencode(name)).hexdigest()[:10]
    room = limit - len(f"{prefix}{digest}{suffix}{ext}".encode())
    cut = stem.encode("utf-8")[: max(0, room)].decode("utf-8", errors="ignore")
    return f"{prefix}{cut}{digest}{suffix}{ext}"
