"""The ``kg`` command line: click commands that parse options and call the library API.

This is the only module that imports click. Every command calls the library function of the same name; a ``KGError``
becomes a one-line message and exit code 1, a usage error exit code 2.
"""

from __future__ import annotations

import datetime as dt
import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from kg import api
from kg.errors import KGError
from kg.pipeline import DEFAULT_BASE_IRI, Settings, skipped_summary
from kg.view.html import DEFAULT_MAX_NODES

F = TypeVar("F", bound=Callable[..., Any])

EPILOG_EXIT_CODES = """\b
Exit codes: 0 success, 1 error in the input or the run (the message names the file), 2 usage error."""


def reports_errors(fn: F) -> F:
    """Turn a KGError raised by the library into a click error: one line on stderr, exit code 1, no traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except KGError as error:
            raise click.ClickException(str(error)) from None

    return wrapper  # type: ignore[return-value]


def parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    """Click callback: an ISO date (YYYY-MM-DD)."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2021-02-22") from None


class Progress:
    """Progress messages on stderr, shown only on a terminal and never with --quiet."""

    def __init__(self, quiet: bool) -> None:
        self.enabled = not quiet and sys.stderr.isatty()

    def __call__(self, message: str) -> None:
        if self.enabled:
            click.echo(message, err=True)


@click.group(
    epilog=EPILOG_EXIT_CODES,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110},
)
@click.version_option(package_name="kg-news", prog_name="kg")
def main() -> None:
    """Build RDF knowledge graphs from Chinese news text.

    kg reads newspaper pages and articles (.txt), finds the people, places, organizations, facilities, laws and
    events in them, the relations and figures between them, and writes an RDF graph (Turtle) under the kg ontology,
    with provenance down to the sentence, plus an interactive HTML view.

    \b
    Example:
      kg build kg/data/sample/*.txt -o output/ --date 2021-02-22
    """


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("output"),
              show_default=True, help="Folder for graph.ttl and graph.html.")
@click.option("--date", callback=parse_date, metavar="YYYY-MM-DD",
              help="Publication date of the input; years of dates like '2月21日' are taken from it.")
@click.option("--base-iri", default=DEFAULT_BASE_IRI, show_default=True, help="Base IRI of instance data.")
@click.option("--ner", default="lac", show_default=True, help="Named-entity tagger to use (see 'kg stages').")
@click.option("--keep-going", is_flag=True, help="Skip inputs that cannot be read and report them at the end.")
@click.option("-q", "--quiet", is_flag=True, help="No progress or summary on stderr.")
@reports_errors
def build(inputs: tuple[str, ...], out_dir: Path, date: dt.date | None, base_iri: str, ner: str,
          keep_going: bool, quiet: bool) -> None:
    """Build the knowledge graph of INPUTS (files, folders or globs).

    Runs the whole pipeline (read, clean, split into articles, recognise entities, relate, resolve, map to RDF) and
    writes graph.ttl and graph.html into the output folder. Existing outputs are replaced only when the run succeeds.

    \b
    Example:
      kg build kg/data/sample/inner_mongolia_daily_2021-02-22_p3.txt -o output/ --date 2021-02-22
    """
    progress = Progress(quiet)
    settings = Settings(base_iri=base_iri, date=date, ner=ner, keep_going=keep_going)
    progress(f"building {len(inputs)} input(s) …")
    result = api.build(inputs, out_dir, settings=settings)
    corpus = result.corpus
    if corpus.skipped:
        click.echo(skipped_summary(corpus.skipped), err=True)
    if not quiet:
        click.echo(
            f"{len(corpus.documents)} document(s), {len(corpus.articles)} article(s), "
            f"{len(corpus.entities)} entities, {len(corpus.relations)} relations, "
            f"{len(corpus.quantities)} quantities → {', '.join(str(f) for f in result.files)}",
            err=True,
        )


@main.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path), default=Path("view.html"),
              show_default=True, help="HTML file to write.")
@click.option("--focus", metavar="NAME", help="Show only the neighbourhood of this entity (name, alias or IRI).")
@click.option("--hops", type=click.IntRange(min=0), default=2, show_default=True,
              help="Size of the --focus neighbourhood, in relations.")
@click.option("--max-nodes", type=click.IntRange(min=1), default=DEFAULT_MAX_NODES, show_default=True,
              help="Keep at most this many entities (the most important); the page says what was left out.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of class and relation labels and of the page.")
@click.option("--title", help="Page title (default: the source's name).")
@click.option("-q", "--quiet", is_flag=True, help="Do not report the file written on stderr.")
@reports_errors
def viz(source: Path, out: Path, focus: str | None, hops: int, max_nodes: int, lang: str,
        title: str | None, quiet: bool) -> None:
    """Write an offline interactive HTML view of a graph.

    SOURCE is an RDF file (.ttl, .nt, .nq, .trig, .rdf) or a folder holding graph.ttl (the output of 'kg build').
    The page is one self-contained file: network with legend, search, class and article filters, evidence panel,
    and a map of places with coordinates. It opens from file:// without any network access.

    \b
    Example:
      kg viz output/ -o view.html
      kg viz output/graph.ttl -o wuhai.html --focus 乌海市 --hops 2
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
    from kg.pipeline import stages

    for name in stages():
        click.echo(name)


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["jsonl"]), default="jsonl", show_default=True,
              help="Output format: one JSON object per document.")
@click.option("--lines", is_flag=True, help="Treat every input line as its own document; offsets refer to the line "
              "exactly as given.")
@click.option("--date", callback=parse_date, metavar="YYYY-MM-DD", help="Publication date of the input.")
@click.option("--ner", default="lac", show_default=True, help="Named-entity tagger to use (see 'kg stages').")
@click.option("--base-iri", default=DEFAULT_BASE_IRI, show_default=True, help="Base IRI of entity identifiers.")
@reports_errors
def extract(inputs: tuple[str, ...], fmt: str, lines: bool, date: dt.date | None, ner: str, base_iri: str) -> None:
    """Print the entity mentions of INPUTS as JSON lines ('-' reads standard input).

    Each record has the document, its articles and its mentions with start/end character offsets (into the cleaned
    text; with --lines into each line as given), the surface text, the class as a CURIE and the entity IRI.

    \b
    Example:
      echo "本报乌海2月21日电 乌海市建成3座加氢站。" | kg extract - --lines
    """
    import json

    from kg.ingest.read import decode_text, expand, read

    texts: list[tuple[str, str]] = []
    for item in inputs:
        if item == "-":
            texts.append(("<stdin>", decode_text(sys.stdin.buffer.read(), "<stdin>")))
        else:
            texts.extend((str(path), read(path).source) for path in expand([item]))
    if lines:
        texts = [(f"{name}:{number}", line) for name, text in texts
                 for number, line in enumerate(text.split("\n"), start=1) if line.strip()]
    settings = Settings(base_iri=base_iri, date=date, ner=ner)
    corpus = api.extract_texts(texts, settings)
    for record in api.mention_records(corpus, base_iri, source_offsets=lines):
        click.echo(json.dumps(record, ensure_ascii=False))
