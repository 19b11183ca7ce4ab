"""Tagger backend stacking the character CRF on LAC: the CRF also reads LAC's word segmentation and tags.

LAC (:mod:`kg.nlp.tag.lac`) segments and tags the text first; every character then gets, besides the features of
:mod:`kg.nlp.tag.crf` and its position inside a known place name (:func:`kg.nlp.tag.crf.place_marks`), the position
inside its LAC word (B/M/E/S) joined with the word's tag (``Bn``, ``SPER``, ``EORG`` …) and that mark paired with its
neighbours'. The CRF, trained on the same data as ``crf`` with these extra
features (``python bench/train_ner.py --tagger lac_crf``), learns where LAC's entities and word boundaries agree with
the annotation and where they do not: LAC brings knowledge of today's names and word boundaries, the CRF the
annotation conventions. The stage also hands on LAC's (word, POS) tokens, which the linking and relation stages use,
exactly as ``nlp.tag.lac`` does.
"""

from __future__ import annotations

from typing import Any

from kg.model import ArticleExtraction, Mention
from kg.nlp.tag import crf, lac
from kg.nlp.tag.pieces import pieces
from kg.pipeline import stage

MODEL_NAME = "lac_crf.model"
METADATA_NAME = "lac_crf.json"
OUTSIDE = "x"  # the mark of a character no LAC word covers


def lac_marks(text: str, tokens: list[tuple[int, str, str]]) -> list[str]:
    """Per character of ``text``: its position in the LAC word covering it (B, M, E, or S for a one-character word)
    joined with that word's tag; ``x`` where no token was placed. ``tokens`` are :func:`kg.nlp.tag.lac.analyse`'s."""
    marks = [OUTSIDE] * len(text)
    for offset, word, tag in tokens:
        last = offset + len(word) - 1
        for i in range(offset, min(len(text), last + 1)):
            position = "S" if offset == last else "B" if i == offset else "E" if i == last else "M"
            marks[i] = position + tag
    return marks


def features(text: str, marks: list[str]) -> list[list[str]]:
    """Feature rows of ``text``: the CRF's, the place-name position, and the LAC mark of each character alone and
    paired with its neighbours'.

    ``marks`` are :func:`lac_marks` of ``text`` (one per character)."""
    padded = ["^", *marks, "$"]
    n = len(marks)
    columns = [
        *crf.feature_columns(text),
        ["m" + x for x in crf.place_marks(text)],
        ["L" + x for x in padded[1 : n + 1]],
        ["Lp" + x + "|" + y for x, y in zip(padded[0:n], padded[1 : n + 1])],
        ["Ln" + x + "|" + y for x, y in zip(padded[1 : n + 1], padded[2 : n + 2])],
    ]
    return [list(row) for row in zip(*columns)]


def recognise(text: str, tokens: list[tuple[int, str, str]]) -> list[tuple[int, int, str, float]]:
    """Entity spans of ``text`` given its LAC ``tokens``: ``(start, end, kg_class, score)``."""
    tagger = crf.loaded_tagger(MODEL_NAME)
    marks = lac_marks(text, tokens)
    found = []
    for offset, piece in pieces(text, crf.MAX_CHUNK):
        found.extend(crf.label_spans(tagger, features(piece, marks[offset : offset + len(piece)]), piece, offset))
    return crf.balance_brackets(text, found)


@stage("nlp.tag.lac_crf")
def tag(extraction: ArticleExtraction, settings: Any = None) -> ArticleExtraction:
    """Tag an article with LAC, then with the CRF that reads LAC's output: Person, Place and Organization mentions plus
    LAC's (word, POS) tokens."""
    article = extraction.article
    tokens = lac.analyse(article.text)
    extraction.tokens = [(word, tag) for _, word, tag in tokens]
    for start, end, cls, score in recognise(article.text, tokens):
        extraction.mentions.append(
            Mention(article.id, start, end, article.text[start:end], cls, score=score, source="nlp.tag.lac_crf")
        )
    return extraction
