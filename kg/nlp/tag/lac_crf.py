"""Tagger backend stacking the character CRF on LAC: the CRF also reads LAC's word segmentation and tags.

LAC (:mod:`kg.nlp.tag.lac`) segments and tags the text first; every character then gets, besides the features of
:mod:`kg.nlp.tag.crf` and its position inside a known place name (:func:`kg.nlp.tag.crf.place_marks`), the position
inside its LAC word (B/M/E/S) joined with the word's tag (``Bn``, ``SPER``, ``EORG`` …) and that mark paired with its
neighbours', and the distributional clusters (:mod:`kg.nlp.tag.clusters`, learnt from unlabelled news) of the
character, its neighbours and the bigrams around it. The CRF, trained on the same data as ``crf`` with these extra
features (``python bench/train_ner.py --tagger lac_crf``), learns where LAC's entities and word boundaries agree with
the annotation and where they do not: LAC brings knowledge of today's names and word boundaries, the CRF the
annotation conventions. The stage also hands on LAC's (word, POS) tokens, which the linking and relation stages use,
exactly as ``nlp.tag.lac`` does.
"""

from __future__ import annotations

from itertools import repeat
from typing import Any

from kg.model import ArticleExtraction, Mention
from kg.nlp.tag import clusters, crf, lac
from kg.nlp.tag.pieces import pieces
from kg.pipeline import batched, stage

MODEL_NAME = "lac_crf.model"
METADATA_NAME = "lac_crf.json"
OUTSIDE = "x"  # the mark of a character no LAC word covers
# Cluster feature templates, as data. A character template is (feature prefix, granularity level, offsets): one
# offset gives the cluster id of the character there, two give both ids joined by "|" (a neighbour pair). A bigram
# template is (prefix, bigram granularity level, "ending" or "starting"): the id of the bigram ending or starting at
# the character. Levels index ClusterSettings.granularities (64, 256, 1,024) and .bigram_granularities (256, 1,024).
# These 17 were chosen on People's Daily NER dev and the MSRA validation slice (run D in bench/results/ner.md).
CHAR_CLUSTER_FEATURES: tuple[tuple[str, int, tuple[int, ...]], ...] = (
    *((f"U{d}:", 0, (d,)) for d in (-2, -1, 0, 1, 2)),
    *((f"V{d}:", 1, (d,)) for d in (-1, 0, 1)),
    ("Vp", 1, (-1, 0)),
    ("Vn", 1, (0, 1)),
    *((f"W{d}:", 2, (d,)) for d in (-1, 0, 1)),
)
BIGRAM_CLUSTER_FEATURES: tuple[tuple[str, int, str], ...] = (
    ("Bp0:", 0, "ending"),
    ("Bn0:", 0, "starting"),
    ("Bp1:", 1, "ending"),
    ("Bn1:", 1, "starting"),
)
_REACH = max(abs(d) for _prefix, _level, offsets in CHAR_CLUSTER_FEATURES for d in offsets)


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
        crf.prefixed("m", crf.place_marks(text)),
        crf.prefixed("L", padded[1 : n + 1]),
        crf.prefixed("Lp", padded[0:n], padded[1 : n + 1], sep="|"),
        crf.prefixed("Ln", padded[1 : n + 1], padded[2 : n + 2], sep="|"),
        *cluster_features(text),
    ]
    return [list(row) for row in zip(*columns)]


def cluster_features(text: str) -> list[list[str]]:
    """Feature columns from the clusters of :mod:`kg.nlp.tag.clusters`: one per template of
    :data:`CHAR_CLUSTER_FEATURES` (the cluster of the character at an offset, or of two characters joined) and of
    :data:`BIGRAM_CLUSTER_FEATURES` (the cluster of the bigram ending or starting at the character)."""
    s = clusters.normalise(text)
    n = len(s)
    padded = [clusters.START] * _REACH + list(s) + [clusters.END] * _REACH
    columns = []
    # map(dict.get, keys, repeat(default)) keeps the per-character loop in C
    for prefix, level, offsets in CHAR_CLUSTER_FEATURES:
        if len(offsets) == 1:
            strings = clusters.labelled(1, level, prefix)
            start = _REACH + offsets[0]
            columns.append(list(map(strings.get, padded[start : start + n], repeat(strings[clusters.UNKNOWN]))))
        else:
            ids = clusters.labelled(1, level, "")
            parts = [map(ids.get, padded[_REACH + d : _REACH + d + n], repeat(ids[clusters.UNKNOWN])) for d in offsets]
            columns.append(crf.prefixed(prefix, *parts, sep="|"))
    pairs = list(map(str.__add__, s[:-1], s[1:]))
    for prefix, level, side in BIGRAM_CLUSTER_FEATURES:
        strings = clusters.labelled(2, level, prefix)
        starting = [*map(strings.get, pairs, repeat(strings[clusters.UNKNOWN])), strings[clusters.END]] if n else []
        columns.append(starting if side == "starting" else [strings[clusters.START], *starting[:-1]][:n])
    return columns


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
    return _with_tokens(extraction, lac.analyse(extraction.article.text))


@batched("nlp.tag.lac_crf")
def tag_many(extractions: list[ArticleExtraction], settings: Any = None) -> list[ArticleExtraction]:
    """:func:`tag` of each article, LAC running their pieces in batches together."""
    analysed = lac.analyse_many([extraction.article.text for extraction in extractions])
    return [_with_tokens(extraction, tokens) for extraction, tokens in zip(extractions, analysed)]


def _with_tokens(extraction: ArticleExtraction, tokens: list[tuple[int, str, str]]) -> ArticleExtraction:
    """``extraction`` given LAC's ``tokens`` of its text, with the CRF's mentions."""
    article = extraction.article
    extraction.tokens = [(word, tag) for _, word, tag in tokens]
    for start, end, cls, score in recognise(article.text, tokens):
        extraction.mentions.append(
            Mention(article.id, start, end, article.text[start:end], cls, score=score, source="nlp.tag.lac_crf")
        )
    return extraction
