"""SPARQL over kg output with Oxigraph: run a query, write its results, list and bind the shipped queries.

SOURCE is a graph file, a kg output folder or an on-disk store (see ``kg.store.store.open_source``). Queries see the
union of all named graphs as their default graph, so ``?s ?p ?o`` finds every fact; ``GRAPH ?g { … }`` still tells
which article a fact came from. kg's prefixes (kg:, schema:, prov:, …) are predeclared. kg's ontology is added in
its own named graph unless ``with_ontology`` is off (the shipped queries follow rdfs:subClassOf through it).

Queries are checked before parsing (``kg.store.guard``: size, nesting, SERVICE) and run in a child process, so that
no query can crash or hang the caller. Results are written by Oxigraph in the W3C SPARQL 1.1 result formats (JSON,
XML, CSV, TSV) and graphs as Turtle, N-Triples or JSON-LD; ``table`` is for a terminal and aligns Chinese characters
(two columns wide). The shipped queries (ontology/queries/*.rq) declare parameters in their header comments.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import textwrap
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from multiprocessing.connection import Connection
from pathlib import Path
from urllib.parse import unquote

import pyoxigraph as ox
from rdflib import BNode, Literal
from rdflib.term import Node

from kg.errors import KGError, QueryError, UsageError
from kg.graph.iri import check_absolute_iri
from kg.graph.vocab import PREFIXES, ontology_dir
from kg.publish.export import DEFAULT_BASE
from kg.store.guard import Limits, check, undeclared_prefixes
from kg.store.store import is_store_dir, open_source, to_rdflib
from kg.store.worker import serialized

RESULT_FORMATS = ("table", "csv", "tsv", "json", "xml")
GRAPH_FORMATS = ("turtle", "nt", "jsonld")
FORMATS = RESULT_FORMATS + GRAPH_FORMATS

_ERROR_AT = re.compile(r"error at (\d+):(\d+): ?(.*)", re.S)
_W3C = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML, "csv": ox.QueryResultsFormat.CSV,
        "tsv": ox.QueryResultsFormat.TSV}  # fmt: skip
_GRAPH = {"turtle": ox.RdfFormat.TURTLE, "table": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES,
          "jsonld": ox.RdfFormat.JSON_LD, "json": ox.RdfFormat.JSON_LD}  # fmt: skip
_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")


@dataclass
class QueryResult:
    """The outcome of a query: rows (SELECT), a boolean (ASK) or triples (CONSTRUCT/DESCRIBE).

    ``data`` holds the result as Oxigraph wrote it (SPARQL JSON results, or N-Triples for a graph); ``rows``,
    ``variables``, ``boolean`` and ``triples`` read it as rdflib terms, ``serialize`` writes any W3C format.
    """

    kind: str  # "select", "ask" or "graph"
    data: bytes

    @cached_property
    def _solutions(self) -> tuple[list[str], list[tuple[Node | None, ...]], bool | None]:
        parsed = ox.parse_query_results(self.data, format=ox.QueryResultsFormat.JSON)
        if isinstance(parsed, ox.QueryBoolean):
            return [], [], bool(parsed)
        variables = [v.value for v in parsed.variables]
        return variables, [tuple(to_rdflib(solution[v]) for v in variables) for solution in parsed], None

    @property
    def variables(self) -> list[str]:
        """Names of the SELECT variables, in order."""
        return self._solutions[0] if self.kind != "graph" else []

    @property
    def rows(self) -> list[tuple[Node | None, ...]]:
        """SELECT rows as rdflib terms (None where a variable is unbound)."""
        return self._solutions[1] if self.kind == "select" else []

    @property
    def boolean(self) -> bool | None:
        """The answer of an ASK query."""
        return self._solutions[2] if self.kind == "ask" else None

    @property
    def triples(self) -> list[tuple[Node, Node, Node]]:
        """CONSTRUCT or DESCRIBE triples as rdflib terms."""
        if self.kind != "graph":
            return []
        parsed = ox.parse(self.data, format=ox.RdfFormat.N_TRIPLES)
        return [(to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)) for t in parsed]

    def serialize(self, fmt: str) -> str:
        """The result in ``fmt``: W3C formats written by Oxigraph (json, xml, csv, tsv; turtle, nt, jsonld) or a
        terminal table."""
        if self.kind == "graph":
            if fmt not in _GRAPH:
                raise UsageError(f"a CONSTRUCT or DESCRIBE result is a graph: use --format turtle, nt or jsonld, "
                                 f"not {fmt}")  # fmt: skip
            parsed = ox.parse(self.data, format=ox.RdfFormat.N_TRIPLES)
            prefixes = PREFIXES if _GRAPH[fmt] == ox.RdfFormat.TURTLE else None
            return serialized(ox.serialize(parsed, format=_GRAPH[fmt], prefixes=prefixes)).decode("utf-8")
        if fmt in GRAPH_FORMATS:
            raise UsageError(f"a {self.kind.upper()} result is not a graph: use --format {', '.join(RESULT_FORMATS)}")
        if fmt == "table":
            return _table(self)
        if fmt not in _W3C:
            raise UsageError(f"unknown result format {fmt!r}; choose from {', '.join(FORMATS)}")
        solutions = ox.parse_query_results(self.data, format=ox.QueryResultsFormat.JSON)
        return serialized(solutions.serialize(format=_W3C[fmt])).decode("utf-8")


@dataclass(frozen=True)
class Parameter:
    """A parameter of a shipped query: ``--param NAME=VALUE`` replaces the VALUES line of ``variable``."""

    name: str
    variable: str
    default: str  # a SPARQL term as written in the query, or UNDEF (no restriction)
    description: str

    def term(self, value: str) -> str:
        """``value`` as a SPARQL term of the default's kind (a Chinese label, a string, an IRI, a number)."""
        default = self.default
        if default.startswith("<"):
            return f"<{check_absolute_iri(value, f'--param {self.name}')}>"
        if default.startswith('"') and "@" in default.rsplit('"', 1)[1]:
            return str(ox.Literal(value, language=default.rsplit("@", 1)[1]))
        if default.startswith('"') and "^^" in default.rsplit('"', 1)[1]:
            datatype = default.rsplit("^^", 1)[1]
            iri = PREFIXES["xsd"] + datatype[4:] if datatype.startswith("xsd:") else datatype.strip("<>")
            return str(ox.Literal(value, datatype=ox.NamedNode(iri)))
        if re.fullmatch(r"[+-]?\d+", default):
            if not re.fullmatch(r"[+-]?\d+", value):
                raise UsageError(f"--param {self.name} takes a whole number, not {value!r}")
            return value
        return str(ox.Literal(value))


@dataclass(frozen=True)
class CompetencyQuery:
    """A documented query shipped in ontology/queries/."""

    name: str
    title: str
    description: str
    text: str
    path: Path
    parameters: tuple[Parameter, ...] = ()

    def bind(self, values: dict[str, str]) -> str:
        """The query text with ``values`` (parameter name → value) in place of the defaults."""
        declared = {p.name: p for p in self.parameters}
        unknown = sorted(set(values) - set(declared))
        if unknown:
            offered = ", ".join(declared) if declared else "none"
            raise UsageError(f"{self.name} has no parameter {', '.join(unknown)} (its parameters: {offered})")
        text = self.text
        for name, value in values.items():
            parameter = declared[name]
            values_line = f"VALUES ?{parameter.variable} {{ {parameter.term(value)} }}"
            line = _values_line(parameter.variable, parameter.default).search(text)
            if line is not None:  # the first such line, replaced as text (a term may hold backslashes)
                text = text[: line.start()] + values_line + text[line.end() :]
        return text


def _values_line(variable: str, default: str) -> re.Pattern[str]:
    return re.compile(rf"VALUES\s+\?{re.escape(variable)}\s*\{{\s*{re.escape(default)}\s*\}}")


# ------------------------------------------------------------------------------------------------- running


def _syntax_error(exc: SyntaxError, text: str) -> KGError:
    message = str(exc)
    if "Prefix not found" in message:
        missing = undeclared_prefixes(text, PREFIXES)
        if missing:
            return UsageError(f"undeclared prefix {', '.join(p + ':' for p in missing)} in the query; declared "
                              f"without PREFIX lines: {', '.join(p + ':' for p in PREFIXES)}")  # fmt: skip
    match = _ERROR_AT.match(message)
    if not match:
        return QueryError(f"SPARQL syntax error: {message}")
    line, column, detail = int(match.group(1)), int(match.group(2)), match.group(3).strip()
    if len(detail) > 200:
        detail = detail[:200] + " ..."
    lines = text.splitlines() or [""]
    shown = lines[line - 1] if 0 < line <= len(lines) else ""
    pointer = " " * (column - 1) + "^"
    return QueryError(f"SPARQL syntax error at line {line}, column {column}: {detail}\n  {shown}\n  {pointer}")


def execute(store: ox.Store, text: str, limits: Limits = Limits()) -> QueryResult:
    """Run a SPARQL query on an Oxigraph store (default graph = union of all graphs), in this process.

    The text is checked first (``kg.store.guard``): too deep or too long a query, SERVICE, ... raise QueryError.
    """
    check(text, limits)
    try:
        result = store.query(text, prefixes=PREFIXES, use_default_graph_as_union=True, base_iri=DEFAULT_BASE)
        if isinstance(result, ox.QueryBoolean):
            return QueryResult("ask", serialized(result.serialize(format=ox.QueryResultsFormat.JSON)))
        if isinstance(result, ox.QuerySolutions):
            return QueryResult("select", serialized(result.serialize(format=ox.QueryResultsFormat.JSON)))
        return QueryResult("graph", serialized(result.serialize(format=ox.RdfFormat.N_TRIPLES)))
    except SyntaxError as exc:
        raise _syntax_error(exc, text) from exc
    except (OSError, ValueError, RuntimeError) as exc:
        raise QueryError(f"query failed: {exc}") from exc


def _child(source: str, store: ox.Store | None, text: str, limits: Limits, with_ontology: bool,
           conn: Connection) -> None:  # fmt: skip
    try:
        opened = store if store is not None else open_source(source, with_ontology=with_ontology)
        conn.send(("ok", execute(opened, text, limits)))
    except KGError as exc:
        conn.send(("error", exc))
    finally:
        conn.close()


def run(
    source: str | os.PathLike[str],
    text: str,
    timeout: float | None = None,
    *,
    with_ontology: bool = True,
    allow_remote: bool = False,
) -> QueryResult:
    """Run SPARQL ``text`` on SOURCE and return the result; stop it after ``timeout`` seconds (QueryError) if given.

    ``with_ontology`` adds kg's ontology (kg.ttl) in its own named graph to a graph file's data, so that queries can
    follow rdfs:subClassOf; a store holds it already. ``allow_remote`` lets SERVICE fetch other servers' data.
    The query runs in a child process: a query that overflows Oxigraph's stack, or runs past the time limit, ends
    that process and gives a QueryError, never a crash of the caller.
    """
    limits = Limits(allow_remote=allow_remote)
    check(text, limits)
    store = open_source(source, with_ontology=with_ontology)
    # An on-disk store is reopened in the child rather than shared across fork (RocksDB's threads do not fork).
    on_disk = is_store_dir(Path(source))
    if on_disk:
        del store
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_child, daemon=True, args=(str(source), None if on_disk else store, text, limits, with_ontology, sender)
    )
    child.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise QueryError(f"query stopped after {timeout:g} s (--timeout); narrow it or raise the limit")
        try:
            status, payload = receiver.recv()
        except EOFError:
            raise QueryError("the query process ended without an answer (the query is too complex)") from None
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receiver.close()
    if status == "error":
        raise payload
    return payload


def query(
    source: str | os.PathLike[str],
    text: str,
    timeout: float | None = None,
    *,
    params: dict[str, str] | None = None,
    with_ontology: bool = True,
    allow_remote: bool = False,
) -> QueryResult:
    """Run SPARQL ``text``, or the shipped query of that name with ``params`` bound, on SOURCE; see ``run``.

    Write the result with ``QueryResult.serialize(fmt)`` (W3C formats) or read ``rows`` / ``boolean`` / ``triples``.
    """
    if looks_like_name(text):
        text = named_query(text).bind(params or {})
    elif params:
        raise UsageError("--param applies to the shipped queries (kg query --list), not to SPARQL text")
    return run(source, text, timeout, with_ontology=with_ontology, allow_remote=allow_remote)


# ------------------------------------------------------------------------------------------------- formatting


def display(term: Node | None) -> str:
    """A short human-readable form of a term: prefixed names, decoded instance IRIs, bare literal values."""
    if term is None:
        return ""
    if isinstance(term, Literal):
        return str(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    iri = str(term)
    if iri.startswith(DEFAULT_BASE):
        return unquote(iri[len(DEFAULT_BASE) :])
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda item: -len(item[1])):
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return unquote(iri)


def text_width(text: str) -> int:
    """Terminal columns of ``text``: wide (CJK) characters take two, combining marks none."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def _pad(text: str, width: int) -> str:
    return text + " " * (width - text_width(text))


def _table(result: QueryResult) -> str:
    if result.kind == "ask":
        return ("true" if result.boolean else "false") + "\n"
    header = result.variables
    cells = [[display(t).replace("\n", " ") for t in row] for row in result.rows]
    widths = [max([text_width(h)] + [text_width(r[i]) for r in cells]) for i, h in enumerate(header)]
    rule = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
    lines = [rule, "| " + " | ".join(_pad(h, w) for h, w in zip(header, widths, strict=False)) + " |", rule]
    lines += ["| " + " | ".join(_pad(c, w) for c, w in zip(row, widths, strict=False)) + " |" for row in cells]
    lines.append(rule)
    lines.append(f"{len(cells)} row{'s' if len(cells) != 1 else ''}")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------------------------- competency queries


def queries_dir() -> Path:
    """ontology/queries: the documented competency queries."""
    return ontology_dir() / "queries"


_PARAM = re.compile(r"@param\s+([a-z][a-z0-9-]*)\s+\?(\w+)\s+(UNDEF|\"[^\"]*\"\S*|<[^>\s]*>|[+-]?\d+)\s+(.+)")


def _parse_header(text: str) -> tuple[str, str, tuple[Parameter, ...]]:
    """Title (first comment line), description (the following comment lines) and parameters of a .rq file.

    A parameter is declared on a comment line ``@param NAME ?VARIABLE DEFAULT DESCRIPTION``, where DEFAULT is the
    SPARQL term of the query's ``VALUES ?VARIABLE { DEFAULT }`` line (or UNDEF: no restriction).
    """
    comments, parameters = [], []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        comment = line[1:].strip()
        declared = _PARAM.fullmatch(comment)
        if declared:
            parameters.append(Parameter(*declared.groups()))
        elif comment.startswith("@param"):
            raise QueryError(f"cannot read the parameter line {comment!r}: use @param NAME ?VARIABLE DEFAULT TEXT")
        else:
            comments.append(comment)
    title = comments[0] if comments else ""
    description = " ".join(c for c in comments[1:] if c)
    return title, description, tuple(parameters)


def list_queries() -> list[CompetencyQuery]:
    """Every competency query in ontology/queries, by file name."""
    found = []
    for path in sorted(queries_dir().glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        title, description, parameters = _parse_header(text)
        found.append(CompetencyQuery(path.stem, title, description, text, path, parameters))
    return found


def named_query(name: str) -> CompetencyQuery:
    """The competency query called ``name`` (file name without .rq); UsageError listing them all otherwise."""
    items = list_queries()
    for item in items:
        if item.name == name:
            return item
    raise UsageError(f"no shipped query named {name!r}; the shipped queries are: {', '.join(q.name for q in items)}")


def looks_like_name(text: str) -> bool:
    """Whether ``text`` is meant as a query name (lower-case words and dashes) rather than SPARQL."""
    return bool(_NAME.fullmatch(text))


def query_listing() -> str:
    """A readable list of the shipped queries with their descriptions and parameters (``kg query --list``)."""
    lines = []
    for item in list_queries():
        lines.append(f"{item.name}: {item.title}")
        if item.description:
            lines += [f"    {part}" for part in textwrap.wrap(item.description, 100)]
        for parameter in item.parameters:
            default = parameter.default
            shown = (
                ""
                if default == "UNDEF"
                else f" (default: {default[1:].rsplit(chr(34), 1)[0] if default.startswith(chr(34)) else default})"
            )
            lines.append(f"    --param {parameter.name}=...  {parameter.description}{shown}")
    return "\n".join(lines) + "\n"
