"""`bibkit render`: a bibliography back to a reading list, through pybtex styles and backends.

Styles are pybtex style plugins (``Style`` classes written in pybtex's template language) in
``styles/``: selected by name (``reading_list`` or ``reading-list`` finds
``styles/reading_list.py``), by path to a ``.py`` file, or as one of pybtex's own (``plain``,
``unsrt``, ``alpha``).  A style that sets ``GROUP_BY_CATEGORY = True`` is laid out under the
headings of the entries' keyword paths.  Entries are formatted by the style and rendered by
pybtex's backend for the format; bibkit adds only the page around them: headings, and for
HTML a self-contained page with a table of contents and anchors.
"""

from __future__ import annotations

import html
import importlib.util
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType

from pybtex.backends import BaseBackend
from pybtex.backends import markdown as markdown_backend
from pybtex.database import BibliographyData, Entry
from pybtex.database import Person as PybtexPerson
from pybtex.exceptions import PybtexError
from pybtex.plugin import PluginNotFound, find_plugin
from pybtex.richtext import Text
from pybtex.style.formatting import BaseStyle
from pybtex.style.template import FieldIsMissing

from .formats import FORMATS
from .model import BibkitError, Problem
from .normalize.latex import escape, to_text
from .normalize.names import format_person, parse_people, split_names
from .normalize.venues import parse_venue
from .sources.bibfile import read_bib
from .text import CJK_CHARS

PLUGIN_GROUP = "pybtex.style.formatting"
Section = tuple[tuple[str, ...], list[str]]  # a heading path and its entry lines
Heading = tuple[int, str, tuple[str, ...]]  # level, text, path


class StyleError(BibkitError):
    """An unknown style or format, or a style module without a Style class."""


class ReadableMarkdown(markdown_backend.Backend):  # type: ignore[misc]  # pybtex is untyped
    """pybtex's Markdown backend escapes every '-', '.', '(' and '+', and the URLs of links; a
    reading list should stay readable, so only what would change the Markdown is escaped:
    emphasis and code markers, and '<' (HTML)."""

    def format_str(self, text: str) -> str:
        text = text.replace("<", "&lt;")
        for char in ("\\", "`", "*", "_"):
            text = text.replace(char, "\\" + char)
        return text

    def format_href(self, url: str, text: str, external: bool = False) -> str:
        return f"[{text}]({url.replace(' ', '%20').replace(')', '%29')})" if text else ""


def _backend(fmt: str) -> BaseBackend:
    if fmt == "markdown":
        return ReadableMarkdown()
    name = {"text": "text", "html": "html", "latex": "latex"}[fmt]
    return find_plugin("pybtex.backends", name)()


@dataclass
class LoadedStyle:
    name: str
    style: BaseStyle
    group_by_category: bool


def style_search_path(project: Path | None = None) -> list[Path]:
    """A project's own styles/ (style files by name); bibkit's styles come from its entry points."""
    directory = (project or Path.cwd()) / "styles"
    return [directory] if directory.is_dir() else []


def available_styles(project: Path | None = None) -> list[str]:
    files = {
        p.stem.replace("_", "-")
        for d in style_search_path(project)
        for p in d.glob("*.py")
        if not p.name.startswith("_")
    }
    plugins = {ep.name for ep in entry_points(group=PLUGIN_GROUP) if ep.dist is None or ep.dist.name == "bibkit"}
    return sorted(files | plugins)


def load_style(name: str, project: Path | None = None) -> LoadedStyle:
    """A style by path to a .py file, by name in the project's styles/, or a pybtex style plugin:
    bibkit's own (reading-list, compact, registered as entry points) or pybtex's (plain, unsrt...)."""
    candidate = Path(name)
    if candidate.suffix == ".py":
        if not candidate.exists():
            raise StyleError(f"style file {name} not found")
        return _from_module(name, _import(candidate))
    for directory in style_search_path(project):
        path = directory / f"{name.replace('-', '_')}.py"
        if path.exists():
            return _from_module(name, _import(path))
    try:
        style_class = find_plugin(PLUGIN_GROUP, name)
    except PluginNotFound:
        known = ", ".join(available_styles(project) + ["plain", "unsrt", "alpha"])
        raise StyleError(f"unknown style {name!r} (known: {known})") from None
    module = sys.modules.get(style_class.__module__)
    return LoadedStyle(name, style_class(), bool(getattr(module, "GROUP_BY_CATEGORY", False)))


def _from_module(name: str, module: ModuleType) -> LoadedStyle:
    style_class = getattr(module, "Style", None)
    if not (isinstance(style_class, type) and issubclass(style_class, BaseStyle)):
        raise StyleError(f"{name}: a style module must define a pybtex BaseStyle subclass named Style")
    return LoadedStyle(name, style_class(), bool(getattr(module, "GROUP_BY_CATEGORY", False)))


def _import(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bibkit_style_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def short_venue(fields: Mapping[str, str]) -> str:
    """ "NAACL 2019" from the official name a bibliography holds, for a reading list."""
    year = str(fields.get("year", "")).strip()
    howpublished = to_text(str(fields.get("howpublished", "")))
    if howpublished.startswith("Slides, "):
        return f"{howpublished.removeprefix('Slides, ')} {year}".strip()  # "(BAAI 2019) [[slides]]"
    note = to_text(str(fields.get("note", ""))).strip()  # "Best Paper"
    for name in ("booktitle", "journal", "type"):
        value = to_text(str(fields.get(name, ""))).strip()
        if value:
            parsed = parse_venue(value)
            label = parsed.venue.acronym if parsed.venue else value
            return f"{label} {year} {note}".strip()
    if fields.get("eprint"):
        return f"arXiv {year} {note}".strip()
    return f"{year} {note}".strip()


def _paragraphs(annote: str) -> list[str]:
    return [" ".join(p.split()) for p in to_text(annote).split("\n\n") if p.strip()]


def _notes(entry: Entry, annote: str) -> list[str]:
    """The curator's notes as paragraphs below the entry's line; a repository's first paragraph
    is its description, on the line itself."""
    paragraphs = _paragraphs(annote)
    if "repository" in str(entry.fields.get("howpublished", "")).lower():
        return paragraphs[1:]
    return paragraphs


def categories(entry: Entry) -> list[tuple[str, ...]]:
    keywords = to_text(str(entry.fields.get("keywords", "")))
    paths = [tuple(p.strip() for p in k.split("/") if p.strip()) for k in keywords.split(",")]
    return [p for p in paths if p] or [()]


@dataclass
class Rendered:
    text: str
    entries: int  # entry lines written (an entry listed under two categories counts twice)
    warnings: list[str]
    errors: list[Problem] = field(default_factory=list)  # blocks not rendered, duplicate keys


def _people(raw: str) -> list[PybtexPerson]:
    people = []
    for name in split_names(raw):
        try:
            people.append(PybtexPerson(name))
        except PybtexError:  # "Miller, D., Firby, J.": read as bibkit reads it (reported by `check`)
            people += [PybtexPerson(format_person(p)) for p in parse_people(name)[0]]
    return people


def bibliography_data(text: str, file: str = "") -> tuple[BibliographyData, dict[str, str], list[Problem]]:
    """The file through bibkit's one .bib reader (macros, "#", months and crossref expanded; a bad
    block or duplicate key a finding, every other entry kept) as pybtex's data for its styles, and
    the notes as written (pybtex folds their paragraph breaks into spaces)."""
    bib = read_bib(text, file)
    data = BibliographyData()
    annotes: dict[str, str] = {}
    problems = [p for p in bib.problems if p.is_error]
    for item in bib.items:
        if item.key in data.entries:
            continue  # a duplicate key: reported above, the first entry rendered
        fields = {n: v for n, v in item.block.fields.items() if n != "crossref"}  # inherited already
        persons = {role: _people(fields.pop(role)) for role in ("author", "editor") if role in fields}
        data.add_entry(item.key, Entry(item.block.entry_type, fields=fields, persons=persons))
        annotes[item.key] = item.block.fields.get("annote", "")
    return data, annotes, problems


def render(bib_text: str, style: LoadedStyle, fmt: str, title: str = "Reading list", file: str = "") -> Rendered:
    if fmt not in FORMATS:
        raise StyleError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    data, annotes, problems = bibliography_data(bib_text, file)
    warnings: list[str] = []
    for key, entry in data.entries.items():
        entry.fields["bibkit_venue"] = short_venue(entry.fields)
        paragraphs = _paragraphs(annotes.get(key, ""))
        if paragraphs:
            entry.fields["bibkit_description"] = paragraphs[0]  # a repository's one-line description
    backend = _backend(fmt)
    formatted: dict[str, str] = {}
    entries = style.style.sort(list(data.entries.values()))
    labels = list(style.style.format_labels(entries))
    for label, entry in zip(labels, entries, strict=True):
        try:
            formatted[entry.key] = style.style.format_entry(label, entry).text.render(backend)
        except FieldIsMissing as exc:
            # A style may require a field the entry lacks (unsrt wants an author): say so, and
            # still list the entry by its title rather than lose it.
            warnings.append(f"{entry.key}: {exc}; listed by title only")
            formatted[entry.key] = Text(entry.fields.get("title", entry.key)).render(backend)
    if style.group_by_category and fmt in ("markdown", "html"):
        for key, entry in data.entries.items():
            notes = _notes(entry, annotes.get(key, ""))
            if notes and key in formatted:
                if fmt == "markdown":
                    formatted[key] += "".join("\n\n  " + backend.format_str(n) for n in notes)
                else:
                    formatted[key] += "".join(f"<p>{html.escape(n)}</p>" for n in notes)
    order = list(data.entries.keys())
    if not style.group_by_category:
        sections: list[tuple[tuple[str, ...], list[str]]] = [((), [formatted[k] for k in order if k in formatted])]
    else:
        grouped: dict[tuple[str, ...], list[str]] = {}
        for key in order:
            for path in categories(data.entries[key]):
                grouped.setdefault(path, []).append(formatted[key])
        sections = sorted(grouped.items(), key=_tree_order(list(grouped)))
    writer = {"markdown": _markdown, "html": _html, "text": _text, "latex": _latex}[fmt]
    return Rendered(writer(sections, title), sum(len(lines) for _, lines in sections), warnings, problems)


def _tree_order(paths: list[tuple[str, ...]]) -> Callable[[Section], tuple[int, ...]]:
    """Sort key that keeps each heading's sections together, headings in first-appearance order:
    a heading is opened once even when the lists file papers under it in several places."""
    first: dict[tuple[str, ...], int] = {}
    for path in paths:
        for depth in range(1, len(path) + 1):
            first.setdefault(path[:depth], len(first))
    return lambda item: tuple(first[item[0][:depth]] for depth in range(1, len(item[0]) + 1))


def _walk(sections: list[Section]) -> Iterator[tuple[list[Heading], list[str]]]:
    """(headings to open before this section, section lines), headings as (level, text, path)."""
    opened: tuple[str, ...] = ()
    for path, lines in sections:
        common = 0
        while common < min(len(opened), len(path)) and opened[common] == path[common]:
            common += 1
        heads = [(depth + 1, path[depth], path[: depth + 1]) for depth in range(common, len(path))]
        opened = path
        yield heads, lines


def _markdown(sections: list[Section], title: str) -> str:
    out = [f"# {title}", ""]
    for heads, lines in _walk(sections):
        for level, text, _ in heads:
            out += ["#" * (level + 1) + " " + text, ""]
        out += [f"- {line}" for line in lines] + [""]
    return "\n".join(out).rstrip() + "\n"


def _anchor(path: tuple[str, ...]) -> str:
    slug = re.sub(f"[^\\w{CJK_CHARS}]+", "-", "-".join(path).lower()).strip("-")
    return f"sec-{slug}" if slug else "sec"


def _html(sections: list[Section], title: str) -> str:
    toc, body = [], []
    used: set[str] = set()
    for heads, lines in _walk(sections):
        for level, text, path in heads:
            anchor = base = _anchor(path)
            n = 1
            while anchor in used:  # "A/B" and "A-B" slug alike: every id stays unique
                n += 1
                anchor = f"{base}-{n}"
            used.add(anchor)
            toc.append(f'<li class="l{level}"><a href="#{anchor}">{html.escape(text)}</a></li>')
            body.append(f'<h{min(level + 1, 6)} id="{anchor}">{html.escape(text)}</h{min(level + 1, 6)}>')
        body.append("<ul>" + "".join(f'<li class="entry">{line}</li>' for line in lines) + "</ul>")
    style = (
        "body{font-family:sans-serif;max-width:60em;margin:2em auto;line-height:1.5}"
        "nav li.l2{margin-left:1.5em}nav li.l3{margin-left:3em}nav li.l4{margin-left:4.5em}"
    )
    return (
        '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n<style>{style}</style>\n</head>\n<body>\n"
        f'<h1>{html.escape(title)}</h1>\n<nav id="toc"><ul>{"".join(toc)}</ul></nav>\n'
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def _text(sections: list[Section], title: str) -> str:
    out = [title, "=" * len(title), ""]
    for heads, lines in _walk(sections):
        for level, text, _ in heads:
            out += [text, ("-" if level == 1 else "~") * len(text), ""]
        out += [f"* {line}" for line in lines] + [""]
    return "\n".join(out).rstrip() + "\n"


def _latex(sections: list[Section], title: str) -> str:
    commands = ["section", "subsection", "subsubsection", "paragraph", "subparagraph"]
    out = [f"% {title}: generated by bibkit render"]
    for heads, lines in _walk(sections):
        for level, text, _ in heads:
            out.append(f"\\{commands[min(level, 5) - 1]}*{{{escape(text)}}}")
        out += ["\\begin{itemize}"] + [f"  \\item {line}" for line in lines] + ["\\end{itemize}", ""]
    return "\n".join(out).rstrip() + "\n"
