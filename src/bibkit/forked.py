"""Work on the second core: functions run in a forked child, their results sent back pickled.

`bibkit dedupe` reads half of a large file in a child while it reads the other half itself, and
the child then searches the titles of both halves for similar pairs while the parent joins the
halves and looks for equal titles. A fork is used, not a process pool: the child starts in a few
milliseconds with everything already imported and the input already in memory, writes each
result to a file in memory, and leaves with ``os._exit`` (no second teardown of the interpreter,
no flush of the parent's buffered output). Where forking is not safe or not possible (not Linux,
other threads running, as under a test server), or when the child fails in any way, the work it
did not finish is done in this process instead: the result is the same, only slower.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import tempfile
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")
M = TypeVar("M")
U = TypeVar("U")


def can_fork() -> bool:
    """Linux, and no other thread (a fork copies only the calling thread, whatever locks the
    others hold included)."""
    return sys.platform.startswith("linux") and threading.active_count() == 1


def _memory_file() -> int:
    """A file descriptor for a result or a message: anonymous memory where Linux offers it, else
    an unnamed temporary file. A file, not a pipe: it is written whole without waiting for the
    other side to read (a pipe holds 64 KiB, and megabytes would cost one exchange of turns
    between the two processes per 64 KiB)."""
    try:
        return os.memfd_create("bibkit-child", os.MFD_CLOEXEC)
    except (AttributeError, OSError):
        handle = tempfile.TemporaryFile()
        fd = os.dup(handle.fileno())
        handle.close()
        return fd


def _write(fd: int, value: object) -> None:
    data = memoryview(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    while data:
        data = data[os.write(fd, data) :]


def _read(fd: int) -> bytes:
    size = os.fstat(fd).st_size
    data = bytearray()
    while len(data) < size and (chunk := os.pread(fd, size - len(data), len(data))):
        data += chunk
    return bytes(data)


_NOTHING = object()


class Child(Generic[T, M, U]):
    """Work in a forked child, in two steps. ``first`` starts at once; ``result()`` waits for
    its result. ``then`` runs in the same child on the message the parent ``send``s (once the
    child has done ``first``); ``last()`` waits for its result. Every step the child does not
    finish (it fails, is killed, or there is no child) is done in this process when asked for."""

    def __init__(self, first: Callable[[], T], then: Callable[[M], U] | None = None) -> None:
        self._first, self._then = first, then
        self._message: object = _NOTHING
        self._pid = 0
        if not can_fork():
            return
        self._files = [_memory_file() for _ in range(3)]  # the first result, the message, the last result
        self._ready = os.pipe()  # child -> parent: the first result is written
        self._go = os.pipe()  # parent -> child: the message is written
        try:
            pid = os.fork()
        except OSError:  # no memory or process slot for a child: the work is done here
            self._close(*self._files, *self._ready, *self._go)
            return
        if pid == 0:  # pragma: no cover - the child (its coverage is not collected)
            self._run()
        self._pid = pid
        self._close(self._ready[1], self._go[0])

    @staticmethod
    def _close(*fds: int) -> None:
        for fd in fds:
            os.close(fd)

    def _run(self) -> None:  # pragma: no cover - the child
        code = 1
        try:
            self._close(self._ready[0], self._go[1])
            _write(self._files[0], self._first())
            os.write(self._ready[1], b"1")
            if self._then is not None and os.read(self._go[0], 1) == b"1":
                message: M = pickle.loads(_read(self._files[1]))
                _write(self._files[2], self._then(message))
            code = 0
        finally:
            os._exit(code)

    def _wait(self) -> int:
        """Wait for the child to leave; its exit status (-1 if another part of the program, a
        SIGCHLD handler, already collected it: its last result then counts as missing)."""
        try:
            return os.waitpid(self._pid, 0)[1]
        except ChildProcessError:
            return -1

    def _end(self) -> bytes:
        """Wait for the child to leave and close the files; what it wrote as the last step's
        result (b"" if nothing, or if it failed)."""
        data = _read(self._files[2]) if self._wait() == 0 else b""
        self._pid = 0
        self._close(*self._files, self._ready[0], self._go[1])
        return data

    def result(self) -> T:
        """The first step's result, from the child or, if it did not finish it, computed here."""
        if self._pid:
            if os.read(self._ready[0], 1) == b"1":  # "" if the child left without writing it
                value: T = pickle.loads(_read(self._files[0]))
                if self._then is None:
                    self._end()
                return value
            self._end()
        return self._first()

    def send(self, message: M) -> None:
        """Give ``then`` its message (at most once)."""
        self._message = message
        if self._pid:
            _write(self._files[1], message)
            os.write(self._go[1], b"1")

    def last(self) -> U:
        """The second step's result, from the child or, if it did not finish it, computed here."""
        assert self._then is not None and self._message is not _NOTHING, "send a message first"
        message: M = self._message  # type: ignore[assignment]
        data = self._end() if self._pid else b""
        if data:
            value: U = pickle.loads(data)
            return value
        return self._then(message)

    def abandon(self) -> None:
        """The second step's result is not wanted: the child is stopped, its files closed."""
        if self._pid:
            try:
                os.kill(self._pid, signal.SIGKILL)
            except ProcessLookupError:  # pragma: no cover - it had already left
                pass
            self._end()
