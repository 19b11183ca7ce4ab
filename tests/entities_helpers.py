"""Helpers for the entity tests: run the per-article stages and resolution on a piece of text."""

from __future__ import annotations

from kg.model import Article, ArticleExtraction, Corpus, text_hash
from kg.pipeline import Settings, get_stage


def extract(text: str, place: str | None = None, settings: Settings | None = None, tagger: bool = True) -> ArticleExtraction:
    """One article of ``text`` through the tagger (optional), the rules and the gazetteer."""
    settings = settings or Settings()
    article = Article(id=text_hash(text), document_id="test", index=0, text=text, place=place)
    extraction = ArticleExtraction(article=article)
    steps = ([settings.tagger] if tagger else []) + list(settings.steps)
    for name in steps:
        extraction = get_stage(name)(extraction, settings)
    return extraction


def resolve(*extractions: ArticleExtraction, settings: Settings | None = None) -> Corpus:
    """Resolve extractions into a corpus."""
    settings = settings or Settings()
    return get_stage(settings.resolve)(list(extractions), settings)


def spans(extraction: ArticleExtraction) -> dict[str, tuple[str, dict[str, str]]]:
    """Mention text → (class, attrs) for a quick look-up (the last mention of a text wins)."""
    return {m.text: (m.type, m.attrs) for m in extraction.mentions}
