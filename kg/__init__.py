"""kg: build RDF knowledge graphs from Chinese news text.

The library API (what the ``kg`` command calls)::

    import kg
    result = kg.build(["page.txt"], "output/")
    corpus = kg.extract(["page.txt"])
"""

from kg.api import BuildResult, build, extract, viz
from kg.errors import KGError
from kg.pipeline import Settings, stage

__all__ = ["BuildResult", "KGError", "Settings", "build", "extract", "stage", "viz"]
__version__ = "0.1.0"
