"""The ontology documentation is generated from ontology/kg.ttl and must be up to date."""

from __future__ import annotations

from kg.rdf.export import union_graph
from kg.rdf.ontodoc import docs_path, ontology_markdown
from kg.rdf.vocab import declared_terms
from tests.stores.gold import gold_dataset


def test_committed_docs_are_current() -> None:
    expected = ontology_markdown(union_graph(gold_dataset()))
    assert docs_path().read_text(encoding="utf-8") == expected, (
        'ontology/docs/ontology.md is stale: PYTHONPATH=. python -c "from tests.stores.gold import write_docs; '
        'write_docs()"'
    )


def test_docs_cover_every_term_with_labels_and_examples() -> None:
    text = docs_path().read_text(encoding="utf-8")
    for name in declared_terms():
        assert f"kg:{name}" in text, name
    assert "**企业** · *company*" in text
    assert '<Company/乌海海易通银隆新能源汽车有限公司> a kg:Company ;' in text
    assert "`schema:Corporation`" in text  # alignments are listed
    assert "| `kg:holdsPost` | 担任 | holds post | object |" in text.replace('<a id="p-holdspost"></a>', "")
