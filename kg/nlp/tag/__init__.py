"""Named-entity taggers. Each backend registers itself as ``nlp.tag.<name>``; ``--ner NAME`` picks one."""

from kg.nlp.tag import (
    crf,  # noqa: F401  (registers nlp.tag.crf)
    lac,  # noqa: F401  (registers nlp.tag.lac)
    lac_crf,  # noqa: F401  (registers nlp.tag.lac_crf)
    neural,  # noqa: F401  (registers nlp.tag.neural)
)
