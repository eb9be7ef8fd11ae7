"""`bibkit resolve`: ask the online sources about incomplete papers, once, and record the answers.

The stages, each over the shared HTTP layer with its source's politeness:

1. arXiv, 100 ids per request: authors, title, first-version date, primary class, DOI.
2. Semantic Scholar, 500 ids per request (arXiv, ACL, DOI): the published venue and the
   published version's DBLP key, DOI and ACL id.
3. DBLP ``/rec/KEY.bib`` for each published version Semantic Scholar named: the official BibTeX.
4. DBLP title search for papers with no identifier; a hit counts only with the same normalised
   title, an author family name in common (when the list names authors) and a plausible year.
5. Crossref for a DOI that DBLP did not cover.

After each stage the lock is written (atomically), so an interrupted or failing run keeps what
it got and a re-run asks only what is missing.  A source that keeps failing is skipped for the
rest of the run with a message; the other sources go on.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import httpx

from ..config import ONLINE_SOURCES, ResolveSettings
from ..http import HttpError, Requester, Unreachable
from ..identity import normalized_title
from ..model import Kind, Record
from .lock import Found, Lock, lock_keys
from .sources import (
    ARXIV_BATCH,
    S2_BATCH,
    ArxivQueryError,
    ArxivSource,
    CrossrefSource,
    DblpSource,
    SemanticScholarSource,
    hit_families,
    hit_title,
)


@dataclass(frozen=True)
class Service:
    name: str  # as messages name it
    api: str  # the public base URL
    env: str  # the environment variable that points elsewhere (a mirror, a local stand-in)
    interval: float  # seconds between two requests: arXiv's terms of use ask for 3; the rest, polite


SERVICES = {
    "arxiv": Service("arXiv", "https://export.arxiv.org/api/query", "BIBKIT_ARXIV_API", 3.0),
    "s2": Service("Semantic Scholar", "https://api.semanticscholar.org/graph/v1", "BIBKIT_S2_API", 1.0),
    "dblp": Service("DBLP", "https://dblp.org", "BIBKIT_DBLP_API", 1.0),
    "crossref": Service("Crossref", "https://api.crossref.org", "BIBKIT_CROSSREF_API", 0.2),
}
GIVE_UP_AFTER = 3  # failed requests in a row before a source is skipped for the rest of the run
RETRY_BUDGET = 120.0


@dataclass(frozen=True)
class Endpoint:
    source: str
    base: str
    interval: float


def endpoints(settings: ResolveSettings, environ: dict[str, str] | None = None) -> dict[str, Endpoint]:
    """Base URL and interval per source: the environment, then bibkit.toml, then the defaults."""
    env = os.environ if environ is None else environ
    override = env.get("BIBKIT_MIN_INTERVAL")
    out = {}
    for source in ONLINE_SOURCES:
        service = SERVICES[source]
        base = env.get(service.env) or settings.api.get(source) or service.api
        interval = settings.interval.get(source, service.interval)
        if override:
            try:
                interval = max(0.0, float(override))
            except ValueError:
                pass
        out[source] = Endpoint(source, base.rstrip("/"), interval)
    return out


def needs_asking(record: Record) -> bool:
    """A paper without authors, year or venue, or still a preprint."""
    return record.kind == Kind.PAPER and (not record.authors or not record.year or not record.published)


def ask_key(record: Record) -> str | None:
    """The identifier a paper is asked by (its title when it has none), or None."""
    keys = lock_keys(record)
    return keys[0] if keys else None


@dataclass
class SourceStats:
    asked: int = 0  # ids (or titles) asked about
    answered: int = 0  # of which the source knew
    adopted: int = 0  # of which changed a field of the lock
    failed: int = 0  # ids in requests that failed for good
    requests: int = 0
    skipped: str = ""  # why the source was skipped for the rest of the run

    def as_dict(self) -> dict[str, int | str]:
        return dict(vars(self))


@dataclass
class Plan:
    """What a run will ask: per source, the lock keys; and the records behind the title keys."""

    arxiv: list[str] = field(default_factory=list)
    s2: list[str] = field(default_factory=list)
    titles: dict[str, Record] = field(default_factory=dict)
    refreshed: list[str] = field(default_factory=list)
    pending: int = 0  # DBLP records and Crossref DOIs an earlier, incomplete run left to fetch

    def requests(self) -> dict[str, int]:
        """Requests the first stages take for sure (DBLP records and Crossref depend on answers)."""
        return {
            "arxiv": -(-len(self.arxiv) // ARXIV_BATCH),
            "s2": -(-len(self.s2) // S2_BATCH),
            "dblp_search": 2 * len(self.titles),
            "pending": self.pending,
        }


def make_plan(
    records: Iterable[Record], lock: Lock, refresh_days: int | None = None, today: dt.date | None = None
) -> Plan:
    today = today or dt.date.today()
    plan = Plan()
    seen: set[str] = set()
    for record in records:
        if not needs_asking(record):
            continue
        key = ask_key(record)
        if key is None or key in seen:
            continue
        seen.add(key)
        rec = lock.records.get(key)
        asked = dict(rec.asked) if rec else {}
        if rec and refresh_days is not None and not rec.published:
            last = max(asked.values(), default="")
            if last and dt.date.fromisoformat(last) <= today - dt.timedelta(days=refresh_days):
                asked = {s: d for s, d in asked.items() if s == "arxiv"}  # ask again whether it was published
                plan.refreshed.append(key)
        scheme = key.partition(":")[0]
        if scheme == "title":
            if "dblp" not in asked:
                plan.titles[key] = record
            continue
        if scheme == "arxiv" and "arxiv" not in asked:
            plan.arxiv.append(key)
        if "s2" not in asked:
            plan.s2.append(key)
    plan.pending = len(dblp_pending(lock)) + len(crossref_pending(lock))
    return plan


@dataclass
class Run:
    """One `bibkit resolve`: the sources, the lock, and what happened."""

    lock: Lock
    arxiv: ArxivSource
    s2: SemanticScholarSource
    dblp: DblpSource
    crossref: CrossrefSource
    today: str = field(default_factory=lambda: dt.date.today().isoformat())
    progress: Callable[[str, int], None] | None = None  # (source, ids done) after each request
    warn: Callable[[str], None] | None = None
    stats: dict[str, SourceStats] = field(default_factory=lambda: {s: SourceStats() for s in ONLINE_SOURCES})
    _failures: dict[str, int] = field(default_factory=dict)

    def execute(self, plan: Plan) -> dict[str, SourceStats]:
        for key in plan.refreshed:
            rec = self.lock.records[key]
            rec.asked = {s: d for s, d in rec.asked.items() if s == "arxiv"}
        try:
            self._stage("arxiv", plan.arxiv, ARXIV_BATCH, self._arxiv_batch)
            self._stage("s2", plan.s2, S2_BATCH, self._s2_batch)
            self._stage("dblp", dblp_pending(self.lock), 1, self._dblp_record)
            self._stage("dblp", list(plan.titles), 1, lambda keys: self._dblp_search(keys, plan.titles))
            self._stage("crossref", crossref_pending(self.lock), 1, self._crossref_work)
        finally:
            self.lock.save()
        for name, source in (("arxiv", self.arxiv), ("s2", self.s2), ("dblp", self.dblp), ("crossref", self.crossref)):
            self.stats[name].requests = source.http.requests
        return self.stats

    # -- the stages ---------------------------------------------------------------------------

    def _stage(self, source: str, keys: list[str], batch: int, ask: Callable[[list[str]], None]) -> None:
        stats = self.stats[source]
        for i in range(0, len(keys), batch):
            chunk = keys[i : i + batch]
            if stats.skipped:
                break
            stats.asked += len(chunk)
            try:
                ask(chunk)
            except HttpError as exc:
                stats.failed += len(chunk)
                self._failures[source] = self._failures.get(source, 0) + 1
                if isinstance(exc, Unreachable) or self._failures[source] >= GIVE_UP_AFTER:
                    stats.skipped = str(exc)
                    message = (
                        f"{SERVICES[source].name} keeps failing ({exc}); skipped for the rest of this run. What was "
                        "resolved is kept; run `bibkit resolve` again to complete the rest."
                    )
                else:
                    message = f"{exc}; {len(chunk)} id(s) left unanswered"
                if self.warn:
                    self.warn(message)
            else:
                self._failures[source] = 0
            if self.progress:
                self.progress(source, len(chunk))
        self.lock.save()

    def _adopt(self, key: str, found: Found | None, source: str, match: str = "identifier") -> None:
        rec = self.lock.record(key)
        if found is None:
            rec.asked[source] = self.today  # asked and answered: it does not know this work
            return
        self.stats[source].answered += 1
        if match != "identifier":
            rec.match = match
        if rec.adopt(found, self.today):
            self.stats[source].adopted += 1

    def _arxiv_batch(self, keys: list[str]) -> None:
        try:
            answers = self.arxiv.fetch([k.partition(":")[2] for k in keys])
        except ArxivQueryError:
            if len(keys) == 1:  # arXiv refuses this id: it is not one of its ids
                self._adopt(keys[0], None, "arxiv")
                return
            half = len(keys) // 2
            self._arxiv_batch(keys[:half])
            self._arxiv_batch(keys[half:])
            return
        for key in keys:
            self._adopt(key, answers.get(key.partition(":")[2]), "arxiv")

    def _s2_batch(self, keys: list[str]) -> None:
        answers = self.s2.fetch(keys)
        for key in keys:
            self._adopt(key, answers.get(key), "s2")

    def _dblp_record(self, keys: list[str]) -> None:
        for key in keys:
            self._adopt(key, self.dblp.record(str(self.lock.records[key].value("dblp"))), "dblp")

    def _dblp_search(self, keys: list[str], records: dict[str, Record]) -> None:
        for key in keys:
            record = records[key]
            hit = best_hit(record, self.dblp.search(record.title))
            self._adopt(key, self.dblp.record(hit) if hit else None, "dblp", match="title")

    def _crossref_work(self, keys: list[str]) -> None:
        for key in keys:
            rec = self.lock.records[key]
            doi = str(rec.value("doi") or key.partition(":")[2])
            self._adopt(key, self.crossref.work(doi), "crossref")


def dblp_pending(lock: Lock) -> list[str]:
    """Lock keys whose published version Semantic Scholar named in DBLP, not yet fetched from DBLP."""
    return sorted(
        key
        for key, rec in lock.records.items()
        if rec.value("dblp") and "dblp" not in rec.asked and rec.fields["dblp"]["source"] != "dblp"
    )


def crossref_pending(lock: Lock) -> list[str]:
    """Lock keys with a publisher's DOI whose venue DBLP did not give, not yet asked at Crossref."""
    out = []
    for key, rec in lock.records.items():
        doi = rec.value("doi") or (key.partition(":")[2] if key.startswith("doi:") else "")
        by_dblp = rec.fields.get("venue", {}).get("source") == "dblp"
        if doi and not by_dblp and "crossref" not in rec.asked:
            out.append(key)
    return sorted(out)


def best_hit(record: Record, hits: list[dict[str, object]]) -> str | None:
    """The DBLP key of the hit that is this paper: the same normalised title, an author family in
    common when the list names authors, a plausible year; the published version before CoRR."""
    mine = {normalized_title(p.last) for p in record.authors} - {""}
    ntitle = normalized_title(record.title)
    fitting = []
    for info in hits:
        if hit_title(info) != ntitle or not info.get("key"):
            continue
        theirs = hit_families(info)
        if mine and theirs and not mine & theirs:
            continue
        year = int(str(info.get("year"))) if str(info.get("year", "")).isdigit() else None
        if record.year and year and not record.year - 1 <= year <= record.year + 3:
            continue
        key = str(info["key"])
        fitting.append((key.startswith("journals/corr/"), year or 0, key))
    return min(fitting)[2] if fitting else None


def open_run(
    lock: Lock,
    settings: ResolveSettings,
    environ: dict[str, str] | None = None,
    transport: httpx.BaseTransport | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Run:
    """The sources over one httpx client each (one connection: arXiv asks for no parallel requests)."""
    env = os.environ if environ is None else environ
    points = endpoints(settings, dict(env))

    def requester(source: str, headers: dict[str, str] | None = None) -> Requester:
        client = httpx.Client(
            headers={"User-Agent": "bibkit (https://github.com/bibkit; metadata for reading lists)", **(headers or {})},
            timeout=httpx.Timeout(settings.timeout, connect=10.0),
            limits=httpx.Limits(max_connections=1),
            transport=transport,
            follow_redirects=True,
        )
        point = points[source]
        return Requester(
            client,
            point.base,
            name=SERVICES[source].name,
            min_interval=point.interval,
            budget=RETRY_BUDGET,
            sleep=sleep,
        )

    s2_key = env.get("S2_API_KEY", "")
    return Run(
        lock,
        ArxivSource(requester("arxiv")),
        SemanticScholarSource(requester("s2", {"x-api-key": s2_key} if s2_key else None)),
        DblpSource(requester("dblp")),
        CrossrefSource(requester("crossref"), mailto=settings.mailto),
    )


def close(run: Run) -> None:
    for source in (run.arxiv, run.s2, run.dblp, run.crossref):
        source.http.client.close()


def estimate_seconds(requests: dict[str, int], points: dict[str, Endpoint]) -> float:
    """The least time these requests take with the sources' intervals (the sources run in turn)."""
    return sum(max(0, n - 1) * points[s].interval for s, n in requests.items() if s in points)


__all__ = ["Plan", "Run", "make_plan", "open_run"]
