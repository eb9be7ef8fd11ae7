"""Identifiers parsed from links: arXiv, ACL Anthology, OpenReview, DOI, PMLR.

Only what a link actually says is extracted; nothing is guessed (an ACL
Anthology id does not become a DOI, a title does not become an arXiv id).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote, urlsplit, urlunsplit

from .model import Identifiers, fill_gaps

# New-style ids (0704.0001 on): YYMM.NNNN until 2014, YYMM.NNNNN after.  Old style: archive/YYMMNNN.
ARXIV_NEW = r"(?P<new>\d{4}\.\d{4,5})"
ARXIV_OLD = r"(?P<old>[a-z][a-z\-]+(?:\.[A-Z]{2})?/\d{7})"
_ARXIV_URL = re.compile(
    rf"^(?:export\.)?arxiv\.org/(?:abs|pdf|html)/(?:{ARXIV_NEW}|{ARXIV_OLD})(?:v\d+)?(?:\.pdf)?/?$",
    re.IGNORECASE,
)
_ARXIV_ID = re.compile(rf"^(?:arxiv:)?(?:{ARXIV_NEW}|{ARXIV_OLD})(?:v\d+)?$", re.IGNORECASE)

# ACL Anthology: old ids P19-1423 (letter, 2-digit year, 4 digits), new ids 2020.acl-main.419.
ACL_OLD = r"[A-Z]\d{2}-\d{4}"
ACL_NEW = r"\d{4}\.[a-z0-9\-]+\.\d+"
_ACL_URL = re.compile(
    rf"^(?:www\.)?(?:aclweb\.org/anthology|aclanthology\.org|aclanthology\.info/papers)"
    rf"(?:/[A-Z]/[A-Z]\d{{2}})?/(?P<id>{ACL_OLD}|{ACL_NEW})(?:\.pdf)?/?$",
)
_OPENREVIEW_URL = re.compile(r"^openreview\.net/(?:forum|pdf|attachment)$")
_DOI = re.compile(r"^(10\.\d{4,9}/\S+?)(?:\.pdf)?/?$")
_DOI_HOSTS = ("doi.org", "dx.doi.org")
# Publishers' DOI paths: dl.acm.org/doi/10..., mitpressjournals.org/doi/pdf/10..., science.org/doi/10...
_PUBLISHER_DOI = re.compile(
    r"^[a-z0-9.\-]+/doi/(?:abs/|pdf/|full/|fullHtml/|epdf/|pdfplus/|book/)?(10\.\d{4,9}/[^?#]+?)/?$", re.I
)
_PMLR = re.compile(r"^proceedings\.mlr\.press/(v\d+/[a-z0-9\-_]+?)(?:\.html|\.pdf|/[a-z0-9\-_]+\.pdf)?$", re.I)

# Link-wrapping redirectors: the real link is a query parameter.
_REDIRECTS = {
    "link.zhihu.com": "target",
    "www.google.com": "q",
    "l.facebook.com": "u",
    "href.li": None,
}


def unwrap_redirect(url: str) -> str:
    """Return the target of a redirect wrapper (link.zhihu.com/?target=https%3A//...)."""
    parts = urlsplit(url)
    host = parts.netloc.lower()
    if host in _REDIRECTS:
        param = _REDIRECTS[host]
        if param is None:
            target = parts.query
        else:
            values = parse_qs(parts.query).get(param)
            target = values[0] if values else ""
        target = unquote(target)
        if re.match(r"^https?:/?/?", target):
            target = re.sub(r"^(https?):/*", r"\1://", target)
            return unwrap_redirect(target)
    return url


def has_scheme(url: str) -> bool:
    return bool(re.match(r"^[a-zA-Z][a-zA-Z0-9+.\-]*://", url))


def unescape_url(url: str) -> str:
    """A URL as some BibTeX writers store it (DBLP: content\\_cvpr\\_2018) back to the URL."""
    return _URL_ESCAPE.sub(r"\1", url.strip()) if "\\" in url else url.strip()


def clean_url(url: str) -> str:
    """Canonical form of a link as written: redirects unwrapped, whitespace dropped, scheme ensured."""
    url = url.strip().replace(" ", "%20")
    if not url:
        return ""
    if url.startswith("//"):
        url = "https:" + url
    elif not has_scheme(url) and not url.startswith(("mailto:", "#", "/")):
        url = "https://" + url
    return unwrap_redirect(url)


_URL_PARTS = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://([^/?#]*)([^?#]*)")


def _host_path(url: str) -> tuple[str, str]:
    m = _URL_PARTS.match(url)  # what urlsplit gives for these two parts, several times faster
    if not m:
        parts = urlsplit(url)
        netloc, path = parts.netloc, parts.path
    else:
        netloc, path = m.group(1), m.group(2)
    host = netloc.lower()
    if host.startswith("www.") and host not in ("www.aclweb.org",):
        host = host[4:]
    return host, path


def url_identity(url: str) -> str:
    """A link reduced for comparison: no scheme, no www, no trailing slash or fragment."""
    parts = urlsplit(url)
    host = parts.netloc.lower().removeprefix("www.")
    path = parts.path.rstrip("/")
    return urlunsplit(("", host, path, parts.query, "")).lstrip("/")


def parse_arxiv_id(text: str) -> str | None:
    """'arXiv:1706.03762v5' -> '1706.03762'; None if it is not an arXiv id."""
    m = _ARXIV_ID.match(text.strip())
    if not m:
        return None
    return m.group("new") or m.group("old").lower()


_ID_HOST_HINT = re.compile(r"arxiv|aclweb|aclanthology|openreview|doi|mlr\.press|/10\.\d|nature\.com/articles/", re.I)
# A DOI in a publisher's path: link.springer.com/chapter/10.1007/..., biorxiv.org/content/10.1101/
# 692681v1.full.pdf, and Nature's article paths, whose last part is the DOI's suffix under 10.1038.
_PATH_DOI = re.compile(
    r"^[a-z0-9.\-]+/(?:[^?#]*/)?(10\.\d{4,9}/[^?#]+?)(?:\.full(?:\.pdf|\.html)?|\.pdf|\.html|"
    r"/full|/abstract|/pdf|/meta|/summary)?/?$",
    re.I,
)
_NATURE = re.compile(r"^(?:www\.)?nature\.com/articles/([a-z][a-z0-9.\-]+?)(?:\.pdf)?/?$", re.I)


def identifiers_from_url(url: str) -> Identifiers:
    """Every identifier a single link states."""
    found = url_identifiers(url)
    return Identifiers(**found) if found else _NO_IDS


def url_identifiers(url: str) -> dict[str, str]:
    """``identifiers_from_url`` as {field of Identifiers: value}, the empty ones left out (what a
    reader of thousands of entries combines with the fields' identifiers)."""
    if not _ID_HOST_HINT.search(url):
        return {}  # cheap exit: most links carry none (and urlsplit is not free)
    host, path = _host_path(url)
    if host in _DOI_HOSTS:  # the most common link in a .bib (DBLP writes every url so): checked first
        m = _DOI.match(unquote(path.lstrip("/")))
        if m:
            return {"doi": normalize_doi(m.group(1))}
    hostpath = f"{host}{path}"
    m = _ARXIV_URL.match(hostpath)
    if m:
        return {"arxiv": m.group("new") or m.group("old")}
    m = _ACL_URL.match(f"{host.removeprefix('www.')}{path}")
    if m:
        return {"acl": m.group("id")}
    if _OPENREVIEW_URL.match(hostpath):
        query = parse_qs(urlsplit(url).query)
        if query.get("id") and query["id"][0]:
            return {"openreview": query["id"][0]}
    m = _PUBLISHER_DOI.match(hostpath)
    if m:
        return {"doi": normalize_doi(unquote(m.group(1)))}
    m = _PMLR.match(hostpath)
    if m:
        return {"pmlr": m.group(1).lower()}
    m = _PATH_DOI.match(hostpath)
    if m:
        doi = normalize_doi(unquote(m.group(1)))
        if doi.startswith("10.1101/"):  # bioRxiv/medRxiv paths add the version: 10.1101/692681v1
            doi = re.sub(r"v\d+$", "", doi)
        return {"doi": doi}
    m = _NATURE.match(hostpath)
    if m:
        return {"doi": f"10.1038/{m.group(1)}"}
    return {}


def link_identifiers(href: str | None) -> Identifiers:
    """The identifiers of a link as a list writes it (cleaned first: redirect wrappers, no scheme)."""
    return identifiers_from_url(clean_url(href)) if href else Identifiers()


_URL_ESCAPE = re.compile(r"\\([_%#&$~])")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.I)


def normalize_doi(doi: str) -> str:
    doi = doi.strip()
    # The case stays as written (a user copies the DOI on the paper); DOIs match case-insensitively.
    return _DOI_PREFIX.sub("", doi)


_NO_IDS = Identifiers()


def merge_identifiers(a: Identifiers, b: Identifiers) -> Identifiers:
    """Fill a's empty identifiers from b (a wins where both have one)."""
    if b == _NO_IDS or a == b:
        return a  # the common case, on every entry of a large file: nothing to fill
    return fill_gaps(a, b, ("arxiv", "arxiv_class", "acl", "openreview", "doi", "pmlr"))


def main_url(urls: list[str]) -> str:
    """The link an entry shows as its url: the first that carries an identifier BibTeX has no
    field for (ACL Anthology, OpenReview, PMLR), else the first. arXiv ids are written as the
    eprint and DOIs as the doi, so every identifier stays in the entry's identity fields."""
    for url in urls:
        found = identifiers_from_url(url)
        if found.acl or found.openreview or found.pmlr:
            return url
    return urls[0] if urls else ""


def arxiv_year(arxiv_id: str) -> int | None:
    """The year of an arXiv id's first version: YYMM for new ids, archive/YYMMNNN for old ones."""
    m = re.match(r"^(\d{2})(\d{2})\.", arxiv_id) or re.match(r"^[^/]+/(\d{2})(\d{2})", arxiv_id)
    if not m:
        return None
    yy = int(m.group(1))
    return 1900 + yy if yy >= 91 else 2000 + yy


def arxiv_month(arxiv_id: str) -> int | None:
    m = re.match(r"^(\d{2})(\d{2})\.", arxiv_id) or re.match(r"^[^/]+/(\d{2})(\d{2})", arxiv_id)
    if not m:
        return None
    month = int(m.group(2))
    return month if 1 <= month <= 12 else None


def arxiv_abs_url(arxiv_id: str) -> str:
    return f"https://arxiv.org/abs/{arxiv_id}"


# Hosts whose links are papers (not posts or code), beyond the identifier schemes above.
PAPER_HOSTS = (
    "arxiv.org",
    "aclweb.org",
    "aclanthology.org",
    "openreview.net",
    "doi.org",
    "dl.acm.org",
    "proceedings.mlr.press",
    "papers.nips.cc",
    "proceedings.neurips.cc",
    "hal.inria.fr",
    "ieeexplore.ieee.org",
    "link.springer.com",
    "ojs.aaai.org",
    "ijcai.org",
    "openaccess.thecvf.com",
    "semanticscholar.org",
    "research.google",
    "science.sciencemag.org",
    "nature.com",
    "jmlr.org",
)

CODE_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "gitee.com")

# Hosts of articles: blogs, WeChat official accounts, Zhihu columns, Medium...
ARTICLE_SITES = {
    "mp.weixin.qq.com": "WeChat Official Accounts",
    "zhuanlan.zhihu.com": "Zhihu",
    "zhihu.com": "Zhihu",
    "medium.com": "Medium",
    "towardsdatascience.com": "Towards Data Science",
    "kexue.fm": "Scientific Spaces",
    "spaces.ac.cn": "Scientific Spaces",
    "ai.googleblog.com": "Google AI Blog",
    "blog.rasa.com": "Rasa Blog",
    "tech.meituan.com": "Meituan Tech Blog",
    "ai.facebook.com": "Facebook AI Blog",
    "my.oschina.net": "OSChina",
    "jalammar.github.io": "Jay Alammar's Blog",
    "msra.cn": "Microsoft Research Asia",
    "microsoft.com": "Microsoft Research Blog",
    "pragmatic.ml": "Pragmatic ML",
    "daiwk.github.io": "daiwk's Blog",
    "ruder.io": "Sebastian Ruder's blog",
    "lilianweng.github.io": "Lil'Log",
    "distill.pub": "Distill",
}


def host_of(url: str) -> str:
    return _host_path(url)[0]


_NOT_A_WORK = re.compile(
    r"^(?:mailto:|tel:)|\.(?:zip|tar|gz|tgz|bz2|xz|7z|rar|csv|tsv|npz|npy|pkl|h5|mat|jsonl?)(?:[?#].*)?$"
    r"|^https?://(?:www\.)?github\.com/[^/]+/[^/]+/(?:pulls?|issues|compare)(?:/|$)",
    re.I,
)


def is_not_a_work(url: str) -> bool:
    """A mail address, a data file download or a repository's pull request / issue: a link a list
    gives, never a work to cite."""
    return bool(_NOT_A_WORK.search(url.strip()))


def is_paper_url(url: str) -> bool:
    host, path = _host_path(url)
    if identifiers_from_url(url) != Identifiers():
        return True
    if any(host == h or host.endswith("." + h) for h in PAPER_HOSTS):
        return True
    return path.lower().endswith(".pdf")


def repository_of(url: str) -> tuple[str, str] | None:
    """(owner, repo) for a link into a code host's repository."""
    host, path = _host_path(url)
    if host not in CODE_HOSTS:
        return None
    parts = [p for p in path.split("/") if p]
    if len(parts) < 2:
        return None
    return parts[0], parts[1].removesuffix(".git")


def article_site(url: str) -> str | None:
    """The publishing site of an article link, or None when the host is not a known article site."""
    host = host_of(url)
    for site_host, name in ARTICLE_SITES.items():
        if host == site_host or host.endswith("." + site_host):
            return name
    if host.endswith(".github.io") or host.startswith("blog.") or re.search(r"/blogs?(/|$)", urlsplit(url).path):
        return host
    return None


_URL_DATE = re.compile(r"/((?:19|20)\d\d)/(0[1-9]|1[0-2])/(?:\d\d/)?")


def date_from_url(url: str) -> tuple[int, int] | None:
    """(year, month) from a dated blog path such as /2019/01/transformer-xl.html."""
    m = _URL_DATE.search(urlsplit(url).path + "/")
    if not m:
        return None
    return int(m.group(1)), int(m.group(2))
