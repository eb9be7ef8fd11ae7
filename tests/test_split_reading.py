"""Reading a large .bib file on two cores: the second half is read in a forked child, and the
halves are joined as if the file had been read at once (the same blocks, lines, fields, problems,
keys, records and match keys), whatever the file holds and wherever the cut falls: crossrefs
across the cut, keyless entries, keys used twice, blocks that do not parse, comments."""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bibkit import forked
from bibkit.bibdedupe import dedupe_text
from bibkit.dedupe import FUZZY_THRESHOLD, close_pairs
from bibkit.sources import bibfile
from bibkit.sources.bibfile import BibFile, read_for_matching
from bibkit.sources.bibscan import UnreadBlock

ENTRIES = [
    "@inproceedings{{k{i}, title = {{Attention Is All You Need {i}}}, author = {{Vaswani, Ashish and Shazeer, Noam}},"
    " year = 2017, booktitle = {{NeurIPS}}, doi = {{10.5555/{i}}}}}",
    '@article{{k{i},\n  title = "M{{\\"u}}ller on {{BERT}} {i}",\n  journal = {{arXiv preprint arXiv:1810.0{i:04d}}},\n'
    "  month = mar,\n  year = {{2019}}\n}}",
    "@inproceedings(k{i}, title = {{Paper {i} of the Proceedings}}, crossref = {{proc}}, author = {{Doe, J.}})",
    "@inproceedings{{k{i}, title = {{A paper {i} whose editors are its proceedings'}}, crossref = {{proc}}}}",
    "@misc{{, title = {{A keyless entry about graphs {i}}}, year = 2020}}",
    "@misc{{dup, title = {{Key used twice {i}}}, url = {{https://github.com/org/repo{i}}}}}",
    "@book{{k{i}, title = {{Broken {i}, year = 2001}}\n",
    "@article{{k{i}, author = {{Miller, D., Firby, J., Fox, M.}}, title = {{Comma names {i}}}, year = 1999}}",
    "@webpage{{k{i}, title = {{An unknown type {i}}}, url = {{https://example.org/{i}}}}}",
    "@proceedings{{proc, title = {{Proceedings of Things}}, year = 2019, editor = {{Ed, Itor}}, publisher = {{ACM}}}}",
    "% a comment {i}",
    "@comment{{nothing {i} here}}",
]


@st.composite
def bib_text(draw: st.DrawFn) -> str:
    forms = draw(st.lists(st.integers(min_value=0, max_value=len(ENTRIES) - 1), min_size=1, max_size=14))
    gaps = draw(st.lists(st.sampled_from(["\n", "\n\n", "\n\n\n"]), min_size=len(forms), max_size=len(forms)))
    return "".join(ENTRIES[form].format(i=i) + gap for i, (form, gap) in enumerate(zip(forms, gaps, strict=True)))


def _seen(bib: BibFile) -> tuple[object, ...]:
    """Everything a reader of the file can see, in plain values. Family names first: matching
    reads them before any field (from the child's reading where it can)."""
    families = [it.families() for it in bib.items]
    blocks = [
        (b.kind, b.text, b.line, b.offset, b.entry_type, b.key, b.error)
        + (
            (b.fields, b.raw, b.field_names, b.field_line("author"), b.field_line("crossref"))
            if b.kind == "entry"
            else ()
        )
        for b in bib.blocks
    ]
    records = [it.record for it in bib.items]
    return families, blocks, [str(p) for p in bib.problems], records


@pytest.fixture
def split_any_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bibfile, "SPLIT_MIN_CHARS", 0)


@settings(max_examples=120, deadline=None)
@given(text=bib_text())
def test_a_file_read_in_two_halves_reads_as_a_whole(text: str) -> None:
    at_once, keys_at_once = read_for_matching(text, "x.bib", split=False)
    original = bibfile.SPLIT_MIN_CHARS
    bibfile.SPLIT_MIN_CHARS = 0  # (hypothesis runs every example in one fixture scope)
    try:
        halves, keys_halves, paired = bibfile.read_and_pair(text, "x.bib", lambda t: close_pairs(t, FUZZY_THRESHOLD))
    finally:
        bibfile.SPLIT_MIN_CHARS = original
    assert paired is not None
    titles = [key.title for key in keys_halves]
    assert paired(titles) == close_pairs(titles, FUZZY_THRESHOLD), "the child's search, or one done here"
    assert _seen(halves) == _seen(at_once)
    assert keys_halves == keys_at_once
    assert all(text[b.offset : b.offset + len(b.text)] == b.text for b in halves.blocks)


def test_the_second_half_is_read_in_a_child_and_its_entries_again_only_when_used(split_any_size: None) -> None:
    if not forked.can_fork():
        pytest.skip("no fork here (not Linux, or another thread is running): the halves are read in this process")
    text = "".join(ENTRIES[0].format(i=i) + "\n\n" for i in range(40))
    bib, _ = read_for_matching(text, "x.bib")
    tail = [b for b in bib.blocks if isinstance(b, UnreadBlock)]
    assert 15 <= len(tail) <= 25, "about half the entries came from the child"
    assert "fields" not in vars(tail[0]), "not read again until used"
    assert tail[0].fields["title"].startswith("Attention Is All You Need")
    assert "fields" in vars(tail[0])


def test_dedupe_gives_the_same_file_and_report_read_in_halves(monkeypatch: pytest.MonkeyPatch) -> None:
    copies = [ENTRIES[0].format(i=i) for i in range(30)]
    copies += [  # the same works again, as preprint copies in the other half
        f"@misc{{c{i}, title = {{Attention is all you need {i}}}, author = {{Ashish Vaswani}}, year = 2017}}"
        for i in range(30)
    ]
    text = "\n\n".join(copies) + "\n"
    whole = dedupe_text(text, "x.bib")
    monkeypatch.setattr(bibfile, "SPLIT_MIN_CHARS", 0)
    halves = dedupe_text(text, "x.bib")
    assert halves.text == whole.text
    assert halves.groups == whole.groups and len(whole.groups) == 30
    assert halves.suspects == whole.suspects


def test_a_file_with_string_macros_is_read_at_once(split_any_size: None) -> None:
    text = '@string{acl = "Proceedings of ACL"}\n\n' + "".join(
        f"@inproceedings{{k{i}, title = {{T{i}}}, booktitle = acl}}\n\n" for i in range(20)
    )
    bib, _ = read_for_matching(text, "x.bib")
    assert not any(isinstance(b, UnreadBlock) for b in bib.blocks)
    assert {it.block.fields["booktitle"] for it in bib.items} == {"Proceedings of ACL"}


def test_the_child_s_result_comes_back() -> None:
    if not forked.can_fork():
        pytest.skip("no fork here")
    assert forked.Child(os.getpid).result() != os.getpid()


def test_a_failing_or_killed_child_leaves_the_work_to_the_parent() -> None:
    parent = os.getpid()

    def fails_in_the_child() -> int:
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        return 42

    def killed_in_the_child() -> int:
        if os.getpid() != parent:
            os._exit(9)
        return 43

    assert forked.Child(fails_in_the_child).result() == 42
    assert forked.Child(killed_in_the_child).result() == 43


def test_no_fork_while_another_thread_runs() -> None:
    import threading

    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not forked.can_fork()
        assert forked.Child(os.getpid).result() == os.getpid(), "done in this process"
    finally:
        stop.set()
        thread.join()


@pytest.mark.parametrize("split", [False, True])
def test_what_an_entry_inherits_through_crossref_counts_for_its_problems_and_match_key(
    split: bool, split_any_size: None
) -> None:
    """The proceedings come after the cut: the paper takes their editors (written with commas
    only, which BibTeX rejects) as its own, as BibTeX would, but not their DOI, which names the
    volume; an entry without a title takes the title of the (non-container) entry it names."""
    paper = "@inproceedings{paper, title = {A Paper in the Proceedings}, crossref = {proc}, year = 2019}\n\n"
    part = "@misc{part, crossref = {whole}}\n\n"
    filler = "".join(f"@misc{{m{i}, title = {{Filler number {i}}}}}\n\n" for i in range(10))
    proc = "@proceedings{proc, title = {Proceedings}, doi = {10.1/proc}, editor = {Ed, I., Tor, A.}}\n"
    whole = "@misc{whole, title = {The Whole Work}, url = {https://example.org/whole}}\n"
    bib, keys = read_for_matching(paper + part + filler + proc + whole, "x.bib", split=split)
    assert keys[0].tokens == [] and "doi" not in bib.items[0].block.fields
    assert keys[1].words == ["the", "whole", "work"] and "url" not in bib.items[1].block.fields
    bad_names = [p for p in bib.problems if p.kind == "bad-name"]
    assert [p.source.line for p in bad_names] == [1, 25], "the paper (line 1) and the proceedings (line 25)"


def test_a_child_works_in_two_steps_and_the_parent_does_what_it_does_not_finish() -> None:
    if not forked.can_fork():
        pytest.skip("no fork here")
    parent = os.getpid()
    child: forked.Child[int, str, tuple[int, str]] = forked.Child(os.getpid, lambda m: (os.getpid(), m * 2))
    first = child.result()
    child.send("ab")
    assert first != parent and child.last() == (first, "abab"), "both steps in the child"

    def dies_in_the_child(message: str) -> tuple[int, str]:
        if os.getpid() != parent:
            os._exit(9)
        return os.getpid(), message

    child = forked.Child(os.getpid, dies_in_the_child)
    assert child.result() != parent
    child.send("x")
    assert child.last() == (parent, "x"), "the second step, done here"
    child = forked.Child(os.getpid, dies_in_the_child)
    child.send("y")  # before the first result: the child reads the message once it has one
    assert child.result() != parent
    child.abandon()


@pytest.mark.parametrize("titled", [True, False])
def test_the_child_searches_the_titles_of_both_halves_unless_a_crossref_changed_one(
    titled: bool, split_any_size: None
) -> None:
    """The child that read the second half also runs the similar-title search on every title;
    if following a crossref gave an entry a title (it names the entry after the cut), the search
    is done again here, on the titles as finally read."""
    if not forked.can_fork():
        pytest.skip("no fork here")
    part = "@misc{part, crossref = {whole}}\n\n" if not titled else "@misc{part, title = {Its Own Title}}\n\n"
    filler = "".join(f"@misc{{m{i}, title = {{Filler number {i} of some length}}}}\n\n" for i in range(12))
    whole = "@misc{whole, title = {The Whole Work}}\n"

    def search(titles: list[str]) -> tuple[int, list[tuple[int, int, float]]]:
        return os.getpid(), close_pairs(titles, FUZZY_THRESHOLD)

    bib, keys, paired = bibfile.read_and_pair(part + filler + whole, "x.bib", search)
    assert paired is not None
    titles = [key.title for key in keys]
    pid, pairs = paired(titles)
    assert pairs == close_pairs(titles, FUZZY_THRESHOLD) and len(pairs) > 10
    assert (pid != os.getpid()) == titled, "in the child unless a title changed"


def test_without_memory_files_the_child_writes_to_temporary_files(monkeypatch: pytest.MonkeyPatch) -> None:
    if not forked.can_fork():
        pytest.skip("no fork here")

    def no_memfd(name: str, flags: int = 0) -> int:
        raise OSError("memfd_create not permitted here")

    monkeypatch.setattr(os, "memfd_create", no_memfd)
    child: forked.Child[int, str, tuple[int, str]] = forked.Child(os.getpid, lambda m: (os.getpid(), m.upper()))
    first = child.result()
    child.send("ok")
    assert first != os.getpid() and child.last() == (first, "OK"), "both steps in the child"


def test_a_child_collected_elsewhere_leaves_its_last_step_to_the_parent(monkeypatch: pytest.MonkeyPatch) -> None:
    """A program with its own SIGCHLD handler may collect the child first: the second step is
    then done here, not lost."""
    if not forked.can_fork():
        pytest.skip("no fork here")
    child: forked.Child[int, str, tuple[int, str]] = forked.Child(os.getpid, lambda m: (os.getpid(), m))
    first = child.result()
    child.send("m")
    real_waitpid = os.waitpid

    def collected_elsewhere(pid: int, options: int) -> tuple[int, int]:
        real_waitpid(pid, options)
        raise ChildProcessError(10, "No child processes")

    monkeypatch.setattr(os, "waitpid", collected_elsewhere)
    assert first != os.getpid() and child.last() == (os.getpid(), "m")
