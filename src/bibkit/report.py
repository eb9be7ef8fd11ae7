"""Build reports: a short human summary, or JSON for machines."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from .bibtex import entry_type_and_fields
from .pipeline import BuildResult


def _share(part: int, whole: int) -> float:
    return round(part / whole, 3) if whole else 0.0


def as_dict(result: BuildResult, written: dict[Path, str], root: Path) -> dict:
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
            "entries_by_type": dict(sorted(Counter(_types(result)).items())),
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
        "suspected_duplicates": [
            {"a": str(a), "b": str(b), "similarity": score, "why_not_merged": why}
            for a, b, score, why in result.suspects
        ],
        "merges_by_reason": dict(sorted(Counter(m.reason.split(":")[0] for m in result.merges).items())),
        "warnings_by_kind": dict(sorted(Counter(p.kind for p in result.problems).items())),
        "accepted_warnings": [{"file": p.source.file, "line": p.source.line, "kind": p.kind} for p in result.accepted],
        "problems": [
            {
                "file": p.source.file,
                "line": p.source.line,
                "severity": p.severity,
                "kind": p.kind,
                "message": p.message,
            }
            for p in result.problems
        ],
        "files": {rel(path): state for path, state in written.items()},
    }


def _types(result: BuildResult) -> list[str]:
    return [entry_type_and_fields(r)[0] for r in result.records]


def as_json(result: BuildResult, written: dict[Path, str], root: Path) -> str:
    return json.dumps(as_dict(result, written, root), ensure_ascii=False, indent=2)


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
    for s in data["suspected_duplicates"]:
        lines.append(f"  suspected, not merged: {s['a']} ~ {s['b']} ({s['why_not_merged']})")
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
