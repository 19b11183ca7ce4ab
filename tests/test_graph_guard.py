"""The checks made on SPARQL text before Oxigraph parses it (kg.store.guard): what must be refused however it is
written, and what must pass because it only looks alike (inside strings, IRIs, comments and names)."""

from __future__ import annotations

import pytest

from kg.errors import QueryError
from kg.store.guard import Limits, check, undeclared_prefixes

REMOTE = "SERVICE <http://127.0.0.1:9/> { ?s ?p ?o }"


@pytest.mark.parametrize(
    "text",
    [
        f"SELECT * {{ {REMOTE} }}",
        f"select * {{ {REMOTE.lower()} }}",
        "SELECT * { SERVICE SILENT <http://127.0.0.1:9/> { ?s ?p ?o } }",
        # an escaped '#' in a local name is not a comment: the SERVICE after it is real (Oxigraph parses it)
        f"PREFIX ex: <http://e/> SELECT * {{ ?s ex:a\\#b ?o . {REMOTE} }}",
        f"SELECT * {{ ?s ?p '''a\nb''' . {REMOTE} }}",
        f'SELECT * {{ ?s ?p "a\\"b" . {REMOTE} }}',
        f"SELECT * {{ FILTER(?a<?b) {REMOTE} }}",
    ],
)
def test_service_is_refused_however_written(text: str) -> None:
    with pytest.raises(QueryError, match="--allow-remote"):
        check(text)
    check(text, Limits(allow_remote=True))  # the flag that names the risk lets it through


def test_load_is_refused_in_updates() -> None:
    with pytest.raises(QueryError, match="LOAD would make"):
        check("LOAD <http://127.0.0.1:9/x> INTO GRAPH <http://e/g>", kind="update")


@pytest.mark.parametrize(
    "text",
    [
        'SELECT * { ?s ?p "SERVICE <http://x/> {{{{{{" }',
        "SELECT * { ?s <http://e/SERVICE> ?o }  # SERVICE in a comment",
        "PREFIX service: <http://e/> SELECT * { ?s service:load ?o . ?service ?p ?load }",
        "SELECT * WHERE " + "{" * 64 + "}" * 64,
    ],
)
def test_look_alikes_pass(text: str) -> None:
    check(text)


def test_depth_operators_and_size_are_limited() -> None:
    with pytest.raises(QueryError, match="deeper than 64"):
        check("SELECT * WHERE " + "{" * 65 + "}" * 65)
    with pytest.raises(QueryError, match="deeper than 64"):
        check("SELECT * { FILTER(" + "(" * 100 + "1" + ")" * 100 + ") }")
    with pytest.raises(QueryError, match="more than 2000 operators"):
        check("SELECT * {" + " UNION ".join(["{}"] * 2001) + "}")
    with pytest.raises(QueryError, match="bytes; at most"):
        check("#" * 300_000)


def test_undeclared_prefixes() -> None:
    text = "PREFIX ex: <http://e/> SELECT * { ?s foo:bar ex:y . ?s <http://a:b> 'x:y' . ?s kg:p :o }"
    assert undeclared_prefixes(text, {"kg": "https://w3id.org/kgnews/ontology#"}) == ["", "foo"]
