"""Helpers for the entity tests: run the per-article stages and resolution on a piece of text."""

from __future__ import annotations

from kg.model import Article, ArticleExtraction, Corpus, text_hash
from kg.run import Settings, get_stage


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


# Sentences of real news style with entities every tagger kg ships must find (text, expected (text, class) pairs).
TAGGER_SENTENCES = [
    ("新华社北京3月5日电 国务院总理李克强5日在人民大会堂作政府工作报告。",
     {("新华社", "Organization"), ("北京", "Place"), ("李克强", "Person"), ("国务院", "Organization")}),
    ("中国科学院院长白春礼在上海会见了美国麻省理工学院代表团。",
     {("中国科学院", "Organization"), ("白春礼", "Person"), ("上海", "Place")}),
]


def tag(tagger: str, text: str) -> ArticleExtraction:
    """``text`` as one article through the tagger ``nlp.tag.<tagger>`` alone."""
    article = Article(id="t", document_id="d", index=0, text=text)
    return get_stage(f"nlp.tag.{tagger}")(ArticleExtraction(article=article), Settings(ner=tagger))


def tagged(tagger: str, text: str) -> set[tuple[str, str]]:
    """The (text, class) pairs the tagger finds in ``text``, after checking each mention's offsets and score."""
    extraction = tag(tagger, text)
    for m in extraction.mentions:
        assert text[m.start : m.end] == m.text  # offsets exact
        assert m.source == f"nlp.tag.{tagger}" and 0.0 < m.score <= 1.0
    return {(m.text, m.type) for m in extraction.mentions}
