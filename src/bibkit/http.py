"""The one HTTP layer of bibkit's online features (Zotero sync, metadata resolution).

``Requester`` sends requests to one service over one httpx client and does what every one of
those services asks of a client: a minimum interval between requests (arXiv's terms ask for
3 s), ``Retry-After`` on 429 and 503, the ``Backoff`` header, bounded retries with jitter
within a time budget, and a retry when an answer cannot be read (a dropped connection, a
truncated XML or JSON body).  A host that cannot be reached at all fails at once: waiting
does not make it appear.  Nothing here prints or stores a header, so a key in the client's
headers never reaches a message.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

import httpx

from .model import BibkitError

T = TypeVar("T")
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_ATTEMPTS = 8


class HttpError(BibkitError):
    """A request failed for good: after its retries, or because the server cannot be reached."""


class Unreachable(HttpError):
    """The host refused the connection, is unknown, or the URL is not HTTP."""


class Refused(HttpError):
    """The service answered that this request will not succeed (400, 401, 403...): not retried."""


class Malformed(ValueError):
    """A parser's complaint that an answer is not what the service documents (retried)."""


def _identity(response: httpx.Response) -> httpx.Response:
    return response


@dataclass
class Requester:
    client: httpx.Client
    base: str  # e.g. https://export.arxiv.org/api/query or https://api.zotero.org/groups/1
    name: str = ""  # the service, for messages: "arXiv", "Zotero"
    min_interval: float = 0.0  # seconds between the starts of two requests
    budget: float = 30.0  # seconds one request may spend waiting to retry, in all
    max_attempts: int = MAX_ATTEMPTS
    budget_hint: str = ""  # how a user raises the budget, appended to the give-up message
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    rng: random.Random = field(default_factory=lambda: random.Random(0))
    on_retry: Callable[[str, float, float], None] | None = None  # (problem, wait, budget left after it)
    on_attempt: Callable[[str], None] | None = None  # each request, for --verbose
    requests: int = 0
    backoff_until: float = 0.0
    _last_start: float = field(default=float("-inf"), repr=False)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        content: bytes | None = None,
        parse: Callable[[httpx.Response], T] = _identity,  # type: ignore[assignment]
    ) -> T:
        """One request and its parsed answer, retried while the server is busy, a connection
        drops mid-way or the answer is malformed, within the retry budget. ``parse`` sees every
        answer that is not a retryable status; it raises ``Malformed`` (or ValueError, a KeyError...)
        for an answer to retry, and ``Refused`` for one that retrying cannot change."""
        started = self.clock()
        problem = ""
        for attempt in range(self.max_attempts):
            self._pause()
            self.requests += 1
            if self.on_attempt:
                self.on_attempt(f"{method} {path} (attempt {attempt + 1})")
            try:
                response = self.client.request(
                    method, self.base + path, params=params, headers=headers, content=content
                )
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.UnsupportedProtocol) as exc:
                raise Unreachable(f"cannot connect to {self._who()}: {_reason(exc)}") from None
            except httpx.TransportError as exc:
                problem = f"network error: {type(exc).__name__}"
                wait = self._delay(attempt, None)
            else:
                backoff = response.headers.get("Backoff")
                if backoff:
                    self.backoff_until = self.clock() + seconds(backoff)
                if response.status_code in RETRY_STATUSES:
                    problem = f"HTTP {response.status_code}"
                    wait = self._delay(attempt, response.headers.get("Retry-After"))
                else:
                    try:
                        return parse(response)
                    except (ValueError, SyntaxError, LookupError, TypeError, AttributeError) as exc:
                        # Malformed, JSONDecodeError, XML ParseError, or JSON of another shape.
                        problem = f"malformed answer ({type(exc).__name__})"
                        wait = self._delay(attempt, None)
            spent = self.clock() - started
            if spent + wait > self.budget:
                raise HttpError(
                    f"{self._who()}: {method} {path}: gave up after {attempt + 1} attempt(s) in "
                    f"{spent:.0f} s ({problem}); the retry budget is {self.budget:g} s{self.budget_hint}"
                )
            if self.on_retry:
                self.on_retry(problem, wait, self.budget - spent - wait)
            self.sleep(wait)
        raise HttpError(f"{self._who()}: {method} {path}: gave up after {attempt + 1} attempts ({problem})")

    def _who(self) -> str:
        return f"{self.name} at {origin(self.base)}" if self.name else origin(self.base)

    def _pause(self) -> None:
        """Wait out a Backoff header and the service's minimum interval."""
        now = self.clock()
        wait = max(self.backoff_until - now, self._last_start + self.min_interval - now)
        if wait > 0:
            self.sleep(wait)
        self._last_start = self.clock()

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        if retry_after is not None:
            return seconds(retry_after)
        return min(60.0, 2.0**attempt) * (0.5 + self.rng.random() / 2)  # exponential, with jitter


def origin(base: str) -> str:
    url = httpx.URL(base)
    return f"{url.scheme}://{url.host}" + (f":{url.port}" if url.port else "")


def _reason(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    if "refused" in text.lower():
        return "connection refused"
    if "name or service not known" in text.lower() or "nodename nor servname" in text.lower():
        return "unknown host"
    return text


def seconds(value: str) -> float:
    """A Retry-After or Backoff value in seconds (an HTTP date or garbage counts as 1 s)."""
    try:
        return max(0.0, float(value))
    except ValueError:
        return 1.0
