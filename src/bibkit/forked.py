"""Work on the second core: a function run in a forked child, its result sent back pickled.

`bibkit dedupe` reads half of a large file in a child while it reads the other half itself.
A fork is used, not a process pool: the child starts in a few milliseconds with everything
already imported and the input already in memory, writes its result to a file in memory, and
leaves with ``os._exit`` (no second teardown of the interpreter, no flush of the parent's
buffered output).  Where forking is not
safe or not possible (not Linux, other threads running, as under a test server), or when the
child fails in any way, the work is done in this process instead: the result is the same,
only slower.
"""

from __future__ import annotations

import os
import pickle
import sys
import tempfile
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def can_fork() -> bool:
    """Linux, and no other thread (a fork copies only the calling thread, whatever locks the
    others hold included)."""
    return sys.platform.startswith("linux") and threading.active_count() == 1


def _result_file() -> int:
    """A file descriptor for the child's result: anonymous memory where Linux offers it, else an
    unnamed temporary file. A file, not a pipe: the child writes it whole without waiting for the
    parent to read (a pipe holds 64 KiB, and a result of megabytes would cost one exchange of
    turns between the two per 64 KiB, after the parent has finished its own part)."""
    try:
        return os.memfd_create("bibkit-child-result", os.MFD_CLOEXEC)
    except (AttributeError, OSError):
        handle = tempfile.TemporaryFile()
        fd = os.dup(handle.fileno())
        handle.close()
        return fd


def in_child(work: Callable[[], T]) -> Callable[[], T]:
    """Start ``work`` in a forked child; return a function that waits for its result. Without a
    child, that function does the work itself when called."""
    if not can_fork():
        return work
    fd = _result_file()
    try:
        pid = os.fork()
    except OSError:  # no memory or process slot for a child: the work is done here
        os.close(fd)
        return work
    if pid == 0:  # pragma: no cover - the child (its coverage is not collected)
        code = 1
        try:
            data = memoryview(pickle.dumps(work(), protocol=pickle.HIGHEST_PROTOCOL))
            while data:
                data = data[os.write(fd, data) :]
            code = 0
        finally:
            os._exit(code)

    def result() -> T:
        _, status = os.waitpid(pid, 0)
        try:
            size = os.fstat(fd).st_size
            data = os.pread(fd, size, 0) if status == 0 else b""
        finally:
            os.close(fd)
        if status != 0 or len(data) != size or not data:
            return work()  # the child failed or was killed: the same work, here
        value: T = pickle.loads(data)
        return value

    return result
