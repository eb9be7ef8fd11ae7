"""Work on the second core: a function run in a forked child, its result sent back pickled.

`bibkit dedupe` reads half of a large file in a child while it reads the other half itself.
A fork is used, not a process pool: the child starts in a few milliseconds with everything
already imported and the input already in memory, and leaves with ``os._exit`` (no second
teardown of the interpreter, no flush of the parent's buffered output).  Where forking is not
safe or not possible (not Linux, other threads running, as under a test server), or when the
child fails in any way, the work is done in this process instead: the result is the same,
only slower.
"""

from __future__ import annotations

import os
import pickle
import sys
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def can_fork() -> bool:
    """Linux, and no other thread (a fork copies only the calling thread, whatever locks the
    others hold included)."""
    return sys.platform.startswith("linux") and threading.active_count() == 1


def in_child(work: Callable[[], T]) -> Callable[[], T]:
    """Start ``work`` in a forked child; return a function that waits for its result. Without a
    child, that function does the work itself when called."""
    if not can_fork():
        return work
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError:  # no memory or process slot for a child: the work is done here
        os.close(read_end)
        os.close(write_end)
        return work
    if pid == 0:  # pragma: no cover - the child (its coverage is not collected)
        code = 1
        try:
            os.close(read_end)
            data = pickle.dumps(work(), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_end, "wb") as out:
                out.write(data)
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)

    def result() -> T:
        with os.fdopen(read_end, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(pid, 0)
        if status != 0 or not data:
            return work()  # the child failed or was killed: the same work, here
        value: T = pickle.loads(data)
        return value

    return result
