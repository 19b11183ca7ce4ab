"""kg: build RDF knowledge graphs from Chinese news text.

The library API (what the ``kg`` command calls)::

    import kg
    result = kg.build(["page.txt"], "output/")          # kg build
    corpus = kg.extract(["page.txt"])                    # the resolved corpus, no files written
    print(kg.query("output/", "SELECT * { ?s ?p ?o } LIMIT 5").serialize("csv"))   # kg query
    report = kg.validate("output/graph.ttl")             # kg validate
"""

from kg.api import BuildResult, build, bulk_load, eval_ner, extract, load, merge, query, serve, stats, validate, viz
from kg.errors import KGError
from kg.registry import stage
from kg.settings import Settings

__all__ = [
    "BuildResult",
    "KGError",
    "Settings",
    "build",
    "bulk_load",
    "eval_ner",
    "extract",
    "load",
    "merge",
    "query",
    "serve",
    "stage",
    "stats",
    "validate",
    "viz",
]
__version__ = "0.1.0"
