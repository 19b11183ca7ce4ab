"""Errors raised by the kg library.

Every failure a user can cause (bad input, a bad query, an unreachable store) is a ``KGError``; the CLI turns it into
a one-line message and exit code 1. Anything else escaping the library is a bug.
"""

from __future__ import annotations


class KGError(Exception):
    """Base class of every error the kg library raises on purpose."""

    exit_code = 1


class InputError(KGError):
    """An input file is missing, unreadable, empty, binary or of an unknown type."""


class ExtractionError(KGError):
    """A pipeline stage could not process an article."""


class StageNotFound(KGError):
    """No pipeline stage is registered under the requested name."""


class ConfigError(KGError):
    """Settings or options that do not fit together."""


class OntologyError(KGError):
    """The ontology is missing or a term used by the code is not declared in it."""


class QueryError(KGError):
    """A SPARQL query is malformed, timed out or could not be run."""


class GraphParseError(KGError):
    """An RDF file could not be parsed."""


class ValidationFailed(KGError):
    """A graph does not conform to the SHACL shapes."""


class StoreError(KGError):
    """A store is locked, unreachable or refused an operation."""


class OutputError(KGError):
    """An output file could not be written."""


class BuildLocked(KGError):
    """Another build holds the lock of the output folder."""

    exit_code = 3


class ViewError(KGError):
    """The view cannot be drawn as asked (unknown focus entity, bad limit or language)."""


class UsageError(KGError):
    """An option or argument has a value the command cannot accept (a relative IRI, an unknown query name)."""

    exit_code = 2
