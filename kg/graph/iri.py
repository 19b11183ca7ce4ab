"""Stable instance IRIs.

Administrative areas are named by their official code (``place/150300``), other entities by class family and
normalised name (``Organization/<percent-encoded name>``), articles by a hash of their text and statements by a hash of
what they state. The same thing gets the same IRI in every run and on every machine.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pyoxigraph as ox
from rdflib import URIRef

from kg.errors import UsageError
from kg.model import text_hash


class IRIs:
    """Makes instance IRIs under one base."""

    def __init__(self, base: str) -> None:
        self.base = base if base.endswith(("/", "#")) else base + "/"

    def entity(self, key: str) -> URIRef:
        """IRI of an entity from its key (``place/150300`` or ``Organization/乌海市委``)."""
        return URIRef(self.base + "/".join(quote(part, safe="") for part in key.split("/")))

    def article(self, article_id: str) -> URIRef:
        return URIRef(f"{self.base}article/{article_id}")

    def span(self, article_id: str, start: int, end: int) -> URIRef:
        """RFC 5147 fragment of an article's text: ``article/<id>#char=<start>,<end>``."""
        return URIRef(f"{self.base}article/{article_id}#char={start},{end}")

    def sentence(self, article_id: str, index: int) -> URIRef:
        return URIRef(f"{self.base}article/{article_id}/sentence/{index}")

    def article_graph(self, article_id: str) -> URIRef:
        return URIRef(f"{self.base}graph/article/{article_id}")

    def entities_graph(self) -> URIRef:
        return URIRef(f"{self.base}graph/entities")

    def hashed(self, kind: str, *parts: object) -> URIRef:
        """IRI of a statement-like node (``statement``, ``quantity``, ``event``) from a hash of its parts."""
        return URIRef(f"{self.base}{kind}/{text_hash(chr(31).join(str(p) for p in parts))}")


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_NOT_IN_IRIS = re.compile(r'[\x00-\x20<>"{}|^`\\\x7f]')


def check_absolute_iri(text: str, what: str = "IRI", schemes: tuple[str, ...] = ()) -> str:
    """Return ``text`` when it is an absolute IRI (RFC 3987, checked by Oxigraph), else raise UsageError.

    Characters that end an IRI in SPARQL or Turtle (``>``, spaces, quotes, braces) are refused first, so that a value
    pasted into a query can never close the IRI and add operations of its own. ``schemes`` limits the scheme.
    """
    if not _SCHEME.match(text) or _NOT_IN_IRIS.search(text):
        raise UsageError(f"{what} must be an absolute IRI such as https://example.org/x, not {text!r}")
    try:
        ox.NamedNode(text)
    except ValueError as exc:
        raise UsageError(f"{what} is not a valid IRI ({exc}): {text!r}") from None
    scheme = text.split(":", 1)[0].lower()
    if schemes and scheme not in schemes:
        raise UsageError(f"{what} must use {' or '.join(schemes)}, not {scheme}: {text!r}")
    return text
