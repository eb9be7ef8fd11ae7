"""bibkit: curated Markdown paper lists to clean, deduplicated BibTeX and a Zotero group library."""

__version__ = "0.1.0"
