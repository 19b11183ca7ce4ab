"""The ontology documentation is generated from ontology/kg.ttl and must be up to date."""

from __future__ import annotations

from kg.publish.export import to_trig
from kg.store.ontodoc import docs_path, example_graph, examples_path, ontology_markdown
from kg.graph.vocab import declared_terms
from tests.stores.gold import gold_dataset


def test_examples_are_the_gold_graph() -> None:
    """ontology/docs/examples.trig (what `make docs` reads) is the hand-annotated graph of tests/stores/gold.py;
    after changing that, regenerate it (the command is in the failure message), then `make docs`."""
    expected = to_trig(gold_dataset())
    assert examples_path().read_text(encoding="utf-8") == expected, (
        "ontology/docs/examples.trig is stale: PYTHONPATH=. python -c 'from kg.publish.export import to_trig; "
        "from kg.store.ontodoc import examples_path; from tests.stores.gold import gold_dataset; "
        "examples_path().write_text(to_trig(gold_dataset()), encoding=\"utf-8\")'"
    )


def test_committed_docs_are_current() -> None:
    assert docs_path().read_text(encoding="utf-8") == ontology_markdown(example_graph()), (
        "ontology/docs/ontology.md is stale: make docs (or python -m kg.store.ontodoc)"
    )


def test_docs_cover_every_term_with_labels_and_examples() -> None:
    text = docs_path().read_text(encoding="utf-8")
    for name in declared_terms():
        assert f"kg:{name}" in text, name
    assert "**企业** · *company*" in text
    assert '<Company/乌海海易通银隆新能源汽车有限公司> a kg:Company ;' in text
    assert "`schema:Corporation`" in text  # alignments are listed
    assert "| `kg:holdsPost` | 担任 | holds post | object |" in text.replace('<a id="p-holdspost"></a>', "")
