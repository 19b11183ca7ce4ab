"""Tagger backend on a neural character tagger (dilated convolutions and a CRF) run with onnxruntime.

Each character is read as three inputs: its own id, the id of the character pair it starts, and twelve lexicon marks —
whether it begins, continues or ends a word of each of four word lists (general words, person names, place names,
organization names; :func:`lexicon_marks`). The lists ship in ``kg/data/ner/neural_lexicon.tsv.gz`` (built from
jieba's dictionary, kg's division gazetteer and the PKU People's Daily 1998 corpus by ``bench/train_neural.py``).
The network (an ONNX file, ``neural.onnx``) gives each character a score per BIOES label; the transition scores in
``neural.json`` and a numpy Viterbi (:func:`viterbi`) pick the best labels. ``neural.json`` is also the model card:
data, settings, overlap removed and held-out scores.

The network masks padding after every layer, so a piece's labels do not depend on the pieces it is batched with
(checked in the tests); its scores may differ in the last float digits (onnxruntime sums in another order for
another batch shape). kg batches the articles of one document together, so output does not depend on the worker count.
torch is only needed to train (the ``train`` extra); tagging needs onnxruntime and numpy.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from kg.errors import ExtractionError
from kg.model import ArticleExtraction, Mention
from kg.nlp.tag.pieces import pieces
from kg.registry import batched, stage

MODEL_DIR = Path(__file__).resolve().parents[2] / "data" / "ner"
MODEL_NAME = "neural.onnx"
CARD_NAME = "neural.json"
LEXICON_NAME = "neural_lexicon.tsv.gz"
CLASSES = {"PER": "Person", "LOC": "Place", "ORG": "Organization"}
# The word lists of the lexicon marks, one bit each in the lexicon file's mask column.
LEXICONS = ("word", "person", "place", "organization")
MARKS = 3 * len(LEXICONS)  # begins / inside / ends, per list
# Pieces are cut at clause ends below this length: the network sees about 16 characters either side, and the model
# was trained on sentences cut the same way.
MAX_CHUNK = 200
# Positions (padding included) run through the network together.
BATCH_POSITIONS = 4096
_DIGITS = str.maketrans("0123456789", "0000000000")


def unit_text(text: str) -> str:
    """The text as the network reads it: every ASCII digit is ``0`` (numbers differ, their role does not)."""
    return text.translate(_DIGITS)


@dataclass
class NeuralModel:
    """A loaded tagger: onnxruntime session, vocabularies, transitions and lexicon."""

    session: Any
    chars: dict[str, int]
    bigrams: dict[str, int]
    labels: list[str]
    transitions: np.ndarray  # (labels, labels): from row to column
    start: np.ndarray
    end: np.ndarray
    lexicon: Lexicon

    def ids(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Character and character-pair ids of ``text`` (1 for unknown)."""
        text = unit_text(text)
        char_get, pair_get = self.chars.get, self.bigrams.get
        chars = np.fromiter((char_get(ch, 1) for ch in text), dtype=np.int64, count=len(text))
        padded = text + "\x00"
        pairs = np.fromiter((pair_get(padded[i : i + 2], 1) for i in range(len(text))), dtype=np.int64, count=len(text))
        return chars, pairs

    def decode(self, texts: list[str], marks: list[np.ndarray]) -> list[tuple[np.ndarray, np.ndarray]]:
        """For each text (given its lexicon marks): its best label ids and the probability the network alone gives
        each chosen label. Texts run through the network and the Viterbi in batches of similar lengths, at most
        :data:`BATCH_POSITIONS` positions each, padding included."""
        order = sorted(range(len(texts)), key=lambda i: (len(texts[i]), i))
        empty = (np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.float32))
        out: list[tuple[np.ndarray, np.ndarray]] = [empty] * len(texts)
        at = 0
        while at < len(order):
            # Sorted by length: each added text is the batch's longest so far.
            end = at + 1
            while end < len(order) and (end - at + 1) * len(texts[order[end]]) <= BATCH_POSITIONS:
                end += 1
            group = order[at:end]
            at = end
            width = len(texts[group[-1]])
            if width == 0:
                continue
            lengths = np.array([len(texts[i]) for i in group], dtype=np.intp)
            chars = np.zeros((len(group), width), dtype=np.int64)
            pairs = np.zeros((len(group), width), dtype=np.int64)
            lex = np.zeros((len(group), width, MARKS), dtype=np.float32)
            for row, i in enumerate(group):
                n = len(texts[i])
                chars[row, :n], pairs[row, :n] = self.ids(texts[i])
                lex[row, :n] = marks[i]
            scores = self.session.run(None, {"chars": chars, "bigrams": pairs, "lexicon": lex})[0]
            best = viterbi_batch(scores, lengths, self.transitions, self.start, self.end)
            shifted = scores - scores.max(axis=2, keepdims=True)
            chosen = np.take_along_axis(shifted, best[:, :, None], axis=2)[:, :, 0]
            probability = np.exp(chosen) / np.exp(shifted).sum(axis=2)
            for row, i in enumerate(group):
                out[i] = (best[row, : lengths[row]], probability[row, : lengths[row]])
        return out


def viterbi_batch(
    scores: np.ndarray, lengths: np.ndarray, transitions: np.ndarray, start: np.ndarray, end: np.ndarray
) -> np.ndarray:
    """The best label ids ``(batch, width)`` of padded pieces from their label ``scores`` ``(batch, width, labels)``
    and ``lengths``; each row is what :func:`viterbi` gives that piece alone (positions past its length are
    meaningless). Past a piece's end its scores stand still and each label points back to itself."""
    rows, width, n_labels = scores.shape
    back = np.empty((width, rows, n_labels), dtype=np.intp)
    same = np.broadcast_to(np.arange(n_labels), (rows, n_labels))
    current = start + scores[:, 0]
    for t in range(1, width):
        candidates = current[:, :, None] + transitions
        best = candidates.argmax(axis=1)
        value = candidates.max(axis=1) + scores[:, t]
        live = (t < lengths)[:, None]
        back[t] = np.where(live, best, same)
        current = np.where(live, value, current)
    path = np.empty((rows, width), dtype=np.intp)
    path[:, -1] = (current + end).argmax(axis=1)
    everyone = np.arange(rows)
    for t in range(width - 1, 0, -1):
        path[:, t - 1] = back[t, everyone, path[:, t]]
    return path


def viterbi(scores: np.ndarray, transitions: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """The best label ids of one piece from its label ``scores`` ``(n, labels)`` (first label wins a tie)."""
    n = len(scores)
    back = np.zeros(scores.shape, dtype=np.intp)
    current = start + scores[0]
    for t in range(1, n):
        candidates = current[:, None] + transitions
        back[t] = candidates.argmax(axis=0)
        current = candidates.max(axis=0) + scores[t]
    path = np.empty(n, dtype=np.intp)
    path[-1] = int((current + end).argmax())
    for t in range(n - 1, 0, -1):
        path[t - 1] = back[t, path[t]]
    return path


def label_spans(labels: list[str]) -> list[tuple[int, int, str]]:
    """Spans ``(start, end, kind)`` of a BIOES label sequence; a span left open or broken by a stray label closes
    where it breaks."""
    spans = []
    start, kind = -1, ""
    for i, label in enumerate(labels):
        prefix, _, label_kind = label.partition("-")
        if prefix in ("B", "S") or prefix == "O" or label_kind != kind:
            if start >= 0:
                spans.append((start, i, kind))
            start, kind = -1, ""
        if prefix == "S":
            spans.append((i, i + 1, label_kind))
        elif prefix == "B" or (prefix in ("I", "E") and start < 0):
            start, kind = i, label_kind
        if prefix == "E" and start >= 0:
            spans.append((start, i + 1, kind))
            start, kind = -1, ""
    if start >= 0:
        spans.append((start, len(labels), kind))
    return spans


def read_lexicon(path: Path) -> list[tuple[str, int]]:
    """(word, mask) pairs of a lexicon file: gzip'd ``word<TAB>mask`` lines, the mask's bits in :data:`LEXICONS`
    order."""
    entries = []
    for line in gzip.decompress(path.read_bytes()).decode("utf-8").splitlines():
        word, _, mask = line.partition("\t")
        entries.append((word, int(mask)))
    return entries


@dataclass
class Lexicon:
    """The word lists as one table: word (digits as :func:`unit_text` writes them) → bit mask of its lists."""

    masks: dict[str, int]
    lengths: tuple[int, ...]  # the word lengths present, ascending


def build_lexicon(entries: list[tuple[str, int]]) -> Lexicon:
    """A :class:`Lexicon` of ``(word, mask)`` entries (masks of a word listed twice are joined); words of fewer
    than two characters are left out."""
    masks: dict[str, int] = {}
    for word, mask in entries:
        key = unit_text(word)
        if len(key) >= 2:
            masks[key] = masks.get(key, 0) | mask
    return Lexicon(masks, tuple(sorted({len(word) for word in masks})))


def lexicon_marks(text: str, lexicon: Lexicon) -> np.ndarray:
    """``(len(text), 12)`` marks: for each word list, whether a listed word begins at, runs through or ends at each
    character (:data:`LEXICONS` order, three columns each); every occurrence counts, overlapping ones too."""
    n = len(text)
    out = np.zeros((n + 1, MARKS), dtype=np.float32)
    inside = np.zeros((n + 1, len(LEXICONS)), dtype=np.int32)
    unit = unit_text(text)
    get = lexicon.masks.get
    for length in lexicon.lengths:
        if length > n:
            break
        found = np.fromiter(
            (get(unit[i : i + length], 0) for i in range(n - length + 1)), dtype=np.intp, count=n - length + 1
        )
        at = np.flatnonzero(found)
        if not len(at):
            continue
        # One column per word list: does the word found at each position belong to it?
        bits = (found[at, None] >> np.arange(len(LEXICONS))) & 1
        out[at, 0::3] = np.maximum(out[at, 0::3], bits)
        out[at + length - 1, 2::3] = np.maximum(out[at + length - 1, 2::3], bits)
        if length > 2:
            # Inner characters start + 1 .. start + length - 2: a difference array summed along the text.
            inside[at + 1] += bits.astype(np.int32)
            inside[at + length - 1] -= bits.astype(np.int32)
    out[:, 1::3] = (np.cumsum(inside, axis=0) > 0).astype(np.float32)
    return out[:-1]


def model_path(name: str) -> Path:
    """A shipped file of this tagger inside the installed package."""
    return MODEL_DIR / name


_lock = threading.Lock()
_loaded: dict[str, NeuralModel] = {}


def load(directory: Path | None = None) -> NeuralModel:
    """Read the model, card and lexicon from ``directory`` (the shipped ones by default); :class:`ExtractionError`
    naming the file when one is missing or unreadable."""
    import onnxruntime as ort

    directory = directory or MODEL_DIR
    model_file, card_file, lexicon_file = (directory / name for name in (MODEL_NAME, CARD_NAME, LEXICON_NAME))
    for path in (model_file, card_file, lexicon_file):
        if not path.is_file():
            raise ExtractionError(f"the neural tagger's file {path} is missing; run `make train-neural`")
    try:
        card = json.loads(card_file.read_text(encoding="utf-8"))
        vocab = card["vocabulary"]
        chars = {ch: i for i, ch in enumerate(vocab["chars"]) if i >= 2}
        bigrams = {pair: i for i, pair in enumerate(vocab["bigrams"]) if i >= 2}
        labels = list(vocab["labels"])
        transitions = np.asarray(vocab["transitions"], dtype=np.float32)
        start = np.asarray(vocab["start"], dtype=np.float32)
        end = np.asarray(vocab["end"], dtype=np.float32)
        if (
            transitions.shape != (len(labels), len(labels))
            or start.shape != (len(labels),)
            or end.shape != (len(labels),)
        ):
            raise ValueError("transition table does not match the labels")
    except (ValueError, KeyError, TypeError) as error:
        raise ExtractionError(f"the neural tagger's card {card_file} is unreadable: {error}") from None
    expected = card.get("sha256", {}).get(MODEL_NAME)
    content = model_file.read_bytes()
    if expected and hashlib.sha256(content).hexdigest() != expected:
        raise ExtractionError(
            f"the neural tagger's model {model_file} does not match its card (sha256); "
            "reinstall kg or run `make train-neural`"
        )
    options = ort.SessionOptions()
    # One thread per process: kg parallelises with worker processes (--workers).
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    try:
        session = ort.InferenceSession(content, sess_options=options, providers=["CPUExecutionProvider"])
    except Exception as error:  # onnxruntime raises its own exception types for a bad file
        raise ExtractionError(
            f"the neural tagger's model {model_file} cannot be loaded: {str(error).splitlines()[0][:200]}"
        ) from None
    try:
        entries = read_lexicon(lexicon_file)
    except (OSError, EOFError, ValueError) as error:
        raise ExtractionError(f"the neural tagger's lexicon {lexicon_file} is unreadable: {error}") from None
    return NeuralModel(session, chars, bigrams, labels, transitions, start, end, build_lexicon(entries))


def loaded_model() -> NeuralModel:
    """The shipped model, loaded on first use (once per process)."""
    with _lock:
        if "shipped" not in _loaded:
            _loaded["shipped"] = load()
        return _loaded["shipped"]


def use_model(directory: Path) -> None:
    """Tag with the model in ``directory`` from now on (e.g. one just trained) instead of the shipped one."""
    with _lock:
        _loaded["shipped"] = load(Path(directory))


def recognise_many(texts: list[str], model: NeuralModel | None = None) -> list[list[tuple[int, int, str, float]]]:
    """Entity spans ``(start, end, kg_class, score)`` of each text; the score is the mean, over the span's
    characters, of the probability the network alone gives the chosen label."""
    model = model or loaded_model()
    cuts = [pieces(text, MAX_CHUNK) for text in texts]
    flat = [(t, offset, piece) for t, cut in enumerate(cuts) for offset, piece in cut]
    # Lexicon marks per text in one pass, then cut like the text.
    marks_of = [lexicon_marks(text, model.lexicon) for text in texts]
    piece_marks = [marks_of[t][offset : offset + len(piece)] for t, offset, piece in flat]
    decoded = model.decode([piece for _, _, piece in flat], piece_marks)
    found: list[list[tuple[int, int, str, float]]] = [[] for _ in texts]
    for (t, offset, piece), (best, chosen) in zip(flat, decoded, strict=True):
        labels = [model.labels[i] for i in best.tolist()]
        for start, end, kind in label_spans(labels):
            cls = CLASSES.get(kind)
            if cls and piece[start:end].strip():
                score = round(float(chosen[start:end].mean()), 4)
                found[t].append((offset + start, offset + end, cls, score))
    return found


def _with_mentions(extraction: ArticleExtraction, spans: list[tuple[int, int, str, float]]) -> ArticleExtraction:
    article = extraction.article
    for start, end, cls, score in spans:
        extraction.mentions.append(
            Mention(article.id, start, end, article.text[start:end], cls, score=score, source="nlp.tag.neural")
        )
    return extraction


@stage("nlp.tag.neural")
def tag(extraction: ArticleExtraction, settings: Any = None) -> ArticleExtraction:
    """Tag an article with the neural character tagger: Person, Place and Organization mentions."""
    return _with_mentions(extraction, recognise_many([extraction.article.text])[0])


@batched("nlp.tag.neural")
def tag_many(extractions: list[ArticleExtraction], settings: Any = None) -> list[ArticleExtraction]:
    """:func:`tag` of each article, their pieces run through the network in batches together."""
    found = recognise_many([extraction.article.text for extraction in extractions])
    return [_with_mentions(extraction, spans) for extraction, spans in zip(extractions, found, strict=True)]
