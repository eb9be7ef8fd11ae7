"""`bibkit pull` at the edges: three reads from the group, the plan, and the files it would write.

Reads: the item versions changed since the state file's library version (one request, a 304
when nothing changed), those items with their ``meta`` (one request per 50), and the items
deleted since (one request). The plan is ``pull.plan_pull``; the new list texts, the overrides
file and the state are computed here, and written by the caller (every file or none).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..config import Config
from ..files import shown
from ..model import Record
from ..overrides import Overrides
from ..sources.markdown.write import block_end
from .gateway import Gateway
from .pull import Prefer, PullPlan, adoption_overrides, apply_lines, plan_pull
from .sync import SyncState


@dataclass
class PullOutcome:
    plan: PullPlan | None  # None: nothing changed in the group
    files: dict[Path, tuple[str, str]] = field(default_factory=dict)  # path -> (old text, new text), changed only
    requests: int = 0


def run_pull(
    config: Config,
    records: list[Record],
    gateway: Gateway,
    state: SyncState,
    *,
    prefer: Prefer = "",
    apply_removals: bool = False,
    rebuild: Callable[[dict[Path, str]], list[Record]] | None = None,
) -> PullOutcome:
    """Read what changed and compute the new files. ``rebuild`` builds the lists from given texts
    (the records a build would make of the new lines, for their keys)."""
    changes = gateway.changes_since(state.library_version, collections=False)
    if changes is None:
        return PullOutcome(None, requests=gateway.requests)
    changed = gateway.get_items_with_meta(sorted(changes.items)) if changes.items else []
    deleted = gateway.deleted_since(state.library_version)
    texts = {spec.name: (spec.path, spec.path.read_text("utf-8")) for spec in config.lists}
    overrides = Overrides.load(config.overrides_path)
    old_overrides = overrides.text() if config.overrides_path.exists() else ""
    plan = plan_pull(records, state.written, changed, deleted, changes.version, texts, overrides, prefer)

    removals: dict[str, list[tuple[int, int]]] = {}
    if apply_removals:
        lines_of = {str(path): text.split("\n") for path, text in texts.values()}
        shown_to_path = {shown(path, config.root): str(path) for path, _ in texts.values()}
        for removal in plan.removals:
            for file, line in removal.where:
                target = shown_to_path.get(file)
                if target is not None and line > 0:
                    removals.setdefault(target, []).append((line - 1, block_end(lines_of[target], line - 1)))
    new_texts: dict[Path, str] = {}
    placed: dict[str, tuple[str, int]] = {}
    for path, text in texts.values():
        mine = [n for n in plan.new if n.file == path]
        updated, positions = apply_lines(text, mine, removals.get(str(path), []))
        new_texts[path] = updated
        placed.update({key: (shown(path, config.root), line) for key, line in positions.items()})
    for correction in plan.corrections:
        overrides.set(correction.key, correction.field, correction.value, correction.by, correction.at)
    if plan.new and rebuild is not None:
        built = rebuild(new_texts)
        for key, name, value, by, at in adoption_overrides(plan.new, placed, built, plan.remote):
            overrides.set(key, name, value, by, at)
    files = {path: (text, new_texts[path]) for path, text in texts.values() if new_texts[path] != text}
    new_overrides = overrides.text()
    if overrides.entries and new_overrides != old_overrides:
        files[config.overrides_path] = (old_overrides, new_overrides)
    return PullOutcome(plan, files, gateway.requests)


def advance_state(state: SyncState, plan: PullPlan) -> None:
    """After the files are written: the library version pulled, and Zotero's state of every item
    the pull took in as the new baseline (so a sync sees nothing to write for them)."""
    state.library_version = plan.version
    for key, data in plan.remote.items():
        state.items[key] = data
        if key in plan.corrected_items or any(n.zotero_key == key for n in plan.new):
            state.remember_written(data)  # Zotero's state of it is the baseline now
