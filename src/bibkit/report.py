"""Every command's report, in one place: the same JSON shapes (a problem, a suspected
duplicate) in build, dedupe, check and sync, and their short human summaries."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .files import shown
from .model import Problem, Suspect

if TYPE_CHECKING:  # the report formats results; importing what makes them would slow every command
    from .bibdedupe import DedupeResult
    from .pipeline import BuildResult
    from .resolve.online import Endpoint, Plan, SourceStats
    from .zotero.pulling import PullOutcome
    from .zotero.sync import SyncReport

JSON = dict[str, Any]


def problem_dict(p: Problem) -> JSON:
    return {
        "file": p.file,
        "line": p.line,
        "key": p.key,
        "severity": p.severity.value,
        "kind": p.kind,
        "message": p.message,
    }


def problem_dicts(problems: Sequence[Problem]) -> list[JSON]:
    return [problem_dict(p) for p in problems]


def suspect_dict(s: Suspect) -> JSON:
    return {
        "a": str(s.a),
        "b": str(s.b),
        "keys": [k for k in s.keys],
        "similarity": s.score,
        "why_not_merged": s.why_not,
    }


def suspect_line(s: Suspect) -> str:
    a, b = (f"{k} ({src})" if k else str(src) for k, src in zip(s.keys, (s.a, s.b), strict=True))
    return f"suspected, not merged: {a} ~ {b} (title similarity {s.score:g}; {s.why_not})"


def to_json(data: JSON) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def _share(part: int, whole: int) -> float:
    return round(part / whole, 3) if whole else 0.0


def as_dict(result: BuildResult, written: dict[Path, str], root: Path) -> JSON:
    def rel(p: Path) -> str:
        try:
            return p.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            return str(p)

    return {
        "lists": [
            {
                "name": s.name,
                "path": s.path,
                "output": s.output,
                "items_seen": s.items_seen,
                "entries": s.entries,
                "entries_by_type": dict(sorted(s.by_type.items())),
                "entries_by_kind": dict(sorted(s.by_kind.items())),
                "share_with_authors": _share(s.with_authors, s.entries),
                "share_with_year": _share(s.with_year, s.entries),
                "share_with_venue": _share(s.with_venue, s.entries),
                "papers": s.papers,
                "papers_share_with_authors": _share(s.papers_with_authors, s.papers),
                "papers_share_with_year": _share(s.papers_with_year, s.papers),
                "papers_share_with_venue": _share(s.papers_with_venue, s.papers),
                "identifiers_linked": s.identifiers_linked,
                "identifiers_in_entries": s.identifiers_in_entries,
            }
            for s in result.lists
        ],
        "combined": {
            "path": rel(result.combined_path),
            "items_before_deduplication": sum(s.items_seen for s in result.lists),
            "entries": len(result.records),
            "entries_by_type": dict(sorted(result.entry_types.items())),
        },
        "merges": [{"key": m.key, "reason": m.reason, "sources": [str(s) for s in m.sources]} for m in result.merges],
        "resolution": {
            "resolver": result.resolver or None,
            "resolved": len(result.resolutions),
            "preprints_upgraded": sum(r.upgraded for r in result.resolutions),
            "coverage_of_papers": result.coverage,
            "entries": [
                {"source": r.key_or_source, "from": r.source, "fields": list(r.fields), "upgraded": r.upgraded}
                for r in result.resolutions
            ],
        },
        "suspected_duplicates": [suspect_dict(x) for x in result.suspects],
        "merges_by_reason": dict(sorted(Counter(m.reason.split(":")[0] for m in result.merges).items())),
        "warnings_by_kind": dict(sorted(Counter(p.kind for p in result.problems).items())),
        "accepted_warnings": problem_dicts(result.accepted),
        "problems": problem_dicts(result.problems),
        "files": {rel(path): state for path, state in written.items()},
    }


def as_json(result: BuildResult, written: dict[Path, str], root: Path) -> str:
    return to_json(as_dict(result, written, root))


KEPT = "kept (an input is missing)"


def as_text(
    result: BuildResult, written: dict[Path, str], root: Path, max_problems: int = 30, dry_run: bool = False
) -> str:
    data = as_dict(result, written, root)
    lines = []
    for s in data["lists"]:
        types = ", ".join(f"{n} {t}" for t, n in s["entries_by_type"].items())
        lines.append(
            f"{s['path']}: {s['items_seen']} items -> {s['entries']} entries ({types}); "
            f"authors {s['share_with_authors']:.0%}, year {s['share_with_year']:.0%}, "
            f"venue {s['share_with_venue']:.0%}; "
            f"{s['identifiers_in_entries']}/{s['identifiers_linked']} linked paper identifiers are entries"
        )
    c = data["combined"]
    lines.append(f"{c['path']}: {c['entries']} entries, {len(data['merges'])} merged duplicates")
    for m in data["merges"]:
        lines.append(f"  merged {m['key']} ({m['reason']}): {', '.join(m['sources'])}")
    for suspect in result.suspects:
        lines.append("  " + suspect_line(suspect))
    res = data["resolution"]
    if res["resolver"]:
        before = res["coverage_of_papers"]["before_resolution"]
        after = res["coverage_of_papers"]["after_resolution"]
        lines.append(
            f"resolved {res['resolved']} papers from {res['resolver']} ({res['preprints_upgraded']} preprints "
            f"upgraded); papers with authors {before['authors']:.0%} -> {after['authors']:.0%}, "
            f"venue {before['venue']:.0%} -> {after['venue']:.0%}"
        )
    else:
        lines.append("official metadata not used (--no-resolve)")
    if result.accepted:
        lines.append(f"{len(result.accepted)} warning(s) accepted in bibkit.toml ([build] accept)")
    if result.problems:
        kinds = ", ".join(f"{k} {n}" for k, n in data["warnings_by_kind"].items())
        lines.append(f"{len(result.problems)} warnings ({kinds})")
        for p in result.problems[:max_problems]:
            lines.append(f"  {p}")
        if len(result.problems) > max_problems:
            lines.append(f"  ... {len(result.problems) - max_problems} more (use --json for all)")
    by_state: dict[str, list[str]] = {}
    for name, state in data["files"].items():
        by_state.setdefault(state, []).append(name)
    kept = by_state.get(KEPT, [])
    if kept:
        lines.append(f"not written, an input is missing: {', '.join(kept)}")
    if dry_run:
        would = by_state.get("would write", [])
        lines.append(
            f"dry run: nothing written; {len(would)} file(s) would change" + (f": {', '.join(would)}" if would else "")
        )
    else:
        changed = by_state.get("written", [])
        current = " (all up to date)" if set(by_state) == {"unchanged"} else ""
        lines.append(f"wrote {len(changed)} file(s)" + (f": {', '.join(changed)}" if changed else current))
    return "\n".join(lines)


# --- bibkit dedupe --------------------------------------------------------------------------------


def dedupe_dict(result: DedupeResult, file: Path, output: Path | None, in_place: bool, written: bool) -> JSON:
    return {
        "file": str(file),
        "output": None if output is None else str(output),
        "in_place": in_place,
        "written": written,
        "entries_before": result.entries_before,
        "entries_after": result.entries_after,
        "groups": [
            {"key": g.key, "merged": list(g.merged), "reason": g.reason, "lines": list(g.lines)} for g in result.groups
        ],
        "suspected_duplicates": [suspect_dict(x) for x in result.suspects],
        "problems": problem_dicts(result.bib.problems),
    }


def dedupe_lines(result: DedupeResult, dry_run: bool, wrote: Path | None) -> list[str]:
    lines = [
        f"{g.key} <- {', '.join(g.merged)} ({g.reason}; lines {', '.join(map(str, g.lines))})" for g in result.groups
    ]
    lines += [suspect_line(x) for x in result.suspects]
    verb = "would merge" if dry_run else "merged"
    lines.append(
        f"{result.entries_before} entries -> {result.entries_after}; {verb} {len(result.groups)} group(s)"
        + (f"; wrote {wrote}" if wrote is not None else "")
    )
    return lines


# --- bibkit check ---------------------------------------------------------------------------------


def check_dict(
    files: Sequence[Path], findings: Sequence[Problem], accepted: Sequence[Problem], toolchains: list[str] | None
) -> JSON:
    errors = sum(p.is_error for p in findings)
    return {
        "files": [str(p) for p in files],
        "latex": toolchains,
        "errors": errors,
        "warnings": len(findings) - errors,
        "accepted": problem_dicts(accepted),
        "findings": problem_dicts(findings),
    }


def check_summary(
    files: Sequence[Path], findings: Sequence[Problem], accepted: Sequence[Problem], toolchains: list[str] | None
) -> str:
    errors = sum(p.is_error for p in findings)
    ran = "" if toolchains is None else f"; LaTeX: {', '.join(toolchains) or 'no toolchain installed'}"
    shown = f", {len(accepted)} accepted in bibkit.toml" if accepted else ""
    return f"{len(files)} file(s): {errors} error(s), {len(findings) - errors} warning(s){shown}{ran}"


# --- bibkit sync ----------------------------------------------------------------------------------


def sync_dict(report: SyncReport, group: int, endpoint: str, dry_run: bool) -> JSON:
    plan = report.plan
    actions = plan.actions if plan else []
    if dry_run and plan is not None:
        created = [a.citation_key for a in plan.of("create")]
        updated = [a.citation_key for a in plan.of("update")]
        trashed = [a.citation_key for a in plan.of("trash")]
    else:
        created, updated, trashed = report.created, report.updated, report.trashed
    return {
        "group": group,
        "endpoint": endpoint,
        "dry_run": dry_run,
        "ok": report.ok,
        "created": created,
        "updated": updated,
        "unchanged": report.unchanged,
        "trashed": trashed,
        "conflicts": report.conflicts,
        "foreign": report.foreign,
        "failed": report.failed,
        "collections_created": len(plan.collections) if dry_run and plan else report.collections_created,
        "notes_created": len(plan.notes) if dry_run and plan else report.notes_created,
        "requests": report.requests,
        "rounds": report.rounds,
        "plan": {
            "collections_to_create": plan.collections if plan else [],
            "writes": [
                {"action": a.kind, "citation_key": a.citation_key, "fields": list(a.fields), "object": a.payload}
                for a in actions
                if a.payload is not None
            ],
            "notes_to_create": plan.notes if plan else [],
        },
    }


def sync_summary(data: JSON) -> str:
    verb = "would" if data["dry_run"] else ""
    lines = [
        f"{'plan' if data['dry_run'] else 'synced'} group {data['group']}: "
        f"{verb + ' ' if verb else ''}create {len(data['created'])}, update {len(data['updated'])}, "
        f"unchanged {data['unchanged']}, trash {len(data['trashed'])}, collections {data['collections_created']}, "
        f"notes {data['notes_created']}; {data['requests']} requests",
    ]
    for c in data["conflicts"]:
        lines.append(
            f"  conflict {c['citation_key']}: {', '.join(c['fields'])} changed in Zotero (kept; --force overwrites)"
        )
    for f in data["failed"]:
        lines.append(f"  failed {f['key']}: HTTP {f['code']} {f['message']}")
    for k in data["foreign"]:
        lines.append(f"  skipped {k}: its key is held by an item bibkit did not create")
    return "\n".join(lines)


def offline_plan_dict(
    origin: str, items: list[JSON], collections: list[JSON], notes: list[JSON], files: dict[str, list[str]]
) -> JSON:
    return {
        "source": origin,
        "group": None,
        "dry_run": True,
        "offline": True,
        "collections_to_create": collections,
        "items_to_create": items,
        "notes_to_create": notes,
        "files_not_uploaded": files,  # citation key -> attachment paths the .bib names
    }


def offline_plan_summary(data: JSON) -> str:
    return (
        f"offline plan for {data['source']}: create {len(data['collections_to_create'])} collections, "
        f"{len(data['items_to_create'])} items, {len(data['notes_to_create'])} notes "
        "(no --group: nothing read or written)"
    )


def resolve_dict(
    lock: Path,
    plan: Plan,
    points: dict[str, Endpoint],
    stats: dict[str, SourceStats] | None,
    before: dict[str, float],
    after: dict[str, float] | None,
    seconds: float,
) -> JSON:
    """`bibkit resolve`: what it asks (a dry run) or asked, per source, and the coverage it made."""
    planned = plan.requests()
    ask: dict[str, JSON] = {
        "arxiv": {"ids": len(plan.arxiv), "requests": planned["arxiv"]},
        "s2": {"ids": len(plan.s2), "requests": planned["s2"]},
        "dblp": {
            "titles": len(plan.titles),
            "requests": planned["dblp_search"],
            "plus": "one per published version named",
        },
        "crossref": {"requests": 0, "plus": "one per DOI DBLP does not cover"},
    }
    for name, entry in ask.items():
        entry.update({"url": points[name].base, "interval_seconds": points[name].interval})
    data: JSON = {
        "lock": str(lock),
        "dry_run": stats is None,
        "plan": ask,
        "refreshed": len(plan.refreshed),
        "pending_from_earlier_runs": planned["pending"],
    }
    if stats is not None:
        data["sources"] = {name: s.as_dict() for name, s in stats.items()}
        data["matched_by_title"] = sorted(plan.titles)  # the rest are asked by identifier
        data["seconds"] = round(seconds, 2)
    data["coverage"] = {"before": before, "after": after if after is not None else before}
    return data


def resolve_summary(data: JSON) -> str:
    plan = data["plan"]
    lines = []
    if data["dry_run"]:
        lines.append(
            f"would ask arXiv about {plan['arxiv']['ids']} ids ({plan['arxiv']['requests']} requests, "
            f"{plan['arxiv']['interval_seconds']:g} s apart, {plan['arxiv']['url']}), Semantic Scholar about "
            f"{plan['s2']['ids']} ({plan['s2']['requests']} requests, {plan['s2']['url']}), DBLP about "
            f"{plan['dblp']['titles']} titles ({plan['dblp']['requests']} requests, {plan['dblp']['url']}); then DBLP "
            f"and Crossref ({plan['crossref']['url']}) once per published version found"
            + (
                f", and {data['pending_from_earlier_runs']} left by an earlier run"
                if data["pending_from_earlier_runs"]
                else ""
            )
            + f"; at least {data.get('seconds_at_least', 0):g} s of pauses between requests"
        )
    else:
        for name, s in data["sources"].items():
            skipped = f"; skipped: {s['skipped']}" if s["skipped"] else ""
            lines.append(
                f"{name}: asked {s['asked']}, answered {s['answered']}, adopted {s['adopted']}, failed {s['failed']} "
                f"in {s['requests']} requests{skipped}"
            )
        lines.append(f"lock: {data['lock']} ({data['seconds']:g} s)")
    cov = data["coverage"]
    for when in ("before", "after"):
        c = cov[when]
        lines.append(
            f"{when}: {c['papers']} papers; authors {c['authors']:.0%}, year {c['year']:.0%}, venue or arXiv id "
            f"{c['venue']:.0%}, published venue {c['published']:.0%}"
        )
    return "\n".join(lines)


def pull_dict(outcome: PullOutcome, group: int, dry_run: bool, root: Path) -> JSON:
    """`bibkit pull`: what the group changed, and what the lists and overrides become."""
    plan = outcome.plan
    data: JSON = {"group": group, "dry_run": dry_run, "requests": outcome.requests, "changed": plan is not None}
    if plan is None:
        return data
    data.update(
        {
            "library_version": plan.version,
            "new_lines": [
                {
                    "file": shown(n.file, root),
                    "under": "/".join(n.path),
                    "line": n.text,
                    "zotero_key": n.zotero_key,
                    "by": n.by,
                }
                for n in plan.new
            ],
            "corrections": [
                {"key": c.key, "field": c.field, "value": c.value, "by": c.by, "at": c.at} for c in plan.corrections
            ],
            "conflicts": [
                {"key": c.key, "field": c.field, "list": c.list_value, "zotero": c.zotero_value, "by": c.by}
                for c in plan.conflicts
            ],
            "removals": [
                {"key": r.key, "why": r.why, "where": [f"{f}:{n}" for f, n in r.where]} for r in plan.removals
            ],
            "tags_added_in_zotero": plan.tags,
            "not_placed": [{"zotero_key": k, "title": t, "why": w} for k, t, w in plan.unplaced],
            "files": sorted(shown(p, root) for p in outcome.files),
        }
    )
    return data


def pull_summary(data: JSON) -> str:
    if not data["changed"]:
        return f"nothing changed in group {data['group']} since the last sync or pull ({data['requests']} request)"
    verb = "would change" if data["dry_run"] else "changed"
    lines = [
        f"{len(data['new_lines'])} new list line(s), {len(data['corrections'])} correction(s), "
        f"{len(data['conflicts'])} conflict(s), {len(data['removals'])} removal(s) reported; "
        f"{verb}: {', '.join(data['files']) or 'nothing'} ({data['requests']} requests)"
    ]
    lines += [f"  new under {n['under']} ({n['file']}): {n['line'].strip()}" for n in data["new_lines"]]
    lines += [f"  corrected {c['key']}.{c['field']} by {c['by'] or 'someone'}" for c in data["corrections"]]
    lines += [
        f"  conflict {c['key']}.{c['field']}: the list has {c['list']!r}, Zotero {c['zotero']!r} "
        "(kept; choose with --prefer zotero|list or edit the overrides file)"
        for c in data["conflicts"]
    ]
    lines += [f"  {r['key']}: {r['why']} ({', '.join(r['where'])})" for r in data["removals"]]
    lines += [f"  {key}: tags added in Zotero: {', '.join(tags)}" for key, tags in data["tags_added_in_zotero"].items()]
    lines += [f"  not placed: {n['title']!r} ({n['zotero_key']}): {n['why']}" for n in data["not_placed"]]
    return "\n".join(lines)
