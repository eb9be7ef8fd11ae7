"""The build pipeline: lists -> records -> normalize -> deduplicate -> keys -> BibTeX.

Each stage is a plain function from data to data; only ``read_inputs`` and the
caller's write step touch files.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from .bibtex import (
    WriteOptions,
    entry_type_and_fields,
    non_ascii_fields,
    previous_keys,
    write_string,
)
from .config import Config, ListSpec
from .dedupe import deduplicate
from .files import shown as shown_path
from .keys import assign_keys
from .model import Kind, Merge, Problem, Record, Severity, Source, Suspect
from .normalize.record import normalize_record
from .overrides import Overrides, apply_overrides
from .resolve import Resolution, Resolver, resolve_records
from .sources.markdown import LinkedId, missing_identifiers, read_list, read_list_text


@dataclass
class ListStats:
    name: str
    path: str
    output: str
    items_seen: int = 0
    entries: int = 0
    by_type: Counter[str] = field(default_factory=Counter)
    by_kind: Counter[str] = field(default_factory=Counter)
    with_authors: int = 0
    with_year: int = 0
    with_venue: int = 0
    papers: int = 0
    papers_with_authors: int = 0
    papers_with_year: int = 0
    papers_with_venue: int = 0
    identifiers_linked: int = 0
    identifiers_in_entries: int = 0


@dataclass
class BuildResult:
    records: list[Record]
    outputs: dict[Path, str]
    problems: list[Problem]
    merges: list[Merge]
    lists: list[ListStats]
    combined_path: Path
    blocked: frozenset[Path] = frozenset()  # outputs not to write: an input they depend on is missing
    accepted: list[Problem] = field(default_factory=list)  # warnings bibkit.toml accepts ([build] accept)
    entry_types: Counter[str] = field(default_factory=Counter)  # of the combined file, as written
    suspects: list[Suspect] = field(default_factory=list)
    resolutions: list[Resolution] = field(default_factory=list)
    coverage: dict[str, dict[str, float]] = field(default_factory=dict)
    resolver: str = ""  # name of the resolver used, "" when resolution was off


@dataclass(frozen=True)
class Inputs:
    """Everything a build reads from disk: each list's records and the paper identifiers it
    links, the keys the previous output gave each work, and the problems met reading them."""

    per_list: list[list[Record]]
    linked: list[list[LinkedId]]
    previous: dict[str, str]  # identity token -> key already written
    problems: list[Problem]
    overrides: Overrides | None = None  # corrections pulled from Zotero, applied after keys


def read_inputs(config: Config, texts: dict[Path, str] | None = None) -> Inputs:
    """The one place a build reads files: the lists (or the given texts for them), then the
    previous bibliography's keys and the overrides file."""
    per_list, problems, linked = _read_lists(config.lists, config.root, texts or {})
    out_dir = config.out_dir
    combined_path = out_dir / config.combined
    # The combined file holds every key the per-list files hold; read those only without it.
    old_files = [combined_path] if combined_path.exists() else [out_dir / s.output for s in config.lists]
    previous, old_problems = previous_keys([p for p in dict.fromkeys(old_files) if p.exists()])
    return Inputs(per_list, linked, previous, problems + old_problems, Overrides.load(config.overrides_path))


def _read_lists(
    specs: tuple[ListSpec, ...], root: Path, texts: dict[Path, str]
) -> tuple[list[list[Record]], list[Problem], list[list[LinkedId]]]:
    per_list: list[list[Record]] = []
    linked: list[list[LinkedId]] = []
    problems: list[Problem] = []
    for spec in specs:
        shown = shown_path(spec.path, root)
        try:
            if spec.path in texts:
                reading = read_list_text(texts[spec.path], spec.name, shown)
            else:
                reading = read_list(spec.path, spec.name, shown)
        except OSError as exc:
            why = "not found" if isinstance(exc, FileNotFoundError) else (exc.strerror or str(exc)).lower()
            problems.append(
                Problem(
                    Source(shown, 0, spec.name),
                    "missing-list",
                    f"configured list {spec.name!r} cannot be read ({why}); no output was written, the "
                    "previous files are as they were",
                    Severity.ERROR,
                )
            )
            per_list.append([])
            linked.append([])
            continue
        per_list.append(reading.records)
        linked.append(reading.linked)
        problems.extend(reading.problems)
    return per_list, problems, linked


# An entry that holds more than this many links, code links or notes has probably swallowed
# its neighbours: reported, so a reader fault cannot hide in one field.
ABSORBED_LIMIT = 12


def account(records: list[Record], linked: list[LinkedId]) -> list[Problem]:
    """A warning for each identifier the list links that no entry carries, and for entries
    that absorbed an unusual number of links or notes."""
    problems = [
        Problem(item.source, "identifier-lost", f"{item.token} is linked here but is no entry's identifier")
        for item in missing_identifiers(linked, records)
    ]
    for record in records:
        counts = {"links": len(record.links) + len(record.code), "notes": len(record.notes)}
        for what, n in counts.items():
            if n > ABSORBED_LIMIT:
                problems.append(
                    Problem(
                        record.source,
                        "absorbed",
                        f"{record.key or record.title[:40]!r} holds {n} {what}; "
                        "check that its neighbours were read as items",
                    )
                )
    return problems


def normalize_all(records: list[Record]) -> tuple[list[Record], list[Problem]]:
    out, problems = [], []
    for record in records:
        normalized, found = normalize_record(record)
        out.append(normalized)
        problems.extend(found)
    return out, problems


def restrict_to_list(record: Record, list_name: str) -> Record:
    """The record as one list sees it: only that list's places and categories."""
    pairs = [(s, c) for s, c in zip(record.sources, record.categories, strict=True) if s.list_name == list_name]
    return replace(record, sources=tuple(s for s, _ in pairs), categories=tuple(c for _, c in pairs))


HEADER = "% Generated by bibkit from {sources}. Edit the list, then run `bibkit build`.\n\n"


def coverage(records: list[Record]) -> dict[str, float]:
    """Share of paper entries with authors, year and venue."""
    papers = [r for r in records if r.kind == Kind.PAPER]
    if not papers:
        return {"papers": 0, "authors": 0.0, "year": 0.0, "venue": 0.0, "published": 0.0}
    with_venue = [r for r in papers if r.published or r.ids.arxiv]
    return {
        "papers": len(papers),
        "authors": round(sum(bool(r.authors) for r in papers) / len(papers), 3),
        "year": round(sum(bool(r.year) for r in papers) / len(papers), 3),
        "venue": round(len(with_venue) / len(papers), 3),  # an arXiv preprint counts: eprint is its venue
        "published": round(sum(r.published for r in papers) / len(papers), 3),
    }


def _coverage_report(before: dict[str, float] | None, after: dict[str, float]) -> dict[str, dict[str, float]]:
    return {"before_resolution": before if before is not None else after, "after_resolution": after}


def works(config: Config, resolver: Resolver | None, upgrade_preprints: bool = True) -> list[Record]:
    """The works the lists name, resolved and deduplicated, before keys: what `bibkit resolve` asks
    about, and what it measures coverage on."""
    normalized, _ = normalize_all([r for records in read_inputs(config).per_list for r in records])
    if resolver is not None:
        normalized = resolve_records(normalized, resolver, upgrade_preprints)[0]
    return deduplicate(normalized)[0]


def build(
    config: Config,
    options: WriteOptions = WriteOptions(),
    resolver: Resolver | None = None,
    upgrade_preprints: bool = True,
    inputs: Inputs | None = None,
) -> BuildResult:
    """Lists to BibTeX text, in memory. Files are read only by ``read_inputs`` (called here when
    no inputs are given) and written only by the caller."""
    inputs = read_inputs(config) if inputs is None else inputs
    per_list, linked = inputs.per_list, inputs.linked
    problems = list(inputs.problems)
    raw = [r for records in per_list for r in records]
    normalized, found = normalize_all(raw)
    problems += found
    resolutions: list[Resolution] = []
    before: dict[str, float] | None = None
    if resolver is not None:
        # Measured on the deduplicated list as it would be without resolution, for the report.
        before = coverage(deduplicate(normalized)[0])
        normalized, resolutions, found = resolve_records(normalized, resolver, upgrade_preprints)
        problems += found
    merged, merges, suspects = deduplicate(normalized)

    out_dir = config.out_dir
    combined_path = out_dir / config.combined
    keyed = assign_keys(merged, inputs.previous)
    if inputs.overrides is not None:
        keyed = apply_overrides(keyed, inputs.overrides)  # corrections made in Zotero, by citation key
    by_source = {r.source: r.key for r in keyed}
    merges = [replace(m, key=by_source.get(m.sources[0], "")) for m in merges]

    outputs: dict[Path, str] = {}
    stats: list[ListStats] = []
    for spec, raw_records, list_ids in zip(config.lists, per_list, linked, strict=True):
        in_list = [restrict_to_list(r, spec.name) for r in keyed if any(s.list_name == spec.name for s in r.sources)]
        shown = shown_path(spec.path, config.root)
        outputs[out_dir / spec.output] = write_string(in_list, options, HEADER.format(sources=shown))
        stats.append(list_stats(spec, shown, len(raw_records), in_list, options))
        lost = account(in_list, list_ids)
        stats[-1].identifiers_linked = len(list_ids)
        stats[-1].identifiers_in_entries = len(list_ids) - sum(p.kind == "identifier-lost" for p in lost)
        problems += lost
    sources = ", ".join(shown_path(s.path, config.root) for s in config.lists)
    outputs[combined_path] = write_string(keyed, options, HEADER.format(sources=sources))
    entry_types = Counter(entry_type_and_fields(r, options)[0] for r in keyed)

    if options.ascii:
        for record, field_name in non_ascii_fields(keyed, options):
            problems.append(
                Problem(
                    record.source,
                    "non-ascii-kept",
                    f"{record.key}: {field_name} has characters with no LaTeX form; kept as UTF-8",
                )
            )
    problems.sort(key=lambda p: (p.source.file, p.source.line))  # stable: reader order within a line
    problems, accepted = accept_problems(problems, keyed, config.accept)
    # Every output depends on every list (entries merge across lists, keys are assigned over all
    # of them): with one list unreadable, none is written and the previous files stay.
    missing = any(p.kind == "missing-list" for p in problems)
    blocked = frozenset(outputs) if missing else frozenset()
    return BuildResult(
        records=keyed,
        outputs=outputs,
        problems=problems,
        merges=merges,
        lists=stats,
        combined_path=combined_path,
        blocked=blocked,
        accepted=accepted,
        entry_types=entry_types,
        suspects=suspects,
        resolutions=resolutions,
        coverage=_coverage_report(before, coverage(keyed)),
        resolver=resolver.name if resolver is not None else "",
    )


def accept_problems(
    problems: list[Problem], records: list[Record], accept: frozenset[str]
) -> tuple[list[Problem], list[Problem]]:
    """Split off the warnings a maintainer accepted as "KEY:KIND" for the entry listed at their line.
    Errors are never accepted."""
    key_at = {source: r.key for r in records for source in r.sources}
    kept: list[Problem] = []
    accepted: list[Problem] = []
    for problem in problems:
        key = key_at.get(problem.source, "")
        ok = not problem.is_error and key and f"{key}:{problem.kind}" in accept
        (accepted if ok else kept).append(problem)
    return kept, accepted


def list_stats(spec: ListSpec, shown: str, items_seen: int, records: list[Record], options: WriteOptions) -> ListStats:
    stats = ListStats(name=spec.name, path=shown, output=spec.output, items_seen=items_seen, entries=len(records))
    for record in records:
        entry_type, fields = entry_type_and_fields(record, options)
        stats.by_type[entry_type] += 1
        stats.by_kind[record.kind.value] += 1
        has_venue = any(f in fields for f in ("booktitle", "journal", "institution")) or bool(record.ids.arxiv)
        stats.with_authors += bool(record.authors)
        stats.with_year += bool(record.year)
        stats.with_venue += has_venue
        if record.kind == Kind.PAPER:
            stats.papers += 1
            stats.papers_with_authors += bool(record.authors)
            stats.papers_with_year += bool(record.year)
            stats.papers_with_venue += has_venue
    return stats
