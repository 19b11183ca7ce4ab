"""Stage registry and the runner that pushes documents through the stages.

A stage is a plain function registered under a dotted name whose first two parts say what it does and the rest which
implementation it is: ``nlp.tag.lac`` is the ``lac`` implementation of the ``nlp.tag`` step. A user swaps an
implementation by naming another one in :class:`Settings` (``--ner crf`` on the command line selects ``nlp.tag.crf``)
or by registering their own with :func:`stage`.

Step signatures:

* ``ingest.read``     ``(path: Path, settings) -> Document``
* ``ingest.clean``    ``(doc: Document, settings) -> Document``
* ``ingest.segment``  ``(doc: Document, settings) -> list[Article]``
* ``nlp.*``           ``(ex: ArticleExtraction, settings) -> ArticleExtraction``, run in the order of ``Settings.steps``
* ``resolve``         ``(extractions: list[ArticleExtraction], settings) -> Corpus``
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import InputError, KGError, StageNotFound
from kg.model import ArticleExtraction, Corpus, Document

_REGISTRY: dict[str, Callable[..., Any]] = {}

# Modules whose import registers the built-in stages. Imported lazily so that `kg --help` stays fast.
_BUILTIN_MODULES = (
    "kg.ingest.read",
    "kg.ingest.clean",
    "kg.ingest.segment",
    "kg.nlp.tag",
    "kg.nlp.rules",
    "kg.nlp.gazetteer",
    "kg.nlp.relate",
    "kg.nlp.quantities",
    "kg.nlp.events",
    "kg.nlp.resolve",
)

DEFAULT_BASE_IRI = "https://w3id.org/kgnews/id/"


def stage(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the decorated function as the stage ``name`` (e.g. ``"nlp.tag.lac"``)."""

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        _REGISTRY[name] = fn
        return fn

    return register


def _load_builtins() -> None:
    for module in _BUILTIN_MODULES:
        importlib.import_module(module)


def get_stage(name: str) -> Callable[..., Any]:
    """Return the stage registered under ``name``; raise :class:`StageNotFound` naming the alternatives."""
    _load_builtins()
    try:
        return _REGISTRY[name]
    except KeyError:
        step = name.rsplit(".", 1)[0]
        options = sorted(key.rsplit(".", 1)[1] for key in _REGISTRY if key.rsplit(".", 1)[0] == step)
        hint = f" (available: {', '.join(options)})" if options else ""
        raise StageNotFound(f"no stage named {name!r}{hint}") from None


def stages() -> list[str]:
    """Names of every registered stage, sorted."""
    _load_builtins()
    return sorted(_REGISTRY)


@dataclass
class Settings:
    """What a run does: which implementation for each step, the publication date, the IRI base and options."""

    base_iri: str = DEFAULT_BASE_IRI
    date: dt.date | None = None  # publication date of the input; years of partial dates are inferred from it
    publication: str | None = None  # the newspaper or site the input comes from (本报 names no one)
    ner: str = "lac"
    user_dictionary: Path | None = None  # TSV of name<TAB>Class lines, applied by nlp.link.gazetteer
    read: str = "ingest.read.auto"
    clean: str = "ingest.clean.newspaper"
    segment: str = "ingest.segment.newspaper"
    steps: tuple[str, ...] = (
        "nlp.rules.newspaper",
        "nlp.link.gazetteer",
        "nlp.relate.patterns",
        "nlp.quantities.patterns",
        "nlp.events.patterns",
    )
    resolve: str = "resolve.default"
    keep_going: bool = False
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def tagger(self) -> str:
        return f"nlp.tag.{self.ner}"


def expand_inputs(inputs: Iterable[str | Path], skipped: list[tuple[str, str]] | None = None) -> list[Path]:
    """Turn files, directories and glob patterns into a list of files (directories are searched recursively).

    With ``skipped`` (used when ``keep_going`` is set) an input that names no file is recorded there, not raised.
    """
    return get_stage("ingest.read.expand")(inputs, skipped)


def skipped_summary(skipped: list[tuple[str, str]]) -> str:
    """A short report of the inputs a ``keep_going`` run skipped: a count line, then one line per input."""
    if not skipped:
        return "no input skipped"
    lines = [f"{len(skipped)} input(s) skipped:"]
    lines.extend(f"  {reason}" if reason.startswith(path) else f"  {path}: {reason}" for path, reason in skipped)
    return "\n".join(lines)


def extract_document(doc: Document, settings: Settings) -> list[ArticleExtraction]:
    """Clean and segment one document and run the per-article steps on each of its articles."""
    doc = get_stage(settings.clean)(doc, settings)
    articles = get_stage(settings.segment)(doc, settings)
    steps = [get_stage(settings.tagger), *(get_stage(name) for name in settings.steps)]
    results = []
    for article in articles:
        extraction = ArticleExtraction(article=article)
        for step in steps:
            extraction = step(extraction, settings)
        results.append(extraction)
    return results


def iter_extractions(
    paths: Iterable[Path], settings: Settings, skipped: list[tuple[str, str]]
) -> Iterator[tuple[Document, list[ArticleExtraction]]]:
    """Read and extract each path in turn; with ``keep_going`` a failing input is recorded in ``skipped``."""
    read = get_stage(settings.read)
    for path in paths:
        try:
            doc = read(path, settings)
            yield doc, extract_document(doc, settings)
        except KGError as error:
            if not settings.keep_going:
                raise
            skipped.append((str(path), str(error)))


def run(inputs: Iterable[str | Path], settings: Settings | None = None) -> Corpus:
    """Run the whole pipeline over ``inputs`` and return the resolved corpus."""
    settings = settings or Settings()
    skipped: list[tuple[str, str]] = []
    paths = expand_inputs(inputs, skipped if settings.keep_going else None)
    documents: list[Document] = []
    extractions: list[ArticleExtraction] = []
    for doc, results in iter_extractions(paths, settings, skipped):
        documents.append(doc)
        extractions.extend(results)
    if skipped and not documents:
        raise InputError(f"no input could be read:\n{skipped_summary(skipped)}")
    corpus = get_stage(settings.resolve)(extractions, settings)
    corpus.documents = documents
    corpus.skipped = skipped
    return corpus
