"""The ``kg`` command line: click commands that parse options and call the library API.

This is the only module that imports click. Every command calls the library function of the same name; a ``KGError``
becomes a one-line message and exit code 1, a usage error exit code 2.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click

from kg import api
from kg.cluster import ENGINES
from kg.errors import KGError, UsageError
from kg.graph.iri import check_absolute_iri
from kg.graph.vocab import entity_count, is_entity_class
from kg.model import Corpus, display_path
from kg.publish.export import FORMATS as EXPORT_FORMATS
from kg.run import DEFAULT_BASE_IRI, DEFAULT_NER, ProgressInfo, RunStats, Settings, skipped_summary
from kg.shard import parse_shard
from kg.store.bulk import BULK_STORES
from kg.store.query import FORMATS as RESULT_FORMATS
from kg.store.serve import DEFAULT_TIMEOUT as DEFAULT_SERVE_TIMEOUT
from kg.store.serve import is_loopback
from kg.view.html import DEFAULT_MAX_NODES

F = TypeVar("F", bound=Callable[..., Any])

EPILOG_EXIT_CODES = """\b
Exit codes: 0 success (with --keep-going: also when inputs were skipped; they are listed), 1 error in an input or
the run, or an output that cannot be written (disk full, permissions; the message names the file, earlier outputs
are kept), 2 usage error, 3 the output folder is locked by another running build, 130 interrupted (Ctrl-C or
SIGTERM; earlier outputs are kept and the next run resumes)."""
EXIT_INTERRUPTED = 130


def reports_errors(fn: F) -> F:
    """Turn a KGError raised by the library into a click error: one line on stderr, exit code 1, no traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except KGError as error:
            exception = click.ClickException(str(error))
            # click declares exit_code a ClassVar, but reads it from the instance
            exception.exit_code = error.exit_code  # type: ignore[misc]
            raise exception from None

    return wrapper  # type: ignore[return-value]


def parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    """Click callback: an ISO date (YYYY-MM-DD)."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2021-02-22") from None


def absolute_iri(option: str, schemes: tuple[str, ...] = ()) -> Callable[..., str | None]:
    """Click callback for ``option``: an absolute IRI (of one of ``schemes``). A base IRI starts every IRI kg writes
    and the view links, a graph name is written into SPARQL Update."""

    def check(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return check_absolute_iri(value, option, schemes)
        except UsageError as error:
            raise click.BadParameter(str(error).removeprefix(f"{option} ")) from None

    return check


base_iri_option = absolute_iri("--base-iri", schemes=("http", "https"))


def check_tagger(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """Click callback: a registered tagger (an ``nlp.tag.NAME`` stage); anything else is a usage error (exit 2)."""
    from kg.run import stages

    taggers = [name.removeprefix("nlp.tag.") for name in stages() if name.startswith("nlp.tag.")]
    if value not in taggers:
        raise click.BadParameter(f"{value!r} is not a tagger; choose one of {', '.join(taggers)}")
    return value


NER_HELP = (
    f"Named-entity tagger: lac, crf, lac_crf or neural (the nlp.tag.* stages of 'kg stages'); default {DEFAULT_NER}."
)

# Options that several commands share, defined once so that their names, checks and help stay the same.
date_option = click.option(
    "--date",
    callback=parse_date,
    metavar="YYYY-MM-DD",
    help="Publication date of the input; years of dates like '2月21日' are taken from it.",
)
ner_option = click.option("--ner", default=DEFAULT_NER, callback=check_tagger, metavar="NAME", help=NER_HELP)
base_iri_default_option = click.option(
    "--base-iri",
    default=DEFAULT_BASE_IRI,
    show_default=True,
    callback=base_iri_option,
    help="Base IRI of instance data (an absolute http or https IRI).",
)
formats_option = click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice([*EXPORT_FORMATS, "all"]),
    help="Export to write (repeat for several; default all): ttl, nt, nq, trig, jsonld (RDF), graphml, "
    "gexf (entity network for Gephi/Cytoscape).",
)


def output_option(help: str, **kwargs: Any) -> Callable[[F], F]:
    """-o/--output, a folder (``out_dir``)."""
    return click.option(
        "-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path), help=help, **kwargs
    )


def quiet_verbose_options(quiet_help: str, verbose_help: str) -> Callable[[F], F]:
    """-q/--quiet and -v/--verbose."""

    def decorate(fn: F) -> F:
        fn = click.option("-v", "--verbose", is_flag=True, help=verbose_help)(fn)
        return click.option("-q", "--quiet", is_flag=True, help=quiet_help)(fn)

    return decorate


def format_option(choices: Iterable[str], help: str, default: str) -> Callable[[F], F]:
    """--format (``fmt``) of a command that writes one format of ``choices``."""
    return click.option(
        "--format", "fmt", type=click.Choice(list(choices)), default=default, show_default=True, help=help
    )


def chosen_formats(formats: tuple[str, ...]) -> list[str] | None:
    """The formats of repeated --format options; None (all) when none or 'all' is given."""
    return None if not formats or "all" in formats else list(formats)


def available_cores() -> int:
    """The cores this process may run on (fewer than the machine's under a container or taskset limit)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


@click.group(
    epilog=EPILOG_EXIT_CODES,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110},
)
@click.version_option(package_name="kg-news", prog_name="kg")
def main() -> None:
    """Build RDF knowledge graphs from Chinese news text.

    kg reads newspaper pages and articles, finds the people, places, organizations, facilities, laws and events in
    them, the relations and figures between them, and writes an RDF graph (Turtle, N-Quads, TriG, JSON-LD) under the
    kg ontology, with provenance down to the sentence, plus an interactive HTML view.

    \b
    INPUTS accepted by 'kg build' and 'kg extract':
      .txt .text       plain text in UTF-8, UTF-16 (with BOM) or GB18030/GBK, detected from the bytes
      .pdf             the text layer of a PDF (a scan without one is an error: kg does no OCR)
      .html .htm       a news web page (also .xhtml .shtml): its main text, headline and date
      folders          every file of those kinds inside, recursively
      globs            'archive/2021-*/*.html' (quoted, so kg expands it)

    \b
    Example (writes into out/, which git ignores):
      kg build kg/data/sample/*.txt -o out/ --date 2021-02-22 --publication 内蒙古日报
      kg query out/ posts
    """


@main.command(epilog=EPILOG_EXIT_CODES)
@click.argument("inputs", nargs=-1, required=True)
@output_option("Folder for graph.ttl and graph.html (with --shard: the shard's folder).", default=Path("output"),
               show_default=True)  # fmt: skip
@date_option
@click.option(
    "--publication",
    metavar="NAME",
    help="The newspaper or site of the input (e.g. 内蒙古日报), linked from every article as its publisher.",
)
@base_iri_default_option
@ner_option
@click.option(
    "--user-dict",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="TSV of names and their classes (name<TAB>Class) to recognise as entities.",
)
@click.option(
    "-j",
    "--workers",
    type=click.IntRange(min=1),
    default=available_cores,
    show_default="cores",
    help="Processes extracting files in parallel; the output is the same for any number.",
)
@click.option("--force", is_flag=True, help="Extract every file again instead of reusing the incremental cache.")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the incremental cache (OUTPUT/.kg-cache).")
@click.option(
    "--shard",
    "shard_text",
    metavar="I/N",
    help="Extract only shard I of N (0-based) into the output folder, for 'kg merge'.",
)
@click.option("--keep-going", is_flag=True, help="Skip inputs that cannot be read and report them at the end.")
@formats_option
@click.option(
    "--store",
    "store_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Also add the documents to this on-disk Oxigraph store (created if needed); a rebuilt article "
    "replaces its graph, so an archive can be built in batches.",
)
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default="pool",
    show_default=True,
    help="Who runs the extraction: the local process pool, or Dask tasks (pip install 'kg-news[dask]') "
    "on a LocalCluster of --workers processes or on --scheduler's cluster. The graph is the same.",
)
@click.option(
    "--scheduler",
    metavar="tcp://HOST:PORT",
    help="With --engine dask: the Dask scheduler to use; its "
    "workers must read the inputs and write --spool-dir at the same paths.",
)
@click.option(
    "--spool-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="With --engine dask: a folder shared with the workers for the per-file results (default: OUTPUT/.kg-work).",
)
@quiet_verbose_options("Only errors on stderr: no progress bar, no summary.",
                       "Also show time per stage, cache use and error details.")  # fmt: skip
@reports_errors
def build(
    inputs: tuple[str, ...],
    out_dir: Path,
    date: dt.date | None,
    publication: str | None,
    base_iri: str,
    ner: str,
    user_dict: Path | None,
    workers: int,
    force: bool,
    no_cache: bool,
    shard_text: str | None,
    keep_going: bool,
    formats: tuple[str, ...],
    store_dir: Path | None,
    engine: str,
    scheduler: str | None,
    spool_dir: Path | None,
    quiet: bool,
    verbose: bool,
) -> None:
    """Build the knowledge graph of INPUTS: .txt/.text (UTF-8, UTF-16, GB18030/GBK), .pdf (text layer) and
    .html/.htm files, folders of them (recursively) and quoted globs (see 'kg --help').

    Runs the whole pipeline (read, clean, split into articles, recognise entities, relate, resolve, map to RDF) and
    writes graph.ttl, .nt, .nq, .trig, .jsonld, .graphml, .gexf and graph.html into the output folder (N-Quads and
    TriG keep one named graph per article). Existing outputs are replaced, all together, only when the run
    succeeds, and a second build into the same folder is refused while one runs.

    Builds are incremental: extractions are kept per file in OUTPUT/.kg-cache, so a rebuild after changing or
    adding a few files extracts only those (entities are resolved again over everything). An interrupted build
    (Ctrl-C, or killed) keeps the previous outputs; run the same command again to resume.

    With --shard I/N only the files of shard I are extracted, into the output folder as shard.nq (for bulk loading)
    and extractions.pickle; run the N shards anywhere with the same INPUTS, then 'kg merge' them.

    \b
    Examples:
      kg build kg/data/sample/inner_mongolia_daily_2021-02-22_p3.txt -o out/ --date 2021-02-22 --publication 内蒙古日报
      kg build page.pdf 'site/2021-02/*.html' -o out/ --keep-going
      kg build archive/ -o out/ --workers 2 --keep-going
      kg build archive/2021-02/ -o out/ --format nq --store archive.db
      kg build archive/ --shard 0/2 -o shards/0 && kg build archive/ --shard 1/2 -o shards/1
      kg build archive/ -o out/ --engine dask --scheduler tcp://10.0.0.5:8786 --spool-dir /shared/kg-spool
    """
    if quiet and verbose:
        raise click.UsageError("--quiet and --verbose exclude each other")
    try:
        shard = parse_shard(shard_text) if shard_text else None
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--shard") from None
    if engine != "dask" and (scheduler or spool_dir):
        raise click.UsageError("--scheduler and --spool-dir apply to --engine dask")
    if shard is not None and engine == "dask":
        raise click.UsageError(
            "--shard is for separate machines without a cluster; with --engine dask one build uses them all"
        )
    if shard is not None and (formats or store_dir):
        raise click.UsageError(
            "--format and --store do not apply to --shard (a shard writes shard.nq); "
            "give them to 'kg merge' or load shard.nq into the store"
        )
    settings = Settings(
        base_iri=base_iri, date=date, publication=publication, ner=ner, keep_going=keep_going, user_dictionary=user_dict
    )
    bar = ProgressBar(enabled=not quiet and sys.stderr.isatty())
    with interruptible(out_dir, bar), silenced(quiet):
        if shard is not None:
            files, stats = api.build_shard(
                inputs,
                out_dir,
                shard,
                settings=settings,
                workers=workers,
                incremental=not no_cache,
                force=force,
                progress=bar,
            )
            bar.close()
            report(stats, None, files, quiet=quiet, verbose=verbose)
        else:
            result = api.build(
                inputs,
                out_dir,
                settings=settings,
                workers=workers,
                incremental=not no_cache,
                force=force,
                progress=bar,
                formats=chosen_formats(formats),
                store=store_dir,
                engine=engine,
                scheduler=scheduler,
                spool_dir=spool_dir,
            )
            bar.close()
            report(result.stats, result.corpus, result.files, quiet=quiet, verbose=verbose)


@main.command(epilog=EPILOG_EXIT_CODES)
@click.argument("shard_dirs", nargs=-1, required=True, type=click.Path(file_okay=False, path_type=Path))
@output_option("Folder for the merged graph.ttl and graph.html.", required=True)
@click.option(
    "--base-iri",
    default=None,
    callback=base_iri_option,
    help="Base IRI of instance data (default: the one the shards used).",
)
@formats_option
@quiet_verbose_options("Only errors on stderr: no summary.", "Also show time per stage.")
@reports_errors
def merge(
    shard_dirs: tuple[Path, ...],
    out_dir: Path,
    base_iri: str | None,
    formats: tuple[str, ...],
    quiet: bool,
    verbose: bool,
) -> None:
    """Merge shard folders made by 'kg build --shard I/N' into one graph.

    Checks that the shards are complete and were made from the same inputs and settings, resolves entities across
    all of them and writes the same graph files and graph.html as one 'kg build' over the whole archive.

    \b
    Examples:
      kg merge shards/0 shards/1 -o out/
      kg merge shards/* -o out/ --format nq
    """
    with interruptible(out_dir, None), silenced(quiet):
        result = api.merge(shard_dirs, out_dir, base_iri=base_iri, formats=chosen_formats(formats))
    report(result.stats, result.corpus, result.files, quiet=quiet, verbose=verbose)


class ProgressBar:
    """A one-line progress bar on stderr (files, articles, characters per second, time left), redrawn at most five
    times a second and only after the first second, so short runs stay silent."""

    WIDTH = 24
    PHASES = {"resolve": "resolving entities", "write": "writing the graph and the view"}

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.drawn = False
        self.last = 0.0
        self.width = 0

    def __call__(self, info: ProgressInfo) -> None:
        if not self.enabled or info.elapsed < 1.0:
            return
        now = time.monotonic()
        finished = info.documents_done == info.documents_total
        if now - self.last < 0.2 and not finished and info.phase == "extract":
            return
        self.last = now
        share = info.bytes_done / info.bytes_total if info.bytes_total else 1.0
        filled = int(share * self.WIDTH)
        left = info.remaining
        eta = f"{_duration(left)} left" if left is not None and not finished else _duration(info.elapsed)
        line = (
            f"[{'#' * filled}{'.' * (self.WIDTH - filled)}] {info.documents_done}/{info.documents_total} files"
            f"  {info.articles} articles  {info.rate / 1000:.1f}k chars/s  {eta}"
        )
        if info.phase != "extract":
            line += "  " + self.PHASES.get(info.phase, info.phase) + " …"
        # Pad to the previous line's length so that no tail of it stays visible.
        click.echo("\r" + line.ljust(self.width), err=True, nl=False)
        self.width = len(line)
        self.drawn = True

    def close(self) -> None:
        """End the bar's line so that what follows starts on a fresh one."""
        if self.drawn:
            click.echo("", err=True)
            self.drawn = False


def _duration(seconds: float) -> str:
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{minutes}:{secs:02d}"


@contextlib.contextmanager
def silenced(quiet: bool) -> Iterator[None]:
    """With --quiet, what libraries report (the PDF reader's messages about a PDF's colours or fonts, which go through
    logging, Python warnings) is not shown; errors still are, as kg's own one-line messages. Worker processes are
    forked inside, so they inherit it."""
    if not quiet:
        yield
        return
    import warnings

    pdfminer = logging.getLogger("pdfminer")
    level = pdfminer.level
    pdfminer.setLevel(logging.CRITICAL + 1)
    logging.disable(logging.WARNING)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logging.disable(logging.NOTSET)
        pdfminer.setLevel(level)


@contextlib.contextmanager
def sigterm_interrupts() -> Iterator[None]:
    """SIGTERM raises KeyboardInterrupt inside the block, as Ctrl-C does (only the main thread can set signals)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_term(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def interruptible(out_dir: Path, bar: ProgressBar | None) -> Iterator[None]:
    """Turn Ctrl-C and SIGTERM into a clean stop: a one-line message and exit code 130, outputs untouched."""
    try:
        with sigterm_interrupts():
            yield
    except KeyboardInterrupt:
        if bar is not None:
            bar.close()
        click.echo(
            f"kg: interrupted; {out_dir} keeps a complete set of outputs (the previous one unless this run "
            "had finished writing). Files already extracted are cached: run the same command again to resume.",
            err=True,
        )
        sys.exit(EXIT_INTERRUPTED)


def report(stats: RunStats, corpus: Corpus | None, files: list[Path], *, quiet: bool, verbose: bool) -> None:
    """The end-of-run summary on stderr: counts, entities by class, skipped inputs, warnings, time."""
    if stats.skipped:
        click.echo(skipped_summary(stats.skipped), err=True)
    if quiet:
        return
    for warning in stats.warnings:
        click.echo(f"warning: {warning}", err=True)
    if verbose:
        for detail in stats.details:
            click.echo(detail, err=True)
    total = sum(stats.timings.seconds.values())
    rows: list[tuple[str, str]] = [
        (
            "files",
            f"{stats.files + len(stats.skipped):,} ({stats.reused:,} reused from the cache, "
            f"{stats.extracted:,} extracted by {stats.workers} worker(s), {len(stats.skipped):,} skipped)",
        ),
        ("articles", f"{stats.articles:,}"),
        ("characters", f"{stats.characters:,}"),
    ]
    if corpus is not None:
        classes = {name: n for name, n in stats.classes.items() if is_entity_class(name)}
        rows.append(("entities", f"{entity_count(classes):,}"))
        rows.extend((f"  {cls}", f"{n:,}") for cls, n in sorted(classes.items(), key=lambda kv: (-kv[1], kv[0])))
        rows.append(("relations", f"{stats.statements:,} stated with their evidence (kg:Statement)"))
        rows.append(("quantities", f"{stats.quantities:,}"))
        rows.append(("events", f"{stats.events:,} (counted among the entities)"))
    rows.append(("skipped", f"{len(stats.skipped):,}"))
    rows.append(("time", f"{stats.elapsed:.1f} s ({total:.1f} s of work in the stages)"))
    if verbose:
        for name, seconds in sorted(stats.timings.seconds.items(), key=lambda kv: -kv[1]):
            share = seconds / total if total else 0.0
            rows.append((f"  {name}", f"{seconds:.2f} s ({share:.0%})"))
    rows.append(("written", ", ".join(str(f) for f in files)))
    click.echo(f"{stats.documents} document(s), {stats.articles} article(s)", err=True)
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        click.echo(f"  {label.ljust(width)}  {value}", err=True)


@main.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("view.html"),
    show_default=True,
    help="HTML file to write.",
)
@click.option(
    "--focus",
    metavar="NAME",
    help="Open the page on the neighbourhood of this entity (name, alias or "
    "IRI); its 'Show all' button shows the rest.",
)
@click.option(
    "--hops",
    type=click.IntRange(min=0),
    default=2,
    show_default=True,
    help="Size of the --focus neighbourhood, in relations.",
)
@click.option(
    "--max-nodes",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_NODES,
    show_default=True,
    help="Keep at most this many entities (the most important); the page says what was left out.",
)
@click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default="zh",
    show_default=True,
    help="Language of class and relation labels and of the page.",
)
@click.option("--title", help="Page title (default: the source's name).")
@click.option("-q", "--quiet", is_flag=True, help="Do not report the file written on stderr.")
@reports_errors
def viz(
    source: Path, out: Path, focus: str | None, hops: int, max_nodes: int, lang: str, title: str | None, quiet: bool
) -> None:
    """Write an offline interactive HTML view of a graph.

    SOURCE is a graph file (.ttl .nt .nq .trig .jsonld), a kg output folder or a store made with 'kg build --store'.
    The page is one self-contained file: network with legend, search, class and article filters, evidence panel,
    and a map of places with coordinates. It opens from file:// without any network access.

    \b
    Example:
      kg viz out/ -o out/view.html
      kg viz out/graph.ttl -o out/wuhai.html --focus 乌海市 --hops 2
    """
    written = api.viz(source, out, focus=focus, hops=hops, max_nodes=max_nodes, lang=lang, title=title)
    if not quiet:
        click.echo(f"wrote {written}", err=True)


@main.command("stages")
def stages_command() -> None:
    """List the registered pipeline stages (implementations you can choose).

    \b
    Example:
      kg stages
    """
    from kg.registry import stages

    for name in stages():
        click.echo(name)


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@format_option(["jsonl"], "Output format: one JSON object per document.", default="jsonl")
@click.option(
    "--lines",
    is_flag=True,
    help="Treat every input line as its own document; offsets refer to the line exactly as given.",
)
@date_option
@ner_option
@base_iri_default_option
@reports_errors
def extract(inputs: tuple[str, ...], fmt: str, lines: bool, date: dt.date | None, ner: str, base_iri: str) -> None:
    """Print the entity mentions of INPUTS as JSON lines ('-' reads standard input). INPUTS are .txt, .pdf and
    .html files, folders and quoted globs, as for 'kg build'.

    Each record has the document, its articles and its mentions with start/end character offsets (into the cleaned
    text; with --lines into each line as given), the surface text, the class as a CURIE and the entity IRI.

    \b
    Example:
      echo "本报乌海2月21日电 乌海市建成3座加氢站。" | kg extract - --lines
      kg extract page.html
    """
    import json

    from kg.ingest.read import decode_text, expand, read

    texts: list[tuple[str, str]] = []
    for item in inputs:
        if item == "-":
            texts.append(("<stdin>", decode_text(sys.stdin.buffer.read(), "<stdin>")))
        else:
            texts.extend((display_path(path), read(path).source) for path in expand([item]))
    if lines:
        texts = [
            (f"{name}:{number}", line)
            for name, text in texts
            for number, line in enumerate(text.split("\n"), start=1)
            if line.strip()
        ]
    settings = Settings(base_iri=base_iri, date=date, ner=ner)
    corpus = api.extract_texts(texts, settings)
    for record in api.mention_records(corpus, base_iri, source_offsets=lines):
        click.echo(json.dumps(record, ensure_ascii=False))


# ----------------------------------------------------------------------------------------------- the graph as a product


def _query_text(query_arg: str | None, query_file: Path | None) -> str:
    """The SPARQL text from -f FILE, '-' (stdin), or the argument itself (SPARQL or a shipped query's name)."""
    if query_file is not None:
        if query_arg is not None:
            raise click.UsageError("give the query either as an argument or with -f, not both")
        return query_file.read_text(encoding="utf-8")
    if query_arg is None:
        raise click.UsageError("missing QUERY (SPARQL text, '-' for stdin, -f FILE.rq or a name from --list)")
    if query_arg == "-":
        return sys.stdin.read()
    return query_arg


def _params(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> dict[str, str]:
    """Click callback: KEY=VALUE pairs of --param."""
    pairs = {}
    for item in value:
        key, sep, val = item.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"expected KEY=VALUE, not {item!r}")
        pairs[key.strip()] = val
    return pairs


@main.command()
@click.argument("source", required=False)
@click.argument("query_arg", metavar="QUERY", required=False)
@click.option(
    "-f",
    "--file",
    "query_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Read the query from a .rq file.",
)
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="KEY=VALUE",
    callback=_params,
    help="A parameter of a shipped query (see --list), e.g. --param place=乌海市; repeatable.",
)
@format_option(
    RESULT_FORMATS,
    "Results: table (terminal), csv, tsv, json, xml (W3C SPARQL result formats); CONSTRUCT and "
    "DESCRIBE give turtle, nt or jsonld (table means turtle).",
    default="table",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    metavar="SECONDS",
    help="Stop the query after this many seconds.",
)
@click.option(
    "--ontology/--no-ontology",
    default=True,
    show_default=True,
    help="Add kg's ontology (ontology/kg.ttl, in its own named graph <https://w3id.org/kgnews/ontology>) "
    "to a graph file's data, so that queries can follow rdfs:subClassOf as the shipped ones do. A store "
    "holds it already.",
)
@click.option(
    "--allow-remote",
    is_flag=True,
    help="Let SERVICE fetch data from other servers (refused otherwise: a "
    "query from someone else could make this machine send requests).",
)
@click.option("--list", "list_only", is_flag=True, help="List the shipped queries with their parameters and exit.")
@reports_errors
def query(
    source: str | None,
    query_arg: str | None,
    query_file: Path | None,
    params: dict[str, str],
    fmt: str,
    timeout: float | None,
    ontology: bool,
    allow_remote: bool,
    list_only: bool,
) -> None:
    """Run a SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE) on kg output.

    SOURCE is a graph file (.ttl .nt .nq .trig .jsonld), a kg output folder or a store made with
    'kg build --store'. QUERY is SPARQL text, '-' to read standard input, or the name of a shipped query
    (see --list) with --param KEY=VALUE for its parameters. All named graphs together form the default graph;
    kg's prefixes (kg:, schema:, …) are predeclared. kg's ontology is added unless --no-ontology.

    \b
    Examples:
      kg query output/ posts
      kg query output/ organizations-in-place --param place=乌海市
      kg query output/graph.nq "SELECT ?name WHERE { ?c a kg:City ; rdfs:label ?name }" --format csv
      kg query archive.db -f ontology/queries/quantities-by-year.rq --format json
    """
    from kg.store.query import query_listing

    if list_only:
        click.echo(query_listing(), nl=False)
        return
    if source is None:
        raise click.UsageError("missing SOURCE (a graph file, output folder or store)")
    text = _query_text(query_arg, query_file)
    result = api.query(source, text, timeout=timeout, params=params, with_ontology=ontology, allow_remote=allow_remote)
    written = result.serialize(fmt)
    click.echo(written, nl=not written.endswith("\n"))


@main.command()
@click.argument("graph")
@click.option("--limit", default=50, show_default=True, help="Show at most this many findings.")
@click.option(
    "--check-ontology", is_flag=True, help="Also check the ontology itself (labels, declarations, domains and ranges)."
)
@reports_errors
def validate(graph: str, limit: int, check_ontology: bool) -> None:
    """Check a graph against the kg SHACL shapes (ontology/shapes.ttl).

    GRAPH is a graph file, a kg output folder or a store; all its graphs are checked together with RDFS inference
    over the ontology. Prints a report; the exit code is 1 when there are violations (warnings do not fail).

    \b
    Example:
      kg validate output/graph.ttl
    """
    from kg.errors import OntologyError, ValidationFailed
    from kg.store.validate import check_ontology as ontology_problems

    if check_ontology:
        problems = ontology_problems()
        for problem in problems:
            click.echo(f"ontology: {problem}")
        if problems:
            raise OntologyError(f"the ontology has {len(problems)} problem(s)")
    report = api.validate(graph)
    click.echo(report.text(limit=limit), nl=False)
    if not report.conforms:
        raise ValidationFailed(f"{graph}: {len(report.violations)} violation(s) of the kg shapes")


@main.command()
@click.argument("source")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Anything but a loopback address exposes the data to the network.",
)
@click.option("--port", default=7878, show_default=True, help="Port to listen on (0 picks a free one).")
@click.option(
    "--writable",
    is_flag=True,
    help="Allow SPARQL Update and Graph Store writes by holders of the token "
    "(SOURCE must be a store folder, or a new folder for an empty store).",
)
@click.option(
    "--token",
    envvar="KG_TOKEN",
    help="Write token for --writable (or set KG_TOKEN; at least 16 "
    "characters). Without it a token is generated and printed.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    metavar="SECONDS",
    default=DEFAULT_SERVE_TIMEOUT,
    show_default=True,
    help="Stop a query or update that runs longer than this (answered with 503).",
)
@click.option(
    "--allow-remote",
    is_flag=True,
    help="Let SERVICE in queries and LOAD in updates fetch other servers' "
    "data. Risky: anyone who can query the endpoint can then make this machine send requests "
    "(server-side request forgery).",
)
@click.option(
    "--cors-origin",
    "cors_origins",
    multiple=True,
    metavar="ORIGIN",
    help="Let web pages from this origin (e.g. http://localhost:8000) read query results; repeatable. "
    "Never granted for updates.",
)
@click.option(
    "--ontology/--no-ontology",
    default=True,
    show_default=True,
    help="Serve kg's ontology too, in its own named graph <https://w3id.org/kgnews/ontology> (the "
    "shipped queries follow rdfs:subClassOf through it).",
)
@reports_errors
def serve(
    source: str,
    host: str,
    port: int,
    writable: bool,
    token: str | None,
    timeout: float,
    allow_remote: bool,
    cors_origins: tuple[str, ...],
    ontology: bool,
) -> None:
    """Serve SOURCE as a SPARQL 1.1 endpoint until interrupted.

    SOURCE is a graph file, a kg output folder or a store folder (kg build --store). Queries go to /query (GET or
    POST; JSON, XML, CSV, TSV results and Turtle, N-Triples, JSON-LD graphs by content negotiation), graphs to
    /store (Graph Store Protocol), updates to /update. The default graph is the union of all named graphs.

    Safe by default: read-only, loopback only, no CORS, SERVICE and LOAD refused, queries checked for size and
    nesting and stopped after --timeout. --writable prints a token that every write must send
    (Authorization: Bearer TOKEN; kg load --token TOKEN).

    \b
    Examples:
      kg serve output/ --port 7878
      curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * { ?s ?p ?o } LIMIT 3' http://127.0.0.1:7878/query
      kg build kg/data/sample/*.txt -o /tmp/kg-out --store /tmp/kg-store
      kg serve /tmp/kg-store --writable    # prints: write token: ...
      kg load /tmp/kg-out --endpoint http://127.0.0.1:7878/store --token ...
    """
    server = None
    try:
        with sigterm_interrupts():
            server = api.serve(source, host, port, writable=writable, token=token, timeout=timeout,
                               allow_remote=allow_remote, cors_origins=cors_origins,
                               with_ontology=ontology)  # fmt: skip
            if not is_loopback(host):
                click.echo(f"warning: listening on {host}: other machines can reach this endpoint", err=True)
            click.echo(f"SPARQL endpoint: {server.query_url} (Ctrl-C to stop)", err=True)
            if server.token:
                click.echo(f"Graph Store: {server.store_url}, updates: {server.url}/update", err=True)
                click.echo(f"write token: {server.token}", err=True)
            server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        if server is not None:
            server.stop()


@main.command()
@click.argument("outputs", nargs=-1, required=True)
@click.option(
    "--endpoint",
    help="Graph Store Protocol URL (e.g. http://host:7878/store) or SPARQL Update URL (e.g. http://host:8890/sparql).",
)
@click.option(
    "--graph",
    "graph_iri",
    metavar="IRI",
    callback=absolute_iri("--graph"),
    help="Load everything into this one graph (replacing it) instead of one graph per article.",
)
@click.option(
    "--protocol",
    type=click.Choice(["auto", "gsp", "update"]),
    default="auto",
    show_default=True,
    help="gsp for Graph Store Protocol, update for SPARQL Update; auto: gsp when the URL ends in /store.",
)
@click.option(
    "--user",
    help="User name for HTTP basic or digest authentication (with --bulk virtuoso: the SQL user, default dba).",
)
@click.option("--password", envvar="KG_LOAD_PASSWORD", help="Password (or set KG_LOAD_PASSWORD).")
@click.option("--batch-size", default=20000, show_default=True, help="Triples per SPARQL Update request.")
@click.option(
    "--token",
    envvar="KG_TOKEN",
    help="Write token of a 'kg serve --writable' endpoint (or set KG_TOKEN), sent as Authorization: Bearer.",
)
@click.option("--no-ontology", is_flag=True, help="Do not load the ontology into its own graph.")
@click.option(
    "--bulk",
    type=click.Choice(BULK_STORES),
    help="Hand the N-Quads files to the store's own bulk loader "
    "instead of HTTP: Virtuoso (ld_add, rdf_loader_run), an Oxigraph store folder, or a Qleverfile.",
)
@click.option(
    "--location",
    type=click.Path(file_okay=False, path_type=Path),
    help="With --bulk oxigraph: the store folder; with --bulk qlever: the folder for the Qleverfile.",
)
@click.option(
    "--isql",
    "isql_address",
    default="127.0.0.1:1111",
    show_default=True,
    metavar="HOST:PORT",
    help="With --bulk virtuoso: Virtuoso's SQL port.",
)
@click.option("--isql-program", help="With --bulk virtuoso: the isql client (default: isql-vt or isql).")
@click.option(
    "--loaders",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="With --bulk virtuoso: parallel rdf_loader_run() calls (about one per core of the server).",
)
@reports_errors
def load(
    outputs: tuple[str, ...],
    endpoint: str | None,
    graph_iri: str | None,
    protocol: str,
    user: str | None,
    password: str | None,
    batch_size: int,
    token: str | None,
    no_ontology: bool,
    bulk: str | None,
    location: Path | None,
    isql_address: str,
    isql_program: str | None,
    loaders: int,
) -> None:
    """Push kg output to a triple store over HTTP, all or nothing, or bulk-load N-Quads with the store's loader.

    OUTPUT is a graph file, a kg output folder or a store. Article graphs replace the graphs of the same name, so
    loading again changes nothing; on any failure the target is left as it was.

    With --bulk, OUTPUTS are N-Quads files or folders with graph.nq (a build) or shard.nq; the store's own loader
    reads them (much faster for an archive). Loading again adds nothing. Bulk loaders are not transactional: a
    failure names the files and may leave part of them loaded. Virtuoso reads the files itself, so their folder
    must be in DirsAllowed of its virtuoso.ini (and at the same path on its machine).

    \b
    Example:
      kg load output/ --endpoint http://127.0.0.1:7878/store --token TOKEN    # kg serve STORE --writable
      oxigraph serve --location db/ & kg load output/ --endpoint http://127.0.0.1:7878/store
      kg load output/graph.nq --endpoint http://127.0.0.1:8890/sparql-auth --user dba --password dba
      kg load shards/*/ --bulk virtuoso --isql 127.0.0.1:1111 --password dba --loaders 2
      kg load output/ --bulk oxigraph --location store/        # then: kg serve store/
      kg load output/ --bulk qlever --location qlever/         # writes qlever/Qleverfile
    """
    if bulk is not None:
        given = [name for name, value in (("--endpoint", endpoint), ("--graph", graph_iri), ("--token", token))
                 if value]  # fmt: skip
        if given:
            raise click.UsageError(f"{' and '.join(given)} do not apply to --bulk (the files name their graphs)")
        if bulk in ("oxigraph", "qlever") and location is None:
            raise click.UsageError(f"--bulk {bulk} needs --location (the folder to write)")
        result = api.bulk_load(outputs, bulk, location=location, isql=isql_address, user=user or "dba",
                               password=password, loaders=loaders, with_ontology=not no_ontology,
                               isql_program=isql_program)  # fmt: skip
        click.echo(f"bulk-loaded {len(result.files)} N-Quads file(s) into {bulk} at {result.target} "
                   f"in {result.seconds:.1f} s" if result.command is None else
                   f"wrote {result.target}/Qleverfile for {len(result.files)} N-Quads file(s); build the index "
                   f"with: {result.command}", err=True)  # fmt: skip
        return
    if endpoint is None:
        raise click.UsageError("give --endpoint URL (or --bulk STORE)")
    if len(outputs) != 1:
        raise click.UsageError("--endpoint loads one OUTPUT; give several only with --bulk")
    loaded = api.load(outputs[0], endpoint, graph=graph_iri, user=user, password=password, protocol=protocol,
                      batch_size=batch_size, with_ontology=not no_ontology, token=token)  # fmt: skip
    click.echo(f"loaded {loaded.triples} triples in {loaded.graphs} graph(s) into {endpoint} "
               f"({loaded.protocol}, {loaded.requests} requests)", err=True)  # fmt: skip


@main.command()
@click.argument("source")
@format_option(["text", "json"], "Readable text or JSON.", default="text")
@reports_errors
def stats(source: str, fmt: str) -> None:
    """Count what a graph holds: classes, properties, articles, mentions, entities, facts with and without
    provenance. SOURCE is a graph file (.ttl .nt .nq .trig .jsonld), a kg output folder or a store made with
    'kg build --store'; entities are counted as the build summary and the view count them.

    \b
    Example:
      kg stats output/graph.nq
      kg stats out/ --format json
    """
    result = api.stats(source)
    click.echo(result.json() if fmt == "json" else result.text(), nl=False)


@main.group("eval")
def eval_group() -> None:
    """Score extraction against annotated data.

    \b
    Example:
      kg eval ner ../shared/data/msra_ner_val --format bio --ner crf
    """


@eval_group.command("ner")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@format_option(
    ["bio", "cluener"],
    "bio: 'char tag' lines (or a folder with sentences.txt/tags.txt); cluener: CLUENER2020 JSON lines.",
    default="bio",
)
@ner_option
@click.option("--limit", type=click.IntRange(min=1), help="Score only the first N sentences.")
@click.option(
    "--with-rules",
    is_flag=True,
    help="Score what kg emits: the tagger followed by the rules and linking "
    "stages, specific classes counted by family (a City is a Place).",
)
@reports_errors
def eval_ner_command(path: Path, fmt: str, ner: str, limit: int | None, with_rules: bool) -> None:
    """Score a tagger on annotated sentences: exact span and type, precision/recall/F1 per class and micro.

    Each data set's labels are mapped onto kg's Person / Place / Organization in kg.nlp.evaluate.LABEL_MAP; other
    labels are counted as unmapped and not scored.

    \b
    Example:
      kg eval ner ../shared/data/peoples_daily_ner/example.test --format bio --ner crf
      kg eval ner ../shared/data/cluener2020/train.json --format cluener --ner lac --limit 1000 --with-rules
    """
    click.echo(api.eval_ner(path, fmt, ner=ner, limit=limit, with_rules=with_rules).table())
