"""File output: atomic writes, so a crash never leaves a half-written .bib, and nothing but the
file's content changes.

- A regular file (or a symlink to one) is replaced atomically: a temporary file beside the
  *target* of the link, then a rename. The file keeps its mode; a new file gets the mode the
  umask gives (not mkstemp's 0600). A symlink stays a symlink.
- Anything else (a FIFO, a character device, ``/dev/stdout``) is written to directly: renaming
  over it would replace a system file or never finish.
- ``-`` is standard output.
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from pathlib import Path

STDOUT = "-"


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def is_stdout(path: Path | str) -> bool:
    return str(path) == STDOUT


def write_atomic(path: Path | str, text: str) -> bool:
    """Write text to path; return False when a regular file already held exactly this text."""
    data = text.encode("utf-8")
    if is_stdout(path):
        sys.stdout.buffer.write(data) if hasattr(sys.stdout, "buffer") else sys.stdout.write(text)
        sys.stdout.flush()
        return True
    path = Path(path)
    try:
        info = os.stat(path)  # follows symlinks
    except FileNotFoundError:
        info = None
    if info is not None and not stat.S_ISREG(info.st_mode):
        with open(path, "wb") as handle:  # a FIFO, a device, /dev/stdout: written through, never renamed
            handle.write(data)
        return True
    target = Path(os.path.realpath(path))  # through a symlink to the file it names
    if info is not None and target.read_bytes() == data:
        return False
    mode = stat.S_IMODE(info.st_mode) if info is not None else 0o666 & ~_umask()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def shown(path: Path, root: Path) -> str:
    """A path as reports and sources show it: relative to the project root when inside it."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
