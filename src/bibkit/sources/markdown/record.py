"""A candidate to a ``Record``: links, identifiers, venue, kind and authors, read the same way
for every form.  Identifier links that belong to another work are handed back unclaimed."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ... import ids
from ...model import Identifiers, Kind, Link, Person, Problem, Record, Severity, Source
from ...normalize.names import parse_authors, parse_creator
from ...normalize.titles import clean_title
from ...normalize.venues import looks_like_venue
from .forms import Candidate, venue_in
from .roles import split_title_tail, venue_marker
from .segments import Segment
from .titles import PAPER_LABELS, is_label, is_url_text

SOCIAL_HOSTS = frozenset(
    {
        "twitter.com",
        "x.com",
        "mobile.twitter.com",
        "youtube.com",
        "youtu.be",
        "linkedin.com",
        "facebook.com",
        "reddit.com",
        "news.ycombinator.com",
        "bsky.app",
        "threads.net",
    }
)
_MD_RESIDUE = re.compile(r"\]\(|\[\[|\*\*|\[[^\]]*$|<a\s")


@dataclass(frozen=True)
class Context:
    file: str
    list_name: str
    path: tuple[str, ...]
    line: int

    @property
    def source(self) -> Source:
        return Source(self.file, self.line, self.list_name)

    def problem(self, kind: str, message: str, severity: Severity = Severity.WARNING) -> Problem:
        return Problem(self.source, kind, message, severity)


def markdown_residue(segments: list[Segment] | tuple[Segment, ...]) -> re.Match[str] | None:
    """Markdown that did not parse (an unclosed '**', '[[', '](') left in an item's text."""
    return _MD_RESIDUE.search(" ".join(s.text for s in segments if not s.is_link))


def label_of(seg: Segment) -> str:
    return seg.text.strip().strip("[]").strip()


def resolve_href(seg: Segment, ctx: Context, problems: list[Problem]) -> str:
    href = seg.href or ""
    if not href.strip():
        problems.append(ctx.problem("empty-link", f"link [{label_of(seg)}] has no target; skipped"))
        return ""
    if not ids.has_scheme(href.strip()) and not href.startswith(("#", "/", "mailto:", "./", "../")):
        fixed = ids.clean_url(href)
        problems.append(
            ctx.problem("link-without-scheme", f"link [{label_of(seg)}]({href}) has no scheme; read as {fixed}")
        )
        return fixed
    return ids.clean_url(href)


def conflicts(a: Identifiers, b: Identifiers) -> bool:
    """Two identifier sets that name different works: one scheme, two values."""
    da, db = dict(a.as_pairs()), dict(b.as_pairs())
    return any(da[k] != db[k] for k in da.keys() & db.keys())


@dataclass
class _Links:
    """What the rest of an item links: the work's own links and identifiers, and the others."""

    identifiers: Identifiers
    paper_urls: list[str]
    code: list[str]
    links: list[Link]
    labels: set[str]
    unclaimed: list[Segment]

    def add(self, seg: Segment, href: str, *, titled: bool) -> None:
        label = label_of(seg)
        low = label.lower()
        found = ids.link_identifiers(href)
        if found.as_pairs():
            # A paper label ([pdf], [arXiv]) names the work's own link; any other label ([Project],
            # [Book]) does too while the work has no identifier yet.  A titled link is another work.
            labelled = is_label(seg.text)
            paper_label = low in PAPER_LABELS or "paper" in low or "pdf" in low
            own = labelled and (paper_label or not self.identifiers.as_pairs())
            if conflicts(self.identifiers, found) or (not own and not _within(found, self.identifiers)):
                self.unclaimed.append(seg)  # another work's identifier: it becomes its own entry
                return
            self.identifiers = ids.merge_identifiers(self.identifiers, found)
            if not titled:  # the work's own identifier link is a paper link, whatever its label
                self.labels.add(low)
                self.paper_urls.append(href)
                return
        if titled:
            self.links.append(Link(clean_title(seg.text) or "link", href))
            return
        self.labels.add(low)
        if ("code" in low and "paper" not in low) or "implementation" in low or low in ("github", "代码"):
            if href not in self.code:
                self.code.append(href)
        elif low in PAPER_LABELS or low in ("book", "slides", "slide"):
            if "code" in low:
                self.code.append(href)
            self.paper_urls.append(href)
        else:
            self.links.append(Link(label, href))


def _within(found: Identifiers, have: Identifiers) -> bool:
    mine = set(have.as_pairs())
    return all(pair in mine for pair in found.as_pairs())


@dataclass
class _Rest:
    """What an item says after its title: links (sorted into the work's own, code, others and
    other works'), a bold nickname, and its free text."""

    links: _Links
    nickname: str
    text: str
    venue: str = ""  # a venue marker among the spans: "**[ICCV' 17]**"


def _read_rest(c: Candidate, first_url: str, ctx: Context, problems: list[Problem]) -> _Rest:
    found = _Links(ids.link_identifiers(first_url), [first_url] if first_url else [], list(c.code), [], set(), [])
    nickname = ""
    venue = ""
    free_text: list[str] = []
    for seg in c.rest:
        marker = venue_marker(seg.text) if not seg.is_link else None
        if seg.is_link:
            href = resolve_href(seg, ctx, problems)
            if href:
                found.add(seg, href, titled=not is_label(seg.text) and c.form != "link")
        elif marker is not None:
            venue = venue or f"{marker[0]} {marker[1]}"
            free_text.append(" ")
        elif seg.strong and seg.text.strip(" ()（）-"):
            nickname = nickname or seg.text.strip(" ()（）")
        else:
            free_text.append(seg.text)
    return _Rest(found, nickname, " ".join("".join(free_text).split()), venue)


def _main_link(c: Candidate, found: _Links) -> tuple[str, list[Link]]:
    """The work's url and its other links. Without a paper link, the work's page ([Project],
    [Blog]) is its link, never a tweet; further paper links ([[arXiv]] beside [[paper]]) stay."""
    url = ids.main_url(found.paper_urls)
    others = list(found.links)
    if not url:
        page = next((link for link in others if ids.host_of(link.url) not in SOCIAL_HOSTS), None)
        if page is not None and not (c.form == "link" and c.title_link is None):
            url = page.url
            others.remove(page)
    extra = [Link("paper", u) for u in dict.fromkeys(found.paper_urls) if u != url and "arxiv.org/abs/" not in u]
    return url, others + extra


_AUTHORS_VENUE = re.compile(r"^[-–—:]?\s*([A-Z][^,]*?(?:,\s*[A-Z][^,]*?)*?\s+et\s+al\.?),\s*(.+?)\.?$")
_BY_AUTHOR = re.compile(r"^by\s+([^,]+?),?\s+((?:19|20)\d{2})\b\s*(?:[-–—:]\s*(.*))?$")


def _link_item_text(text: str, venue_text: str) -> tuple[str, str, str]:
    """A link item's trailing text as (venue or year, description, "by" author):
    '- a description', 'by Org, 2023 - prose', '(ACL 2019)'."""
    m = _BY_AUTHOR.match(text)
    if m:
        return m.group(2), m.group(3) or "", m.group(1)
    cited = _AUTHORS_VENUE.match(text)  # "- Devlin et al., NAACL 2019"
    if cited and looks_like_venue(cited.group(2)):
        return cited.group(2), "", cited.group(1)
    dm = re.search(r"(?:^|\s)[-–—:：]\s+(.+)$", text)
    if dm and not looks_like_venue(dm.group(1)):
        return venue_text, dm.group(1).strip(), ""
    if text and not venue_text:
        return venue_text, text.strip(" -–—"), ""
    return venue_text, "", ""


def _authors(
    c: Candidate, by_author: str, title: str, ctx: Context, problems: list[Problem]
) -> tuple[tuple[Person, ...], bool]:
    if c.authors_text:
        if _same_text(c.authors_text, title):
            problems.append(
                ctx.problem("authors-repeat-title", "the authors part repeats the title; authors left empty")
            )
            return (), False
        return parse_authors(c.authors_text)
    if re.search(r"\bet\s+al\b", by_author):
        return parse_authors(by_author)  # "Devlin et al."
    return ((parse_creator(by_author),), False) if by_author else ((), False)


def build_record(c: Candidate, ctx: Context) -> tuple[Record | None, list[Problem], list[Segment]]:
    """The record a candidate describes, the problems met, and identifier links it does not claim."""
    problems: list[Problem] = []
    residue = markdown_residue(c.rest)
    if residue:
        problems.append(
            ctx.problem("markdown-residue", f"unbalanced Markdown near {residue.group(0)!r}; read as well as possible")
        )
    first_url = resolve_href(c.title_link, ctx, problems) if c.title_link is not None else ""
    rest = _read_rest(c, first_url, ctx, problems)
    found = rest.links
    url, links = _main_link(c, found)
    venue_text = c.venue_text or rest.venue or venue_in(rest.text)
    description, by_author = "", ""
    if c.form == "link":
        venue_text, description, by_author = _link_item_text(rest.text, venue_text)
    description = description.strip(" -–—:;,|")
    title = clean_title(c.title)
    tail = split_title_tail(title)  # "Title (Kitaev & Klein)", "Title (See et al.)", "Title (FTGC)"
    if tail.authors and not c.authors_text:
        title, c = tail.title, replace(c, authors_text=tail.authors)
    elif tail.alias and not c.alias:
        title, c = tail.title, replace(c, alias=tail.alias)
    elif tail.note:
        title, c = tail.title, replace(c, notes=(tail.note, *c.notes))
    if not title:
        problems.append(ctx.problem("empty-title", "item has no title"))
        return None, problems, found.unclaimed
    if c.form == "link" and not first_url and not (url or found.code or found.links):
        return None, problems, found.unclaimed  # "[Title]()": reported as an empty link, no entry
    kind = _kind_of(c.form, url, found.labels, venue_text, ctx.path)
    authors, others = _authors(c, by_author, title, ctx, problems)
    site = ""
    if kind in (Kind.ARTICLE, Kind.WEBPAGE, Kind.REPOSITORY):
        title, authors = _creator_and_title(title, url, authors)
        if url:
            site = ids.host_of(url) if kind == Kind.REPOSITORY else (ids.article_site(url) or ids.host_of(url))
    if kind == Kind.PAPER and is_url_text(title):
        problems.append(ctx.problem("empty-title", f"paper has only its link as title: {title}"))
        return None, problems, found.unclaimed + ([c.title_link] if c.title_link is not None else [])
    year, month = c.year, c.month
    if year is None and kind in (Kind.ARTICLE, Kind.WEBPAGE) and url:
        year, month = ids.date_from_url(url) or (None, None)
    record = Record(
        kind=kind,
        title=title,
        sources=(ctx.source,),
        authors=authors,
        others=others,
        year=year,
        month=month,
        venue_text=venue_text,
        ids=found.identifiers,
        url=url,
        code=tuple(found.code),
        links=tuple(links),
        nickname=clean_title(c.alias or rest.nickname),
        site=site,
        categories=(ctx.path,),
        notes=tuple(n for n in (*c.notes, description) if any(ch.isalnum() for ch in n)),
        origins=c.origins,
        volume=c.volume,
        issue=c.issue,
        pages=c.pages,
    )
    return record, problems, found.unclaimed


def _same_text(a: str, b: str) -> bool:
    def norm(s: str) -> str:
        return re.sub(r"\W", "", s.lower())

    return norm(a) == norm(b)


_PAPER_FORMS = ("bold", "plain", "citation", "label-first", "tool-paper")


def _kind_of(form: str, url: str, labels: set[str], venue_text: str, path: tuple[str, ...]) -> Kind:
    if "book" in labels:
        return Kind.BOOK
    if labels & {"slides", "slide"} and not labels & PAPER_LABELS:
        return Kind.SLIDES
    if form in _PAPER_FORMS:
        return Kind.PAPER
    section = " ".join(path[-1:]).lower()
    if url and ids.is_paper_url(url):
        return Kind.PAPER
    if url and ids.repository_of(url):
        return Kind.REPOSITORY
    if venue_text or (form == "table" and labels & PAPER_LABELS):
        return Kind.PAPER
    if url and ids.article_site(url):
        return Kind.ARTICLE
    if any(w in section for w in ("blog", "post", "article", "博客", "文章")):
        return Kind.ARTICLE
    return Kind.WEBPAGE


def _creator_and_title(title: str, url: str, authors: tuple[Person, ...]) -> tuple[str, tuple[Person, ...]]:
    """'Author / Title' link texts, 'owner / repo' repositories, and bare-URL titles."""
    repo = ids.repository_of(url) if url else None
    if is_url_text(title) or title.rstrip("/") == url.rstrip("/"):
        if repo:
            return repo[1], authors or (Person(last=repo[0], literal=True),)
        shown = re.sub(r"^https?://(www\.)?", "", title).rstrip("/")
        return shown, authors
    if " / " in title:
        creator, _, rest = title.partition(" / ")
        if creator.strip() and rest.strip():
            return rest.strip(), authors or (parse_creator(creator.strip()),)
    if repo and not authors:
        return title, (Person(last=repo[0], literal=True),)
    return title, authors
