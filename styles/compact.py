"""compact: one sentence per entry, like BibTeX's plain style, with the link at the end.

    Authors. Title. Venue, Year. https://...

Written in pybtex's template language; entries keep the bibliography's order.
"""

from pybtex.style import FormattedEntry
from pybtex.style.formatting import BaseStyle, toplevel
from pybtex.style.template import field, first_of, href, names, optional, sentence, tag, words

GROUP_BY_CATEGORY = False


class Style(BaseStyle):
    default_name_style = "plain"
    default_sorting_style = "none"

    def _template(self, e):
        venue = first_of[
            optional[tag("em")[field("booktitle")]],
            optional[tag("em")[field("journal")]],
            optional[field("howpublished")],
            optional[field("institution")],
            optional[words["arXiv:", field("eprint", raw=True)]],
        ]
        return toplevel[
            optional[sentence[names("author", sep=", ", sep2=" and ", last_sep=", and ")]],
            sentence[field("title")],
            sentence(sep=", ")[venue, optional[field("year")]],
            optional[href(field("url", raw=True))[field("url", raw=True)]],
        ]

    def format_entry(self, label, entry, bib_data=None):
        text = self._template(entry).format_data({"entry": entry, "style": self, "bib_data": bib_data})
        return FormattedEntry(entry.key, text, label)
