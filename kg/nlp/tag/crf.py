"""Tagger backend on a character-level CRF (python-crfsuite) trained on news NER data and shipped in ``kg/data/ner``.

Each character gets the characters and character pairs around it, one triple, a character-class pattern and two
indicators from a short list of generic name endings (省/市/县, 公司/大学/委员会 …). :func:`place_marks` (the position
inside a known place name) is used by the stacked tagger :mod:`kg.nlp.tag.lac_crf`; in this model it did not pay
(People's Daily NER test micro-F1 0.9124 with it, 0.9129 without). ``kg/data/ner/crf.json`` records the data,
settings and scores of the shipped model; ``python bench/train_ner.py`` rebuilds it.

python-crfsuite trains the models from the feature strings (:func:`feature_columns`, built column by column for the
whole sentence, because building them character by character in Python is slow). Tagging needs only the strings'
ids in the model: :func:`pieces_feature_ids` computes them from integer tables without making the strings
(:mod:`kg.nlp.tag.featids`), and :class:`kg.nlp.tag.linear_crf.LinearCRF` decodes all pieces of an article at once in
numpy, with crfsuite's best paths and marginals (:func:`model_spans`). Short texts, where numpy's per-call costs
outweigh its speed, still go through the strings and crfsuite (:func:`reference_tagger`, :func:`label_spans`), which
is also the reference the tests and ``bench/crf_decode_check.py`` compare against.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from kg.errors import ExtractionError
from kg.ingest.clean import to_halfwidth
from kg.model import ArticleExtraction, Mention
from kg.nlp.tag import featids
from kg.nlp.tag.linear_crf import LinearCRF
from kg.nlp.tag.pieces import pieces
from kg.registry import stage

MODEL_DIR = Path(__file__).resolve().parents[2] / "data" / "ner"
MODEL_NAME = "crf.model"
METADATA_NAME = "crf.json"
CRF_CLASSES = {"PER": "Person", "LOC": "Place", "ORG": "Organization"}
# CRF decoding is linear in length, but the model was trained on sentences: very long lines are cut at clause ends.
MAX_CHUNK = 300
# Texts shorter than this go through python-crfsuite (feature strings, one call per piece) rather than the integer ids
# and numpy decoding: those cost about 0.65 ms a call whatever the length, so they overtake crfsuite's per-character
# cost only in longer texts (measured on People's Daily text cut to 10–1,000 characters: 5.4 against 4.2 µs a
# character at 1,000, 5.7 against 5.4 at 400, 4.7 against 18.8 at 50). Both give the same spans and scores.
NUMPY_FROM = 400
# Characters whose feature ids are computed and decoded together: enough for numpy's per-call costs to vanish, few
# enough that a text of megabytes never holds all its ids at once (8 bytes a template and character).
GROUP = 8192

_NORMALISE = {
    code: to_halfwidth(chr(code)) for code in (*range(0xFF01, 0xFF5F), 0x3000) if to_halfwidth(chr(code)) != chr(code)
}

# Generic endings of place and organization names: a character CRF sees single characters and pairs, these tell it
# about longer endings. General vocabulary only, never names.
PLACE_ENDINGS = (
    "自治区",
    "自治州",
    "自治县",
    "特别行政区",
    "开发区",
    "新区",
    "街道",
    "地区",
    "半岛",
    "群岛",
    "高原",
    "盆地",
    "山脉",
    "草原",
    "沙漠",
    "流域",
    "水库",
    "大道",
    "广场",
    "公园",
)
ORG_ENDINGS = (
    "有限公司",
    "有限责任公司",
    "股份公司",
    "公司",
    "集团",
    "银行",
    "大学",
    "学院",
    "中学",
    "小学",
    "学校",
    "医院",
    "委员会",
    "常委会",
    "人大",
    "政协",
    "政府",
    "办公室",
    "办公厅",
    "研究院",
    "研究所",
    "研究中心",
    "中心",
    "协会",
    "学会",
    "基金会",
    "联合会",
    "商会",
    "法院",
    "检察院",
    "公安局",
    "派出所",
    "支队",
    "大队",
    "部队",
    "报社",
    "电视台",
    "广播电台",
    "通讯社",
    "出版社",
    "俱乐部",
    "代表团",
    "工作组",
    "党委",
    "总局",
    "管理局",
    "事务所",
    "合作社",
    "工厂",
    "组织",
    "联盟",
    "议会",
    "国务院",
    "外交部",
)
_ENDINGS = sorted({(w, "L") for w in PLACE_ENDINGS} | {(w, "G") for w in ORG_ENDINGS}, key=lambda p: -len(p[0]))
_ENDINGS_BY_LAST: dict[str, list[tuple[str, str]]] = {}
for _word, _kind in _ENDINGS:
    _ENDINGS_BY_LAST.setdefault(_word[-1], []).append((_word, _kind))


def normalise(text: str) -> str:
    """``text`` with full-width forms half-width, as the CRF's training text was read (``１９９７`` → ``1997``)."""
    return text.translate(_NORMALISE)


_CHINESE_DIGITS = set("〇零一二三四五六七八九十百千万亿两")
_PUNCT = set("，。、；：？！“”‘’（）《》〈〉【】「」『』—…·,.;:?!\"'()[]<>-/%+")


def _char_class(ch: str) -> str:
    if ch.isdigit():
        return "0"
    if ch in _CHINESE_DIGITS:
        return "N"
    if ch.isascii() and ch.isalpha():
        return "A"
    if ch in _PUNCT:
        return "P"
    if "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf":
        return "H"
    return "O"


@cache
def _class_of(ch: str) -> str:
    return _char_class(ch)


def _ending_marks(text: str) -> tuple[list[str], list[str]]:
    """For each position: the kind of generic ending that ends here / starts right after it ('' if none)."""
    n = len(text)
    ends = [""] * n
    before = [""] * n
    for i, ch in enumerate(text):
        candidates = _ENDINGS_BY_LAST.get(ch)
        if not candidates:
            continue
        for word, kind in candidates:
            start = i - len(word) + 1
            if start >= 0 and text.startswith(word, start):
                ends[i] = kind
                if start > 0:
                    before[start - 1] = kind
                break
    return ends, before


# Division levels whose names (and short forms) place_marks knows: provinces, prefectures, counties. The trained
# lac_crf model saw exactly these and the countries; townships, which the gazetteer also links, are left out so that
# the features do not change under a model trained without them.
PLACE_MARK_LEVELS = (1, 2, 3)


@cache
def place_names() -> tuple[str, ...]:
    """The names :func:`place_marks` knows: the gazetteer's country and division names (down to counties) of two
    characters or more, sorted."""
    from kg.nlp import gazetteer

    gaz = gazetteer.gazetteer()
    names = set()
    for form, candidates in gaz.forms.items():
        known = any(c.country or (c.code and gaz.divisions[c.code].level in PLACE_MARK_LEVELS) for c in candidates)
        if known and len(form) >= 2 and form not in gazetteer.ROLE_WORDS:
            names.add(form)
    return tuple(sorted(names))


@cache
def _place_automaton() -> Any:
    """An automaton over :func:`place_names`, each mapped to its length."""
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for name in place_names():
        automaton.add_word(name, len(name))
    automaton.make_automaton()
    return automaton


def place_marks(text: str) -> list[str]:
    """For each position: B, M or E inside the longest known place name covering it (China's divisions down to counties
    and their short forms, countries: the gazetteer of :mod:`kg.nlp.gazetteer`), '' outside any."""
    longest = [0] * len(text)
    marks = [""] * len(text)
    for end, length in _place_automaton().iter(normalise(text)):
        start = end - length + 1
        for i in range(start, end + 1):
            if length > longest[i]:
                longest[i] = length
                marks[i] = "B" if i == start else "E" if i == end else "M"
    return marks


def features(text: str) -> list[list[str]]:
    """The CRF's feature strings for every character of ``text`` (one list per character)."""
    return [list(row) for row in zip(*feature_columns(text), strict=False)]


def feature_columns(text: str) -> list[list[str]]:
    """The CRF's features as columns: one list per feature template, holding that feature for every character."""
    s = normalise(text)
    n = len(s)
    if not n:
        return []
    c = ["^", "^", *s, "$", "$"]
    k = ["^", "^", *map(_class_of, s), "$", "$"]
    ends, before = _ending_marks(s)
    # Column i of each list belongs to character i; c[i + 2] is that character. Built with map over str.__add__
    # rather than comprehensions: the loops then run in C, and feature building is most of this tagger's time.
    return [
        prefixed("a", c[0:n]),
        prefixed("b", c[1 : n + 1]),
        prefixed("c", c[2 : n + 2]),
        prefixed("d", c[3 : n + 3]),
        prefixed("e", c[4 : n + 4]),
        prefixed("f", c[0:n], c[1 : n + 1]),
        prefixed("g", c[1 : n + 1], c[2 : n + 2]),
        prefixed("h", c[2 : n + 2], c[3 : n + 3]),
        prefixed("i", c[3 : n + 3], c[4 : n + 4]),
        prefixed("j", c[1 : n + 1], c[2 : n + 2], c[3 : n + 3]),
        prefixed("k", k[1 : n + 1], k[2 : n + 2], k[3 : n + 3]),
        prefixed("l", ends, before),
    ]


def prefixed(prefix: str, first: Iterable[str], *rest: Iterable[str], sep: str = "") -> list[str]:
    """``prefix + a + sep + b …`` for the parallel items ``a, b …`` of ``first`` and ``rest``: a feature column."""
    column: Iterable[str] = map(prefix.__add__, first)
    for more in rest:
        column = map(str.__add__, column, map(sep.__add__, more) if sep else more)
    return list(column)


# The k template's character classes in the order of their ids, then the padding's classes.
_CLASSES = ("0", "N", "A", "P", "H", "O", "^", "$")
_CLASS_ID = {cls: i for i, cls in enumerate(_CLASSES)}
_ENDING_KINDS = ("", "L", "G")  # the l template's marks: no ending, a place's, an organization's
# Offsets of the unigram (a–e) and bigram (f–i, by first character) templates of feature_columns.
_UNIGRAM_OFFSETS = (-2, -1, 0, 1, 2)
_BIGRAM_OFFSETS = (-2, -1, 0, 1)
TEMPLATES = 12  # the number of columns of feature_columns


class IdTables:
    """A model's attribute ids for the templates of :func:`feature_columns`, tabled by the small inputs they read.

    The characters numbered (:class:`~kg.nlp.tag.featids.CharIds`) are all those the model's attributes contain plus
    ``chars`` (a stacked tagger's other look-ups): a character outside them appears in no attribute, so every string
    holding it is unknown. The padding reads as ``^`` / ``$``, the same strings as those characters in the text.
    Bigrams (f–i) and triples (j) are keyed by their character ids; ``bigrams`` adds units to the bigram index."""

    def __init__(
        self, attributes: dict[str, int], unknown: int, chars: Iterable[str] = (), bigrams: Iterable[str] = ()
    ) -> None:
        self.unknown = unknown
        known = set("".join(attributes)) | set(chars) | set(map(chr, range(128))) | _PUNCT | _CHINESE_DIGITS
        known |= set("".join(word for word, _kind in _ENDINGS))
        self.chars = featids.CharIds(known, _NORMALISE)
        id_of = self.chars.id_of
        # What each id reads as in these templates (None: a character no attribute holds).
        text: list[str | None] = [None, "^", "$", *self.chars.chars]
        self.unigrams = [
            featids.table([None if ch is None else p + ch for ch in text], attributes, unknown) for p in "abcde"
        ]
        self.canonical = np.arange(self.chars.size, dtype=np.intp)
        self.canonical[featids.PAD_START] = id_of["^"]
        self.canonical[featids.PAD_END] = id_of["$"]
        endings = {word[-2:] for word, _kind in _ENDINGS}
        units = {a[1:] for a in attributes if len(a) == 3 and a[0] in "fghi"} | set(bigrams) | endings
        self.bigram_units = sorted((u for u in units if len(u) == 2 and all(ch in id_of for ch in u)), key=self.key)
        self.bigrams = featids.KeyIndex(map(self.key, self.bigram_units))
        self.bigram_tables = [
            featids.table([*(p + u for u in self.bigram_units), None], attributes, unknown) for p in "fghi"
        ]
        triples = sorted(
            (a[1:] for a in attributes if len(a) == 4 and a[0] == "j" and all(c in id_of for c in a[1:])), key=self.key
        )
        self.trigrams = featids.KeyIndex(map(self.key, triples))
        self.trigram_table = featids.table([*("j" + u for u in triples), None], attributes, unknown)
        self.classes = np.array(
            [_CLASS_ID["O"], _CLASS_ID["^"], _CLASS_ID["$"], *(_CLASS_ID[_class_of(ch)] for ch in self.chars.chars)],
            dtype=np.intp,
        )
        n = len(_CLASSES)
        self.class_table = featids.table(
            ["k" + _CLASSES[i // (n * n)] + _CLASSES[i // n % n] + _CLASSES[i % n] for i in range(n**3)],
            attributes,
            unknown,
        )
        kinds = len(_ENDING_KINDS)
        self.ending_table = featids.table(
            ["l" + _ENDING_KINDS[i // kinds] + _ENDING_KINDS[i % kinds] for i in range(kinds * kinds)],
            attributes,
            unknown,
        )
        # where the bigram before a character ends a generic ending, the character may end one
        self.ending_pairs = np.zeros(self.bigrams.absent + 1, dtype=bool)
        self.ending_pairs[self.bigrams.find(np.array([self.key(u) for u in endings], dtype=np.int64))] = True

    def key(self, unit: str) -> int:
        """The integer key of a bigram or triple of known characters."""
        key = 0
        for ch in unit:
            key = key * self.chars.size + self.chars.id_of[ch]
        return key

    def fill(self, batch: featids.Batch, out: np.ndarray) -> np.ndarray:
        """Write the ids of the :data:`TEMPLATES` columns of ``batch`` into ``out[:TEMPLATES]``; return the index
        in :attr:`bigrams` of the bigram starting at each position (the padding read as ``^`` and ``$``)."""
        cids, window, size = batch.cids, batch.window, self.chars.size
        for t, (ids, d) in enumerate(zip(self.unigrams, _UNIGRAM_OFFSETS, strict=True)):
            ids.take(window(cids, d), out=out[t], mode="clip")
        same = self.canonical[cids]  # the padding as the characters ^ and $, which the strings do not tell apart
        pairs = self.bigrams.find(same[:-1] * size + same[1:])  # the bigram starting at each position
        for t, (ids, d) in enumerate(zip(self.bigram_tables, _BIGRAM_OFFSETS, strict=True), 5):
            ids.take(window(pairs, d), out=out[t], mode="clip")
        triples = self.trigrams.find((window(same, -1) * size + window(same, 0)) * size + window(same, 1))
        self.trigram_table.take(triples, out=out[9], mode="clip")
        classes = self.classes[cids]
        other = np.flatnonzero(cids == featids.OTHER)
        if len(other):  # characters outside the vocabulary still have a class (a rare character is H, ① a digit)
            classes[other] = [_CLASS_ID[_class_of(batch.text[j])] for j in other.tolist()]
        n = len(_CLASSES)
        patterns = (window(classes, -1) * n + window(classes, 0)) * n + window(classes, 1)
        self.class_table.take(patterns, out=out[10], mode="clip")
        ends, before = self.ending_marks(batch, pairs)
        self.ending_table.take(window(ends, 0) * len(_ENDING_KINDS) + window(before, 0), out=out[11], mode="clip")
        return pairs

    def ending_marks(self, batch: featids.Batch, pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """:func:`_ending_marks` of every text of ``batch`` as kind ids (index into ``_ENDING_KINDS``) per position;
        ``pairs`` are the bigram indices of :meth:`fill`. Only characters after the last two of some ending are
        tried."""
        ends = np.zeros(batch.size, dtype=np.intp)
        before = np.zeros(batch.size, dtype=np.intp)
        text = batch.text
        for i in (np.flatnonzero(self.ending_pairs[pairs]) + 1).tolist():
            for word, kind in _ENDINGS_BY_LAST[text[i]]:
                start = i - len(word) + 1
                # the NUL padding between texts keeps a match inside its text
                if start >= 0 and text.startswith(word, start):
                    ends[i] = before[start - 1] = _ENDING_KINDS.index(kind)
                    break
        return ends, before


def feature_ids(text: str, model: Any) -> np.ndarray:
    """The model's attribute ids of :func:`feature_columns` ``(text)``: a (characters × :data:`TEMPLATES`) integer
    matrix, the id of the string in row i, column t being ``model.attributes.get(string, model.unknown)``. ``model``
    is anything with ``attributes: dict[str, int]`` and ``unknown: int``; its tables are built on first use."""
    return pieces_feature_ids([text], model)[0]


def pieces_feature_ids(texts: list[str], model: Any) -> list[np.ndarray]:
    """:func:`feature_ids` of each of ``texts`` (e.g. the pieces of an article), computed in one pass."""
    tables = featids.cached(model, "crf", lambda m: IdTables(m.attributes, m.unknown))
    batch = featids.Batch(texts, tables.chars)
    out = np.empty((TEMPLATES, batch.rows), dtype=np.intp)
    tables.fill(batch, out)
    return batch.split(out)


def spans_from_labels(labels: list[str]) -> list[tuple[int, int, str]]:
    """Entity spans ``(start, end, TYPE)`` of a BIOES label sequence; an ill-formed run still yields its span."""
    spans = []
    start, kind = -1, ""
    for i, label in enumerate(labels):
        prefix, _, typ = label.partition("-")
        if prefix in ("B", "S") or (prefix in ("I", "E") and (start < 0 or typ != kind)):
            if start >= 0:
                spans.append((start, i, kind))
            start, kind = i, typ
        elif prefix == "O" and start >= 0:
            spans.append((start, i, kind))
            start, kind = -1, ""
        if prefix in ("E", "S") and start >= 0:
            spans.append((start, i + 1, kind))
            start, kind = -1, ""
    if start >= 0:
        spans.append((start, len(labels), kind))
    return spans


def model_path(name: str = MODEL_NAME) -> Path:
    """A shipped model file (this tagger's by default), inside the installed package."""
    return MODEL_DIR / name


_loaded: dict[str, LinearCRF] = {}
_paths: dict[str, Path] = {}
_references: dict[str, Any] = {}


def use_model(path: str | Path, name: str = MODEL_NAME) -> None:
    """Tag with the model file at ``path`` from now on instead of the shipped model ``name`` (e.g. one just trained)."""
    if not Path(path).is_file():
        raise ExtractionError(f"no CRF model at {path}")
    _loaded[name] = LinearCRF.load(path)
    _paths[name] = Path(path)
    _references.pop(name, None)


def loaded_model(name: str = MODEL_NAME) -> LinearCRF:
    """The model ``name`` as a :class:`~kg.nlp.tag.linear_crf.LinearCRF`, read from kg/data/ner on first use."""
    if name not in _loaded:
        shipped = model_path(name)
        if not shipped.is_file():
            raise ExtractionError(f"the CRF model {name} is missing from kg/data/ner; run `make train`")
        use_model(shipped, name)
    return _loaded[name]


def reference_tagger(name: str = MODEL_NAME) -> Any:
    """A python-crfsuite tagger of the model file the taggers use for ``name``: what :func:`label_spans` tags short
    texts with (:data:`NUMPY_FROM`), and the reference tests and ``bench/crf_decode_check.py`` compare
    :func:`model_spans` against."""
    import pycrfsuite

    if name not in _references:
        loaded_model(name)
        tagger = pycrfsuite.Tagger()
        tagger.open(str(_paths[name]))
        _references[name] = tagger
    return _references[name]


def label_spans(tagger: Any, rows: list[list[str]], piece: str, offset: int) -> list[tuple[int, int, str, float]]:
    """Tag one piece with python-crfsuite from its feature rows (the reference path): spans ``(start, end, kg_class,
    score)`` shifted by ``offset``; the score is the model's marginal of the span's first label."""
    tagger.set(rows)
    labels = tagger.tag()
    found = []
    for start, end, kind in spans_from_labels(labels):
        cls = CRF_CLASSES.get(kind)
        if cls and piece[start:end].strip():
            found.append((offset + start, offset + end, cls, round(tagger.marginal(labels[start], start), 4)))
    return found


def model_spans(
    model: LinearCRF, cut: list[tuple[int, str]], ids_of: Callable[[list[tuple[int, str]]], list[np.ndarray]]
) -> list[tuple[int, int, str, float]]:
    """Tag the pieces ``cut`` (``(offset, piece)`` pairs) with ``model`` in numpy: spans ``(start, end, kg_class,
    score)`` in text offsets, as :func:`label_spans` gives them piece by piece. ``ids_of`` gives a run of pieces'
    attribute ids (one ``(len(piece), templates)`` matrix each, as :func:`pieces_feature_ids` does); runs of up to
    :data:`GROUP` characters are computed and decoded together."""
    found = []
    for group in _groups(cut):
        for (offset, piece), (best, marginals) in zip(group, model.decode(ids_of(group)), strict=True):
            labels = [model.labels[i] for i in best.tolist()]
            for start, end, kind in spans_from_labels(labels):
                cls = CRF_CLASSES.get(kind)
                if cls and piece[start:end].strip():
                    found.append((offset + start, offset + end, cls, round(float(marginals[start]), 4)))
    return found


def _groups(cut: list[tuple[int, str]]) -> Iterator[list[tuple[int, str]]]:
    """Consecutive runs of the pieces ``cut`` of at most :data:`GROUP` characters (a longer piece alone)."""
    group: list[tuple[int, str]] = []
    size = 0
    for offset, piece in cut:
        if group and size + len(piece) > GROUP:
            yield group
            group, size = [], 0
        group.append((offset, piece))
        size += len(piece)
    if group:
        yield group


# Paired punctuation a name may contain, opener to closer (full width, and the half width that normalisation makes).
BRACKETS = {"《": "》", "“": "”", "‘": "’", "「": "」", "『": "』", "〈": "〉", "【": "】", "（": "）", "(": ")"}


def _balanced(text: str, start: int, end: int) -> tuple[int, int]:
    """``start, end`` moved so that the span holds every bracket or quote it opens or closes: an unmatched bracket at
    either end of the span is dropped (``《生活时报`` → ``生活时报``, ``索尼）`` → ``索尼``); one inside is completed by
    the closer right after the span or the opener right before it (``华北《人民日报`` → ``华北《人民日报》``)."""
    for _ in range(2):  # a second pass settles a span that two kinds of bracket change
        moved = False
        for opener, closer in BRACKETS.items():
            piece = text[start:end]
            excess = piece.count(opener) - piece.count(closer)
            if excess > 0 and opener in (piece[0], piece[-1]) and end - start > 1:
                start, end = (start + 1, end) if piece[0] == opener else (start, end - 1)
            elif excess > 0 and end < len(text) and text[end] == closer:
                end += 1
            elif excess < 0 and closer in (piece[0], piece[-1]) and end - start > 1:
                start, end = (start, end - 1) if piece[-1] == closer else (start + 1, end)
            elif excess < 0 and start > 0 and text[start - 1] == opener:
                start -= 1
            else:
                continue
            moved = True
        if not moved:
            break
    return start, end


def balance_brackets(text: str, found: list[tuple[int, int, str, float]]) -> list[tuple[int, int, str, float]]:
    """Character taggers' spans with their brackets and quotes balanced (:func:`_balanced`), unless that would make a
    span overlap its neighbour. A character CRF sees five characters at a time and often stops one short of a closing
    》 or ” (on People's Daily NER dev this mends 5 to 8 organizations a model gets wrong, and breaks none)."""
    ordered = sorted(found)
    out: list[tuple[int, int, str, float]] = []
    for i, (start, end, cls, score) in enumerate(ordered):
        new_start, new_end = _balanced(text, start, end)
        after = ordered[i + 1][0] if i + 1 < len(ordered) else len(text)
        before = out[-1][1] if out else 0
        if (new_start, new_end) != (start, end) and before <= new_start and new_end <= after:
            start, end = new_start, new_end
        out.append((start, end, cls, score))
    return out


def recognise(text: str) -> list[tuple[int, int, str, float]]:
    """Entity spans of ``text`` as ``(start, end, kg_class, score)``; score is the model's marginal of the first
    label."""
    cut = pieces(text, MAX_CHUNK)
    if len(text) < NUMPY_FROM:
        tagger = reference_tagger()
        return balance_brackets(
            text, [span for offset, piece in cut for span in label_spans(tagger, features(piece), piece, offset)]
        )
    model = loaded_model()
    found = model_spans(model, cut, lambda group: pieces_feature_ids([piece for _, piece in group], model))
    return balance_brackets(text, found)


@stage("nlp.tag.crf")
def tag(extraction: ArticleExtraction, settings: Any = None) -> ArticleExtraction:
    """Tag an article with the shipped character CRF: Person, Place and Organization mentions."""
    article = extraction.article
    for start, end, cls, score in recognise(article.text):
        extraction.mentions.append(
            Mention(article.id, start, end, article.text[start:end], cls, score=score, source="nlp.tag.crf")
        )
    return extraction
