"""reading-list: the bibliography back as a curated Markdown reading list.

A pybtex style plugin written in pybtex's template language, as pybtex's own ``unsrt`` is.
Each entry is one line in the form curated lists use, so `bibkit build` reads the rendered
list back to the same entries:

    **Title**. *Authors*. (Venue Year) [[paper]](url)[[code]](url) - ***Nickname***
    [Author / Title](url)                        (posts, pages)
    [owner / repo](url) - description            (repositories)

``bibkit render`` groups the lines under the headings of their categories (the entries'
keyword paths), in the order the headings first appear; an entry filed under several
categories is listed under each.
"""

from pybtex.richtext import Text
from pybtex.style import FormattedEntry
from pybtex.style.formatting import BaseStyle
from pybtex.style.template import field, href, join, names, node, optional, tag

GROUP_BY_CATEGORY = True  # bibkit render: headings from the keyword paths


@node
def link_list(children, data, field_name="code", label="code", lead=""):
    """One [[label]](url) link per URL of a space-separated field (after `lead`, if any)."""
    entry = data["entry"]
    # A code link that is the paper link itself was written "[[paper & code]]".
    urls = [u for u in entry.fields.get(field_name, "").split() if u != entry.fields.get("url")]
    links = [href(url)["[" + label + "]"].format_data(data) for url in urls]
    return Text(lead, *links) if links else Text()


@node
def labelled_links(children, data, lead=""):
    """The entry's other links ("label: url ; label: url") as [[label]](url)."""
    entry = data["entry"]
    parts = []
    for item in entry.fields.get("links", "").split(" ; "):
        label, _, url = item.partition(": ")
        if url.strip():
            parts.append(href(url.strip())["[" + label.strip() + "]"].format_data(data))
    return Text(lead, *parts) if parts else Text()


def _has(entry, name):
    return bool(entry.fields.get(name, "").strip())


class Style(BaseStyle):
    default_name_style = "plain"  # First von Last, as lists write names
    default_sorting_style = "none"  # the bibliography's own order

    def paper_template(self, e):
        venue = optional[join["(", field("bibkit_venue", raw=True), ") "]]
        authors = optional[tag("em")[names("author", sep=", ", sep2=", ", last_sep=", ")], ". "]
        nickname = optional[" - ", tag("em")[tag("strong")[field("shorttitle")]]]
        label = "book" if e.type == "book" else "slides" if self._is_slides(e) else "paper"
        if e.fields.get("url") and e.fields.get("url") in e.fields.get("code", "").split():
            label = "paper & code"
        paper = optional[href(field("url", raw=True))["[" + label + "]"]]
        arxiv = (
            optional[href(join["https://arxiv.org/abs/", field("eprint", raw=True)])["[arXiv]"]]
            if "arxiv.org/abs/" not in e.fields.get("url", "")
            else ""
        )
        return join[
            tag("strong")[field("title")],
            ". ",
            authors,
            venue,
            paper,
            arxiv,
            link_list(field_name="code", label="code"),
            labelled_links,
            nickname,
        ]

    def link_template(self, e):
        creator = optional[join[names("author", sep=", "), " / "]]
        description = optional[" - ", field("bibkit_description")] if self._is_repository(e) else ""
        return join[
            href(field("url", raw=True))[creator, field("title")],
            link_list(field_name="code", label="code", lead=" "),
            labelled_links(lead=" "),
            description,
        ]

    @staticmethod
    def _is_slides(e):
        return e.fields.get("howpublished", "").startswith("Slides")

    @staticmethod
    def _is_repository(e):
        return "repository" in e.fields.get("howpublished", "").lower()

    def format_entry(self, label, entry, bib_data=None):
        is_link = (
            entry.type == "misc"
            and _has(entry, "howpublished")
            and not _has(entry, "eprint")
            and _has(entry, "url")
            and not self._is_slides(entry)
        )
        template = self.link_template(entry) if is_link else self.paper_template(entry)
        text = template.format_data({"entry": entry, "style": self, "bib_data": bib_data})
        return FormattedEntry(entry.key, text, label)
