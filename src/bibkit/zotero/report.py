"""The sync report as plain data (for --json and the summary). Holds no secret."""

from __future__ import annotations

from .sync import SyncReport


def sync_report_dict(report: SyncReport, group: int, endpoint: str, dry_run: bool) -> dict:
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
