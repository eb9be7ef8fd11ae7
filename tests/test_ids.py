from __future__ import annotations

import pytest

from bibkit import ids
from bibkit.model import Identifiers


# These links are parsed as text; no test here makes a request.
@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://arxiv.org/abs/1706.03762", Identifiers(arxiv="1706.03762")),
        ("https://arxiv.org/abs/1706.03762v5", Identifiers(arxiv="1706.03762")),
        ("https://arxiv.org/pdf/1906.08101.pdf", Identifiers(arxiv="1906.08101")),
        ("https://arxiv.org/pdf/2001.04246v1.pdf", Identifiers(arxiv="2001.04246")),
        ("http://export.arxiv.org/abs/0704.0001", Identifiers(arxiv="0704.0001")),
        ("https://arxiv.org/abs/cs/0102003v1", Identifiers(arxiv="cs/0102003")),
        ("https://arxiv.org/abs/math.GT/0309136", Identifiers(arxiv="math.GT/0309136")),
        ("https://www.aclweb.org/anthology/P19-1423/", Identifiers(acl="P19-1423")),
        ("https://aclweb.org/anthology/N18-1202", Identifiers(acl="N18-1202")),
        ("https://www.aclweb.org/anthology/P19-1459.pdf", Identifiers(acl="P19-1459")),
        ("https://www.aclweb.org/anthology/2020.acl-main.419/", Identifiers(acl="2020.acl-main.419")),
        ("https://aclanthology.org/2020.findings-emnlp.207.pdf", Identifiers(acl="2020.findings-emnlp.207")),
        ("https://www.aclweb.org/anthology/N/N18/N18-1202", Identifiers(acl="N18-1202")),
        ("https://openreview.net/forum?id=r1xMH1BtvB", Identifiers(openreview="r1xMH1BtvB")),
        ("https://openreview.net/pdf?id=r1xmh1btvb", Identifiers(openreview="r1xmh1btvb")),
        ("https://doi.org/10.1145/3366423.3380258", Identifiers(doi="10.1145/3366423.3380258")),
        ("https://dl.acm.org/doi/pdf/10.1145/3366423.3380258", Identifiers(doi="10.1145/3366423.3380258")),
        ("http://proceedings.mlr.press/v97/song19d/song19d.pdf", Identifiers(pmlr="v97/song19d")),
        ("http://proceedings.mlr.press/v37/xuc15.html", Identifiers(pmlr="v37/xuc15")),
        ("https://github.com/google-research/bert", Identifiers()),
        ("https://arxiv.org/list/cs.CL/recent", Identifiers()),
    ],
)
def test_identifiers_from_url(url: str, expected: Identifiers) -> None:
    assert ids.identifiers_from_url(url) == expected


def test_redirect_wrappers_are_unwrapped() -> None:
    wrapped = "https://link.zhihu.com/?target=https%3A//arxiv.org/abs/1810.04805"
    assert ids.clean_url(wrapped) == "https://arxiv.org/abs/1810.04805"
    assert ids.identifiers_from_url(ids.clean_url(wrapped)).arxiv == "1810.04805"
    plain = "https://link.zhihu.com/?target=https://github.com/mit-han-lab/hardware-aware-transformers"
    assert ids.clean_url(plain) == "https://github.com/mit-han-lab/hardware-aware-transformers"


def test_links_without_scheme_get_https() -> None:
    assert ids.clean_url("exbert.net") == "https://exbert.net"
    assert ids.clean_url("//example.org/x") == "https://example.org/x"


@pytest.mark.parametrize(
    ("arxiv_id", "year", "month"),
    [("1706.03762", 2017, 6), ("2001.04246", 2020, 1), ("cs/0102003", 2001, 2), ("hep-th/9901001", 1999, 1)],
)
def test_arxiv_first_version_date(arxiv_id: str, year: int, month: int) -> None:
    assert ids.arxiv_year(arxiv_id) == year
    assert ids.arxiv_month(arxiv_id) == month


def test_parse_arxiv_id_forms() -> None:
    assert ids.parse_arxiv_id("arXiv:1706.03762v5") == "1706.03762"
    assert ids.parse_arxiv_id("1501.00001") == "1501.00001"
    assert ids.parse_arxiv_id("not an id") is None


def test_doi_keeps_its_case_and_matches_case_insensitively() -> None:
    assert ids.normalize_doi("https://doi.org/10.18653/V1/N19-1423") == "10.18653/V1/N19-1423"
    assert ids.normalize_doi("doi:10.1145/ABC") == "10.1145/ABC"
    assert Identifiers(doi="10.1145/ABC").as_pairs() == Identifiers(doi="10.1145/abc").as_pairs()


def test_repository_and_article_sites() -> None:
    assert ids.repository_of("https://github.com/google/trax/tree/master/trax") == ("google", "trax")
    assert ids.repository_of("https://github.com/google") is None
    assert ids.article_site("https://zhuanlan.zhihu.com/p/53682800") == "Zhihu"
    assert ids.article_site("https://mp.weixin.qq.com/s/abc") == "WeChat Official Accounts"
    assert ids.date_from_url("https://ai.googleblog.com/2019/01/transformer-xl.html") == (2019, 1)
    assert ids.date_from_url("https://kexue.fm/archives/7430") is None
