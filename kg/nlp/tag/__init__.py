"""Named-entity taggers. Each backend registers itself as ``nlp.tag.<name>``; ``--ner NAME`` picks one."""

from kg.nlp.tag import lac  # noqa: F401  (registers nlp.tag.lac)
from kg.nlp.tag import crf  # noqa: F401  (registers nlp.tag.crf)
from kg.nlp.tag import lac_crf  # noqa: F401  (registers nlp.tag.lac_crf)
from kg.nlp.tag import neural  # noqa: F401  (registers nlp.tag.neural)
