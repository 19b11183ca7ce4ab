"""Checks on SPARQL text before Oxigraph parses it: size, nesting depth, operator chains and remote requests.

Oxigraph's parser and evaluator recurse: a query of a few thousand nested braces, or of ten thousand chained ``+`` or
``UNION``, overflows the stack and kills the process (a segfault, not an exception). ``SERVICE`` in a query and
``LOAD`` in an update make the process fetch URLs chosen by whoever wrote the query (server-side request forgery).
``check`` reads the text with a small lexer that skips strings, IRIs and comments, so a keyword or a brace inside a
literal never counts, and refuses such text with a ``QueryError`` naming the limit, before any parsing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.errors import QueryError

#: Deepest nesting of { ( [ accepted: real queries stay below 20; Oxigraph overflows its stack past ~1,000.
MAX_DEPTH = 64
#: Most operators (+ - * / | || && comparisons, UNION, OPTIONAL, MINUS, ...) in one text: chains of ~8,000 crash.
MAX_OPERATORS = 2000
#: Longest query text accepted, in bytes (updates carry data, so their limit is set by the caller).
MAX_QUERY_BYTES = 256 * 1024

_LEXER = re.compile(
    r"""
    (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
    |(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    |(?P<comment>\#[^\n\r]*)
    |(?P<open>[{(\[])
    |(?P<close>[})\]])
    |(?P<name>[?$]\w+|(?:[^\W\d][\w.\-]*)?:(?:[\w.\-:%]|\\.)*|[^\W\d]\w*)
    |(?P<operator>\|\||&&|!=|<=|>=|[=<>+\-*/|^!])
    |(?P<other>\S)
    |\s+
    """,
    re.VERBOSE | re.DOTALL,
)
_CHAIN_WORDS = frozenset({"UNION", "OPTIONAL", "MINUS", "FILTER", "BIND", "VALUES"})
_REMOTE_WORDS = frozenset({"SERVICE", "LOAD"})


@dataclass(frozen=True)
class Limits:
    """What ``check`` accepts; ``allow_remote`` lets SERVICE and LOAD fetch other servers' data."""

    max_bytes: int = MAX_QUERY_BYTES
    max_depth: int = MAX_DEPTH
    max_operators: int = MAX_OPERATORS
    allow_remote: bool = False


def check(text: str, limits: Limits = Limits(), kind: str = "query") -> None:
    """Raise QueryError when ``text`` (a ``kind``: query or update) is too large, too deep or asks for remote data."""
    size = len(text.encode("utf-8"))
    if size > limits.max_bytes:
        raise QueryError(f"the {kind} is {size:,} bytes; at most {limits.max_bytes:,} are accepted")
    depth = operators = 0
    for match in _LEXER.finditer(text):
        group = match.lastgroup
        if group == "open":
            depth += 1
            if depth > limits.max_depth:
                raise QueryError(f"the {kind} nests brackets deeper than {limits.max_depth} levels; simplify it")
        elif group == "close":
            depth = max(0, depth - 1)
        elif group == "operator":
            operators += 1
        elif group == "name":
            word = match.group().upper()
            if word in _CHAIN_WORDS:
                operators += 1
            elif word in _REMOTE_WORDS and not limits.allow_remote:
                raise QueryError(
                    f"{word} would make this process fetch data from another server; refused unless remote "
                    "requests are allowed explicitly (--allow-remote)"
                )
        if operators > limits.max_operators:
            raise QueryError(f"the {kind} has more than {limits.max_operators} operators; split it")


def undeclared_prefixes(text: str, predeclared: dict[str, str]) -> list[str]:
    """Prefixes used in ``text`` (``foo:`` of ``foo:bar``) that neither ``predeclared`` nor a PREFIX line declares."""
    tokens = [m.group() for m in _LEXER.finditer(text) if m.lastgroup in ("name", "iri")]
    declared = set(predeclared)
    for before, token in zip(tokens, tokens[1:], strict=False):
        if before.upper() == "PREFIX" and token.endswith(":"):
            declared.add(token[:-1])
    used = {t.split(":", 1)[0] for t in tokens if ":" in t and not t.startswith(("?", "$", "<"))}
    return sorted(used - declared)
