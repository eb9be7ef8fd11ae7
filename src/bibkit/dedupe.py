"""One entry per work: the duplicate finder and the record merge.

Tiers, first decisive rule wins:

1. a shared identifier -- arXiv id (an arXiv DataCite DOI counts as one), DOI, ACL
   Anthology id, OpenReview forum id, PMLR id -- or the same main link (posts and
   repositories listed twice) means the same work;
2. the same normalised title (letters *and* digits, Unicode folded, LaTeX and punctuation
   dropped) means the same work when nothing contradicts it: years within one of each
   other and a shared author family name, where both sides have them, and no two
   different identifiers of one scheme; a title alone (no year or author to confirm) must
   be a real title of three words or more, and more than five records under one title
   are reported, not merged;
3. a very similar title (rapidfuzz ratio >= 90) -- a typo, a truncated title -- merges
   under the same guards *and* at least one positive agreement (year or author); a
   title that only adds or drops whole words ("Memory Transformer" / "Memory Transformer
   Networks", "X" / "X: A Survey") or changes a number or a real word is another work
   (``word_difference`` is the rule, and a typo needs the same year and first author).
   Close calls that fail a guard are reported as suspects, never merged.

Exact tiers use hash buckets; the fuzzy tier compares each title with its neighbours in
two sort orders (by title, and by reversed title) -- the sorted-neighbourhood method --
so the work is O(n log n), never all pairs.  Only match keys are compared
(``identity.MatchKey``: title words, tokens, year, kind, published, identifiers), and
author names only where titles or identifiers meet.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from itertools import chain
from operator import attrgetter
from typing import TypeVar

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from . import ids
from .identity import CONFLICT_SCHEMES, MatchKey, family_names, match_key_of
from .model import STAND_IN_TITLE, Kind, Link, Merge, Record, Suspect, fill_gaps
from .text import CJK_CHARS, has_cjk

T = TypeVar("T")
FUZZY_THRESHOLD = 90.0
WINDOW = 6  # neighbours compared in each sort order
MIN_FUZZY_LENGTH = 12  # shorter titles are too generic to match approximately
MAX_TITLE_GROUP = 5  # more records than this under one title are reported, not merged
MIN_TITLE_WORDS = 3  # a title that may merge two records with nothing else in common
RARE_WORD_TITLES = 2  # a word in this many titles or fewer may be a misspelling
MISSPELLING_RATIO = 20  # ... and so may one this many times rarer than a word one edit away


def _is_real_title(words: list[str]) -> bool:
    """Long enough to name one work: not a tool's name or a label ("Gensim", "Techniques"); in
    Chinese or Japanese, eight characters."""
    return len(words) >= MIN_TITLE_WORDS or (len(words) >= 1 and len(_split_cjk(words)) >= 8)


@dataclass(frozen=True)
class Group:
    members: tuple[int, ...]  # indices into the input, in input order
    reason: str  # the rule and value that joined the first pair, e.g. "arxiv:1912.07840"


@dataclass(frozen=True)
class Pair:
    """Records a and b (indices into the input) look alike but were kept apart."""

    a: int
    b: int
    score: float
    why_not: str


@dataclass(frozen=True)
class Findings:
    groups: list[Group]
    suspects: list[Pair]


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))
        self.reason: dict[int, str] = {}

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(self, a: int, b: int, reason: str) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        root, child = min(ra, rb), max(ra, rb)
        self.parent[child] = root
        self.reason.setdefault(root, self.reason.get(child, reason))
        return True


def _id_map(tokens: list[str]) -> dict[str, str]:
    """A record's identifiers by scheme, from its strong tokens, as deduplication compares them
    (an arXiv DataCite DOI is the arXiv id; an ACL Anthology volume id names no single work and
    is left out)."""
    found: dict[str, str] = {}
    for token in tokens:
        scheme, _, value = token.partition(":")
        if scheme != "url":
            found.setdefault(scheme, value.lower())
    return found


def _conflicting_ids(a: MatchKey, b: MatchKey) -> str:
    """Two different identifiers of the same scheme: these are different works."""
    for scheme, va, vb in zip(CONFLICT_SCHEMES, a.ids, b.ids, strict=False):
        if va and vb and va != vb:
            return "different DOIs" if scheme == "doi" else f"different {scheme} ids"
    return ""


def _guard(a: MatchKey, b: MatchKey, fa: set[str], fb: set[str]) -> tuple[str, int]:
    """('' or why they differ, number of positive agreements on year and authors)."""
    conflict = _conflicting_ids(a, b)
    if conflict:
        return conflict, 0
    agreements = 0
    if a.year and b.year:
        if abs(a.year - b.year) > 1:
            return f"years {a.year} and {b.year}", 0
        agreements += 1
    if fa and fb:
        if not fa & fb:
            return "no author in common", 0
        agreements += 1
    return "", agreements


# Kinds of scholarly work one title may be written as: a preprint @misc, its @inproceedings, an
# @article copy, the @proceedings volume or @book it is, a report or thesis version.
_SCHOLARLY = frozenset({Kind.PAPER, Kind.REPORT, Kind.THESIS, Kind.BOOK, Kind.CHAPTER})


def _comparable(a: MatchKey, b: MatchKey) -> bool:
    """Titles are compared between scholarly works, or between items of one kind (posts with
    posts, repositories with repositories)."""
    return a.kind == b.kind or (a.kind in _SCHOLARLY and b.kind in _SCHOLARLY)


# Characters OCR confuses, folded before two words are compared: "Netw0rk", "witli", "rnodel".
_OCR = (("0", "o"), ("1", "l"), ("|", "l"), ("rn", "m"), ("vv", "w"), ("li", "h"))
_YEAR_AT_END = re.compile(r"(?:19|20)\d\d$")
_ROMAN = frozenset("i ii iii iv v vi vii viii ix x xi xii".split())


def _ocr_fold(word: str) -> str:
    for seen, meant in _OCR:
        word = word.replace(seen, meant)
    return word


def word_difference(
    x: str, y: str, misspelt: Callable[[str, str], bool] = lambda x, y: True, last: bool = False
) -> str:
    """How two words of otherwise equal titles differ -- the rule for "a typo or another work":

    - ``"ocr"``: equal once OCR confusions are folded (0/o, 1/l, rn/m, li/h): the same word;
    - ``"truncated"``: one is the start of the other ("Representatio"; any length when it is the
      title's last word, cut off: "Tr" for "Tree"; a last word cut inside a closing year, "20" for
      "2011", "1771-19" for "1771-1910"): the same word;
    - ``"typo"``: an edit or two inside a word (one for words of five letters or fewer; a swap of
      neighbours is one edit), when one can be the other misspelt (``misspelt``: in the file, one
      is rare, or far rarer than the other; "Part"/"Port", "uses"/"users" are two real words):
      the same word, if the authors and year confirm it;
    - ``"number"``: numbers, versions or part numerals differ ("2019"/"2020", "GPT-2"/"GPT-3",
      "Part I"/"Part II"): another work;
    - ``"word"``: another word ("Low"/"Zero", "Graph"/"Grape" when both are common; any
      difference in Chinese or Japanese characters): another work.
    """
    if has_cjk(x) or has_cjk(y):
        return "word"  # a run of Chinese or Japanese characters: each character is a word
    if x in _ROMAN or y in _ROMAN:
        return "number"
    short, long = sorted((x, y), key=len)
    prefix = long.startswith(short) and (last or len(short) >= 3)
    if x.isdigit() or y.isdigit():  # a number, not a digit inside a word ("Netw0rk")
        year = _YEAR_AT_END.search(long)
        if prefix and last and year and len(short) >= year.start() + 2:
            return "truncated"  # a title cut inside its closing year: "..., June 12-16, 20" for "2011"
        return "number"
    cut = long[len(short) :]
    if prefix and short[-1] in "ivx" and not cut.strip("ivx"):
        return "number"  # "Volume-I" / "Volume-II" run together: a part numeral, not a cut word
    if prefix and not any(c.isdigit() for c in cut):
        return "truncated"
    fx, fy = _ocr_fold(x), _ocr_fold(y)
    if fx == fy:
        return "ocr"
    if any(c.isdigit() for c in fx + fy):
        return "number"
    limit = 1 if max(len(fx), len(fy)) <= 5 else 2
    if OSA.distance(fx, fy) <= limit and misspelt(x, y):
        return "typo"
    return "word"


def _unmatched(words: list[str], other: list[str]) -> list[str]:
    """The words of one title the other lacks, counted ("Embeddings ... Embeddings" twice)."""
    present = set(other)
    if len(present) == len(other) and len(set(words)) == len(words):
        return [w for w in words if w not in present]  # no word twice (nearly every title): none to count
    left = Counter(other)
    out = []
    for w in words:
        if left[w]:
            left[w] -= 1
        else:
            out.append(w)
    return out


_CJK_OR_NOT = re.compile(f"[{CJK_CHARS}]|[^{CJK_CHARS}]+")


def _split_cjk(words: list[str]) -> list[str]:
    """A title's folded words, each Chinese or Japanese character a word of its own."""
    if not has_cjk(" ".join(words)):
        return words  # nearly every title: no word to split
    return [part for word in words for part in (_CJK_OR_NOT.findall(word) if has_cjk(word) else (word,))]


def _differs_by_words(
    title_a: list[str], title_b: list[str], misspelt: Callable[[str, str], bool] = lambda x, y: True
) -> tuple[str, bool]:
    """('' or why two similar titles name different works, whether they differ by a typo).

    Another work adds, drops or replaces whole words ("Memory Transformer Networks", "... : A
    Survey", "Graph Convolution"/"Graph Routing") or numbers; the same work differs only inside
    words (see ``word_difference``). A typo needs stronger evidence from the caller.

    Two differences are not words: an "and" one title lacks (an "&" lost by a tool that strips
    LaTeX: "Completion {\\&} Smoothing" / "Completion Smoothing"), and words written apart or
    together ("NLP_HZ" / "NLPHZ"), also with a typo in them."""
    wa, wb = _split_cjk(title_a), _split_cjk(title_b)
    only_a, only_b = _unmatched(wa, wb), _unmatched(wb, wa)
    if len(only_a) != len(only_b):
        only_a, only_b = [w for w in only_a if w != "and"], [w for w in only_b if w != "and"]
        joined_a, joined_b = "".join(only_a), "".join(only_b)
        if joined_a == joined_b:
            return "", False
        if len(only_a) != len(only_b):
            # Words run together and one of them mistyped ("NLP_HZ ... Nearest" / "NLPHZ ...
            # Neaarest") is a typo; anything more (a truncation included) is whole words.
            kind = word_difference(joined_a, joined_b, misspelt) if joined_a and joined_b else "word"
            return ("", True) if kind in ("typo", "ocr") else ("titles differ by whole words", False)
    typo = False
    ends = {wa[-1], wb[-1]} if wa and wb else set()
    for x, y in zip(only_a, only_b, strict=True):
        kind = word_difference(x, y, misspelt, last=x in ends or y in ends)
        if kind == "number":
            return f"different numbers ({x!r} / {y!r})", False  # "Assignments 2017" / "2018", "GPT-2" / "GPT-3"
        if kind == "word":
            return f"different words ({x!r} / {y!r})", False
        typo = typo or kind == "typo"
    return "", typo


MIN_TYPO_WORDS_WITHOUT_NAMES = 6


def _same_authorship(a: MatchKey, b: MatchKey, fa: list[str], fb: list[str], words: int) -> str:
    """A typo'd title is the same work only with the same year, and the same first author and
    author count. Where one side names nobody (a proceedings volume copied without its editors),
    there are no names to compare, and a long title of ``MIN_TYPO_WORDS_WITHOUT_NAMES`` words or
    more must carry the evidence instead."""
    if not (a.year and b.year and a.year == b.year):
        return "a title typo needs the same year"
    if fa and fb:
        if not set(fa[0].split()) & set(fb[0].split()) or len(fa) != len(fb):
            return "a title typo needs the same first author and number of authors"
    elif words < MIN_TYPO_WORDS_WITHOUT_NAMES:
        return f"a title typo without names to compare needs {MIN_TYPO_WORDS_WITHOUT_NAMES} words or more"
    return ""


def close_pairs(titles: list[str], threshold: float) -> list[tuple[int, int, float]]:
    """The neighbour pairs (a, b, similarity) whose folded titles are similar, in the order a
    walk through the two sorted orders (by title, then by reversed title) meets them.

    Each title is compared with the ``WINDOW`` titles after it in one call of rapidfuzz's
    ``process.extract``, which scores them in C and returns only those that reach the threshold:
    one Python call per title, not one per pair."""
    candidates = [i for i, t in enumerate(titles) if len(t) >= MIN_FUZZY_LENGTH]
    ratio, extract = fuzz.ratio, process.extract
    pairs = []
    for order in (sorted(candidates, key=titles.__getitem__), sorted(candidates, key=lambda i: titles[i][::-1])):
        ordered = [titles[i] for i in order]
        close = [
            (pos, step + 1, score)
            for pos, x in enumerate(ordered)
            for y, score, step in extract(
                x, ordered[pos + 1 : pos + 1 + WINDOW], scorer=ratio, score_cutoff=threshold, limit=None
            )
            if y != x
        ]
        close.sort()
        pairs += [(order[pos], order[pos + step], score) for pos, step, score in close]
    return pairs


@dataclass
class _Finder:
    """The state the three tiers share: every record's match key, their folded titles, a
    union-find of the groups so far, the suspects, and family names parsed on demand."""

    keys: Sequence[MatchKey]
    families: Callable[[int], list[str]]  # record i's family names in author order (see family_name)
    titles: list[str] = field(init=False)  # each title folded (identity.normalized_title)
    uf: _UnionFind = field(init=False)
    suspects: dict[tuple[int, int], Pair] = field(default_factory=dict)
    cache: dict[int, list[str]] = field(default_factory=dict)
    family_sets: dict[int, set[str]] = field(default_factory=dict)

    ids: dict[int, dict[str, str]] = field(default_factory=dict)  # group root -> its identifiers, by scheme
    word_counts: Counter[str] | None = None  # titles each word appears in, counted when first needed

    def __post_init__(self) -> None:
        self.titles = [k.title for k in self.keys]
        self.uf = _UnionFind(len(self.keys))

    def group_ids(self, i: int) -> dict[str, str]:
        root = self.uf.find(i)
        if root not in self.ids:
            self.ids[root] = _id_map(self.keys[i].tokens)
        return self.ids[root]

    def join(self, a: int, b: int, reason: str, score: float) -> None:
        """Merge the groups of a and b -- unless that would put two different identifiers of one
        scheme in one work, even through a third record that has neither (different ids never
        merge, directly or transitively): then the pair is reported instead."""
        ia, ib = self.group_ids(a), self.group_ids(b)
        clash = next((k for k in ia.keys() & ib.keys() if ia[k] != ib[k]), None)
        if clash is not None:
            self.suspect(a, b, score, f"would join two different {clash} ids ({ia[clash]} / {ib[clash]})")
            return
        ra, rb = self.uf.find(a), self.uf.find(b)
        if self.uf.union(a, b, reason):
            merged = {**ia, **ib}
            self.ids.pop(ra, None)
            self.ids.pop(rb, None)
            self.ids[self.uf.find(a)] = merged

    def ordered_fam(self, i: int) -> list[str]:
        """Family names in author order (the first author matters for a typo), parsed on demand."""
        if i not in self.cache:
            self.cache[i] = self.families(i)
        return self.cache[i]

    def fam(self, i: int) -> set[str]:
        """The words of all family names: two records share an author when these meet."""
        found = self.family_sets.get(i)
        if found is None:
            found = self.family_sets[i] = {word for name in self.ordered_fam(i) for word in name.split()}
        return found

    def misspelt(self, x: str, y: str) -> bool:
        """Whether one of two words one edit or two apart can be the other misspelt: one is found
        in at most two titles of the input, or in at most a twentieth as many as the other (a
        misspelling repeated in a large file, "learnng" / "learning"). Two words both in common
        use ("Part" / "Port", "uses" / "users") are two words."""
        if self.word_counts is None:
            self.word_counts = Counter(chain.from_iterable(map(set, map(attrgetter("words"), self.keys))))
        fewer, more = sorted((self.word_counts[x], self.word_counts[y]))
        return fewer <= RARE_WORD_TITLES or fewer * MISSPELLING_RATIO <= more

    def suspect(self, a: int, b: int, score: float, why_not: str) -> None:
        pair = (min(a, b), max(a, b))
        self.suspects[pair] = Pair(*pair, score, why_not)

    def guard(self, a: int, b: int) -> tuple[str, int]:
        return _guard(self.keys[a], self.keys[b], self.fam(a), self.fam(b))

    def plainly_different(self, i: int, j: int) -> bool:
        """Other title and no author in common: an identifier shared by two different papers."""
        ti, tj = self.titles[i], self.titles[j]
        if self.keys[i].kind != Kind.PAPER or not (ti and tj):
            return False
        fi, fj = self.fam(i), self.fam(j)
        return bool(fi and fj) and not fi & fj and fuzz.ratio(ti, tj) < 60

    def identifiers(self) -> None:
        """Tier 1: a shared strong token -- unless the two records plainly describe different works:
        real data has identifier collisions (two ACL Anthology papers of one 2006 panel volume under
        one id), and those are reported, not merged."""
        owner: dict[str, int] = {}
        for i, key in enumerate(self.keys):
            for token in key.tokens:
                token = token.lower() if token.startswith("openreview:") else token
                j = owner.setdefault(token, i)
                if j == i:
                    continue
                if self.plainly_different(i, j):
                    self.suspect(i, j, 0.0, f"same {token} but different title and authors")
                else:
                    self.join(j, i, token, 100.0)

    def equal_titles(self) -> None:
        """Tier 2: equal normalised titles, guarded by years and authors."""
        buckets: dict[str, list[int]] = {}
        for i, title in enumerate(self.titles):
            if title:
                buckets.setdefault(title, []).append(i)
        for members in buckets.values():
            if len(members) == 1:
                continue
            if len(members) > MAX_TITLE_GROUP:
                # Many records under one title are a heading or label read as a title, or a series
                # ("System Report"): never one work on the title's words alone.
                for b in members[1:]:
                    self.suspect(members[0], b, 100.0, f"{len(members)} records share this title")
                continue
            for x, a in enumerate(members):
                for b in members[x + 1 :]:
                    self.merge_equal(a, b)

    def merge_equal(self, a: int, b: int) -> None:
        if self.uf.find(a) == self.uf.find(b) or not _comparable(self.keys[a], self.keys[b]):
            return
        why_not, agreements = self.guard(a, b)
        real = _is_real_title(self.keys[a].words)
        if not why_not and (agreements or real):
            self.join(a, b, "title", 100.0)
        elif not why_not:
            self.suspect(a, b, 100.0, "a short title alone, with no year or author to confirm")
        elif real:  # the same real title kept apart (years, authors or identifiers differ): worth a look
            self.suspect(a, b, 100.0, why_not)

    def similar_titles(self, close: list[tuple[int, int, float]]) -> None:
        """Tier 3: similar titles among sorted neighbours (``close_pairs``), judged in walk order."""
        for a, b, score in close:
            if self.uf.find(a) != self.uf.find(b):
                self.merge_similar(a, b, score)

    def merge_similar(self, a: int, b: int, score: float) -> None:
        ka, kb = self.keys[a], self.keys[b]
        if not _comparable(ka, kb):
            return
        words, typo = _differs_by_words(ka.words, kb.words, self.misspelt)
        if not words and typo:
            words = _same_authorship(ka, kb, self.ordered_fam(a), self.ordered_fam(b), len(ka.words))
        if words:
            self.suspect(a, b, round(score, 1), words)
            return
        why_not, agreements = self.guard(a, b)
        if not why_not and agreements:
            self.join(a, b, f"similar-title:{score:.0f}", round(score, 1))
        else:
            self.suspect(a, b, round(score, 1), why_not or "no year or author to confirm")

    def findings(self) -> Findings:
        grouped: dict[int, list[int]] = {}
        for i in range(len(self.keys)):
            grouped.setdefault(self.uf.find(i), []).append(i)
        groups = [Group(tuple(m), self.uf.reason.get(root, "")) for root, m in sorted(grouped.items()) if len(m) > 1]
        live = [s for _, s in sorted(self.suspects.items()) if self.uf.find(s.a) != self.uf.find(s.b)]
        return Findings(groups, live)


def find_duplicates(records: Sequence[Record], threshold: float = FUZZY_THRESHOLD) -> Findings:
    """Group the records that are one work, in three tiers; report the close calls kept apart."""
    return find_duplicate_keys(
        [match_key_of(r) for r in records], lambda i: family_names(records[i].authors), threshold
    )


def find_duplicate_keys(
    keys: Sequence[MatchKey],
    families: Callable[[int], list[str]],
    threshold: float = FUZZY_THRESHOLD,
    similar: Callable[[list[str]], list[tuple[int, int, float]]] | None = None,
) -> Findings:
    """``find_duplicates`` on what matching compares: every record's match key, and author
    names where titles or identifiers meet (``families(i)``: record i's family names in author
    order, see ``identity.family_name``). A .bib reader passes keys read from the entries'
    fields and parses names only when asked: no record is built. ``similar`` gives the
    ``close_pairs`` of the titles where another process searched them (see
    ``bibfile.read_and_pair``)."""
    finder = _Finder(keys, families)
    finder.identifiers()
    finder.equal_titles()
    finder.similar_titles(similar(finder.titles) if similar else close_pairs(finder.titles, threshold))
    return finder.findings()


# ---------------------------------------------------------------------------------------------
# Merging records (the build pipeline)


def lead_rank(record: Record) -> tuple[int, int, int, int]:
    """Which version of a work leads a merge (build and `bibkit dedupe` alike): one that already
    has a key, then a published version over a preprint, then the one with more authors, then one
    with a year."""
    return _rank(bool(record.key), record.published, len(record.authors), record.year)


def key_rank(key: MatchKey, authors: int) -> tuple[int, int, int, int]:
    """``lead_rank`` of an entry of a .bib file (it has a citation key), from its match key and
    number of authors."""
    return _rank(True, key.published, authors, key.year)


def _rank(cited: bool, published: bool, authors: int, year: int | None) -> tuple[int, int, int, int]:
    return (1 if cited else 0, 1 if published else 0, authors, 1 if year else 0)


def _unique(items: tuple[T, ...]) -> tuple[T, ...]:
    return tuple(dict.fromkeys(items))


# Fields a merge takes from another version where the lead has none.
_FILLED = ("authors", "year", "venue", "venue_text", "remark", "url", "nickname", "site", "pages", "volume", "issue")


def merge_records(group: Sequence[Record]) -> Record:
    """Merge records of one work: the best-ranked leads (type, venue, year), the others fill
    gaps; every place, category, link, note and nickname is kept."""
    lead = max(group, key=lead_rank)  # max() keeps the first of equals: deterministic
    merged = lead
    for other in group:
        if other is lead:
            continue
        merged = replace(
            fill_gaps(merged, other, _FILLED),
            others=merged.others if merged.authors else other.others,
            # A preprint's month (from its arXiv id) does not date the published version.
            month=merged.month or (None if merged.published else other.month),
            ids=ids.merge_identifiers(merged.ids, other.ids),
        )
    ordered = sorted(group, key=lambda r: r.source)
    if merged.title_origin == STAND_IN_TITLE:  # a prose sentence never outranks a listed title
        listed = next((r for r in ordered if r.title and r.title_origin != STAND_IN_TITLE), None)
        if listed is not None:
            merged = replace(merged, title=listed.title, origins=listed.origins)
    merged = replace(merged, url=ids.main_url([u for u in (merged.url, *(r.url for r in ordered)) if u]))
    pairs = sorted((s, c) for r in ordered for s, c in zip(r.sources, r.categories, strict=True))
    aliases = tuple(r.key for r in ordered if r.key and r.key != merged.key) + tuple(
        a for r in ordered for a in r.aliases
    )
    return replace(
        merged,
        sources=tuple(s for s, _ in pairs),
        categories=tuple(c for _, c in pairs),
        code=_unique(tuple(c for r in ordered for c in r.code)),
        # Every main link of a merged-away record stays, as a "paper" link.
        links=_unique(
            tuple(link for r in ordered for link in r.links if link.url != merged.url)
            + tuple(Link("paper", r.url) for r in ordered if r.url and r.url != merged.url)
        ),
        notes=_unique(tuple(n for r in ordered for n in r.notes)),
        aliases=_unique(aliases),
    )


def suspects_of(records: Sequence[Record], pairs: list[Pair]) -> list[Suspect]:
    """The pairs kept apart, as the report names them: by where each record was listed."""
    return [
        Suspect(records[p.a].source, records[p.b].source, p.score, p.why_not, (records[p.a].key, records[p.b].key))
        for p in pairs
    ]


def deduplicate(records: list[Record]) -> tuple[list[Record], list[Merge], list[Suspect]]:
    """Merge duplicates; keep first-appearance order. Returns records, merges, suspects."""
    findings = find_duplicates(records)
    in_group = {i: g for g in findings.groups for i in g.members}
    out: list[Record] = []
    merges: list[Merge] = []
    for i, record in enumerate(records):
        group = in_group.get(i)
        if group is None:
            out.append(record)
        elif group.members[0] == i:
            merged = merge_records([records[j] for j in group.members])
            out.append(merged)
            merges.append(Merge(key=merged.key, reason=group.reason, sources=merged.sources))
    return out, merges, suspects_of(records, findings.suspects)
