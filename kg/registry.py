"""Extension points: one :class:`Registry` type, one registry per kind of thing a user can add or swap.

* :data:`STAGES` — the pipeline's steps by dotted name (``nlp.tag.lac`` is the ``lac`` implementation of the
  ``nlp.tag`` step; :class:`kg.settings.Settings` names which implementation each step uses), with the list form of a
  stage (:func:`batched`) beside it;
* :data:`READERS` — readers by file kind (``text``, ``html``, ``pdf``): ``(data: bytes, name: str) -> Document``;
* :data:`WRITERS` — export formats by name (``ttl``, ``nq`` …): a :class:`Writer` with its file name.

Adding an implementation is one decorated function in one place, e.g.::

    from kg.registry import WRITERS, writer

    @writer("csv", "graph.csv")
    def csv_pieces(rendering):
        yield from ...

This module imports nothing of kg but the errors: every other module may import it. The built-in implementations
register themselves when their modules are imported, which :meth:`Registry.get` does on first use (so that
``kg --help`` stays fast).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from kg.errors import StageNotFound

T = TypeVar("T")


class Registry(Generic[T]):
    """Named implementations of one extension point, registered by decorating them (:meth:`register`)."""

    def __init__(self, kind: str, builtins: Iterable[str] = ()) -> None:
        self.kind = kind  # what an entry is, for messages ("stage", "reader", "export format")
        self.builtins = tuple(builtins)  # modules whose import registers the built-in entries
        self._entries: dict[str, T] = {}
        self._loaded = False

    def add(self, name: str, entry: T) -> T:
        """Register ``entry`` under ``name``, replacing an earlier one of that name; return it."""
        self._entries[name] = entry
        return entry

    def register(self, name: str) -> Callable[[T], T]:
        """A decorator registering the decorated object under ``name``."""
        return lambda entry: self.add(name, entry)

    def load(self) -> None:
        """Import the modules that register the built-in entries (once)."""
        if not self._loaded:
            for module in self.builtins:
                importlib.import_module(module)
            self._loaded = True

    def get(self, name: str) -> T:
        """The entry registered under ``name``; :class:`StageNotFound` naming the alternatives otherwise."""
        self.load()
        try:
            return self._entries[name]
        except KeyError:
            options = self.alternatives(name)
            hint = f" (available: {', '.join(options)})" if options else ""
            raise StageNotFound(f"no {self.kind} named {name!r}{hint}") from None

    def alternatives(self, name: str) -> list[str]:
        """Names that could have been meant instead of ``name``: those of the same step for a dotted name."""
        if "." not in name:
            return self.names()
        step = name.rsplit(".", 1)[0]
        return sorted(key.rsplit(".", 1)[1] for key in self._entries if key.rsplit(".", 1)[0] == step)

    def names(self) -> list[str]:
        """Every registered name, in the order of registration."""
        self.load()
        return list(self._entries)

    def __contains__(self, name: object) -> bool:
        self.load()
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())


# ------------------------------------------------------------------------------------------------ stages

STAGES: Registry[Callable[..., Any]] = Registry(
    "stage",
    builtins=(
        "kg.ingest.read",
        "kg.ingest.clean",
        "kg.ingest.segment",
        "kg.text.normalise",
        "kg.nlp.tag",
        "kg.nlp.rules",
        "kg.nlp.gazetteer",
        "kg.nlp.relate",
        "kg.nlp.quantities",
        "kg.nlp.events",
        "kg.graph.resolve",
    ),
)
# List forms of stages (see batched()): name -> function over a list of the stage's inputs
BATCHED: dict[str, Callable[..., Any]] = {}


def stage(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the decorated function as the stage ``name`` (e.g. ``"nlp.tag.lac"``)."""

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        if STAGES._entries.get(name) is not fn:
            BATCHED.pop(name, None)  # a list form belongs to the stage it was registered with
        return STAGES.add(name, fn)

    return register


def batched(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the decorated function as the list form of stage ``name``: given the stage's inputs for every article
    of a document (and the settings), it returns what the stage returns for each, in order, doing the work together
    where that is cheaper (a tagger running its network on batches). Register it after the stage: registering
    another function as the stage drops it."""

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        BATCHED[name] = fn
        return fn

    return register


def get_stage(name: str) -> Callable[..., Any]:
    """Return the stage registered under ``name``; raise :class:`StageNotFound` naming the alternatives."""
    return STAGES.get(name)


def get_batched(name: str) -> Callable[[list[Any], Any], list[Any]]:
    """The list form of stage ``name`` (see :func:`batched`), or the stage applied to each item when it has none."""
    fn = get_stage(name)
    many = BATCHED.get(name)
    if many is not None:
        return many

    def each(items: list[Any], settings: Any = None) -> list[Any]:
        return [fn(item, settings) for item in items]

    return each


def stages() -> list[str]:
    """Names of every registered stage, sorted."""
    return sorted(STAGES.names())


# ------------------------------------------------------------------------------------------------ readers

READERS: Registry[Callable[[bytes, str], Any]] = Registry("reader", builtins=("kg.ingest.read",))


def reader(kind: str) -> Callable[[Callable[[bytes, str], Any]], Callable[[bytes, str], Any]]:
    """Register the decorated ``(data: bytes, name: str) -> Document`` as the reader of files of ``kind``."""
    return READERS.register(kind)


# ------------------------------------------------------------------------------------------------ writers


@dataclass(frozen=True)
class Writer:
    """One export format: the file it is written to and the function giving its text in pieces from a rendering
    (:class:`kg.publish.export.Rendering`: ``graph_stream()``, ``triples()``, ``entity_network()``, ``base``).

    ``cost`` is its CPU seconds for one million quads, which balances the writing processes (1.0 when unknown);
    writers of one ``shares`` group reuse each other's work and are kept in one process."""

    name: str
    file: str
    pieces: Callable[[Any], Iterable[str | bytes]]
    cost: float = 1.0
    shares: str = ""


WRITERS: Registry[Writer] = Registry("export format", builtins=("kg.publish.export",))


def writer(
    name: str, file: str, *, cost: float = 1.0, shares: str = ""
) -> Callable[[Callable[[Any], Iterable[str | bytes]]], Callable[[Any], Iterable[str | bytes]]]:
    """Register the decorated ``(rendering) -> Iterable[str]`` as the export format ``name`` written to ``file`` (a
    piece may also be the UTF-8 bytes of its text)."""

    def register(fn: Callable[[Any], Iterable[str | bytes]]) -> Callable[[Any], Iterable[str | bytes]]:
        WRITERS.add(name, Writer(name, file, fn, cost, shares))
        return fn

    return register
