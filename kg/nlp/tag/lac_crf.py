"""Tagger backend stacking the character CRF on LAC: the CRF also reads LAC's word segmentation and tags.

LAC (:mod:`kg.nlp.tag.lac`) segments and tags the text first; every character then gets, besides the features of
:mod:`kg.nlp.tag.crf` and its position inside a known place name (:func:`kg.nlp.tag.crf.place_marks`), the position
inside its LAC word (B/M/E/S) joined with the word's tag (``Bn``, ``SPER``, ``EORG`` …) and that mark paired with its
neighbours', and the distributional clusters (:mod:`kg.nlp.tag.clusters`, learnt from unlabelled news) of the
character, its neighbours and the bigrams around it. The CRF, trained on the same data as ``crf`` with these extra
features (``python bench/train_ner.py --tagger lac_crf``), learns where LAC's entities and word boundaries agree with
the annotation and where they do not: LAC brings knowledge of today's names and word boundaries, the CRF the
annotation conventions. The stage also hands on LAC's tokens (words with offsets and POS), which the linking and
relation stages use, exactly as ``nlp.tag.lac`` does. As with :mod:`kg.nlp.tag.crf`, training reads the feature strings;
decoding needs only their ids, which :func:`feature_ids` computes without making the strings.
"""

from __future__ import annotations

from itertools import repeat
from typing import Any

import numpy as np

from kg.errors import ExtractionError
from kg.model import ArticleExtraction, Mention, Token
from kg.nlp.tag import clusters, crf, featids, lac
from kg.nlp.tag.pieces import pieces
from kg.registry import batched, stage

MODEL_NAME = "lac_crf.model"
METADATA_NAME = "lac_crf.json"
OUTSIDE = "x"  # the mark of a character no LAC word covers
# As crf.NUMPY_FROM: shorter texts go through python-crfsuite. This model's feature strings cost three times the CRF's,
# so the integer ids and numpy decoding pay from about 100 characters (14.0 against 12.7 µs a character at 100, 18.3
# against 23.6 at 50, measured on People's Daily text).
NUMPY_FROM = 100
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
    """Feature rows of ``text``: the CRF's, the place-name position, the LAC mark of each character alone and
    paired with its neighbours', and the character clusters (:func:`feature_columns`, one row per character).

    ``marks`` are :func:`lac_marks` of ``text`` (one per character)."""
    return [list(row) for row in zip(*feature_columns(text, marks), strict=False)]


def feature_columns(text: str, marks: list[str]) -> list[list[str]]:
    """The features of :func:`features` as columns: one list per feature template, holding that feature for every
    character."""
    return [
        *crf.feature_columns(text),
        crf.prefixed("m", crf.place_marks(text)),
        *mark_columns(marks),
        *cluster_features(text),
    ]


def mark_columns(marks: list[str]) -> list[list[str]]:
    """The L, Lp and Ln feature columns of LAC ``marks``: each character's mark, and it paired with the previous
    and the next one's (``^`` and ``$`` beyond the text)."""
    padded = ["^", *marks, "$"]
    n = len(marks)
    return [
        crf.prefixed("L", padded[1 : n + 1]),
        crf.prefixed("Lp", padded[0:n], padded[1 : n + 1], sep="|"),
        crf.prefixed("Ln", padded[1 : n + 1], padded[2 : n + 2], sep="|"),
    ]


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


_PLACE_MARKS = ("", "B", "M", "E")  # the m template's marks, in the order of their ids
_OTHER_MARK = 0  # the id of a LAC mark no attribute holds
# Dense tables of cluster-id tuples up to this many entries (two 256-level ids: 67,081).
_MAX_TUPLE_TABLE = 1 << 22


class IdTables:
    """A model's attribute ids for the columns of :func:`features`: the CRF's (:class:`kg.nlp.tag.crf.IdTables`, its
    character and bigram vocabularies extended by the cluster table's units), the place mark's, the LAC marks' and
    the clusters', each tabled by the ids of the characters, cluster ids or marks it reads.

    LAC marks are numbered from the marks the model's L, Lp and Ln attributes hold (plus the padding ``^`` / ``$``
    and :data:`OUTSIDE`); any other mark without ``|`` (a LAC tag never holds one) appears in no attribute."""

    def __init__(self, model: Any) -> None:
        attributes, unknown = model.attributes, model.unknown
        self.attributes, self.unknown = attributes, unknown
        units = clusters.table()
        specials = (clusters.START, clusters.END, clusters.UNKNOWN)
        # Place names are found from their first two characters, so those are bigrams too. A name holding a form
        # that normalisation replaces never matches normalised text.
        folded = set(map(chr, crf._NORMALISE))
        names = [name for name in crf.place_names() if not folded.intersection(name)]
        self.crf = crf.IdTables(
            attributes,
            unknown,
            chars=(*"".join(units), *specials, *"".join(names)),
            bigrams=(*(u for u in units if len(u) == 2), *(name[:2] for name in names)),
        )
        self.chars = self.crf.chars
        self.names_by_start: dict[str, list[str]] = {}
        for name in names:
            self.names_by_start.setdefault(name[:2], []).append(name)
        self.name_starts = np.zeros(self.crf.bigrams.absent + 1, dtype=bool)
        self.name_starts[
            self.crf.bigrams.find(np.array([self.crf.key(b) for b in self.names_by_start], dtype=np.int64))
        ] = True
        self.place_table = featids.table(["m" + mark for mark in _PLACE_MARKS], attributes, unknown)
        marks = {"^", "$", OUTSIDE}
        for a in attributes:
            if a[:2] in ("Lp", "Ln") and a.count("|") == 1:
                marks.update(a[2:].split("|"))
            if a[:1] == "L":
                marks.add(a[1:])
        self.marks: list[str | None] = [None, *sorted(m for m in marks if "|" not in m)]
        self.mark_ids = {mark: i for i, mark in enumerate(self.marks) if mark is not None}
        self.mark_table = featids.table([None if m is None else "L" + m for m in self.marks], attributes, unknown)
        self.mark_pair_tables = [
            featids.table(
                [None if a is None or b is None else p + a + "|" + b for a in self.marks for b in self.marks],
                attributes,
                unknown,
            )
            for p in ("Lp", "Ln")
        ]
        # What each character id reads as in the cluster templates: the padding as clusters.START / END, a character
        # no attribute holds as one outside the table.
        as_unit = [clusters.UNKNOWN, clusters.START, clusters.END, *self.chars.chars]
        # (ids, offsets, cluster number of each character id or None for one offset, number of clusters)
        self.cluster_columns: list[tuple[np.ndarray, tuple[int, ...], np.ndarray | None, int]] = []
        for prefix, level, offsets in CHAR_CLUSTER_FEATURES:
            if len(offsets) == 1:
                strings = clusters.labelled(1, level, prefix)
                ids = featids.table([strings.get(u, strings[clusters.UNKNOWN]) for u in as_unit], attributes, unknown)
                self.cluster_columns.append((ids, offsets, None, 0))
            else:
                self.cluster_columns.append(self._tuple_table(prefix, level, offsets, as_unit))
        self.bigram_columns: list[tuple[np.ndarray, str, int]] = []
        for prefix, level, side in BIGRAM_CLUSTER_FEATURES:
            strings = clusters.labelled(2, level, prefix)
            missing = strings[clusters.UNKNOWN]
            ids = featids.table(
                [*(strings.get(u, missing) for u in self.crf.bigram_units), missing], attributes, unknown
            )
            edge = attributes.get(strings[clusters.END if side == "starting" else clusters.START], unknown)
            self.bigram_columns.append((ids, side, edge))

    def _tuple_table(
        self, prefix: str, level: int, offsets: tuple[int, ...], as_unit: list[str]
    ) -> tuple[np.ndarray, tuple[int, ...], np.ndarray, int]:
        """The table of a template joining the cluster ids at several offsets with ``|``: indexed by the clusters'
        numbers in mixed radix, filled from the attributes that parse as ``prefix`` + known ids joined by ``|``
        (cluster ids hold no ``|``, so a string parses one way only)."""
        cluster_of = clusters.labelled(1, level, "")
        names = sorted(set(cluster_of.values()))
        number = {name: i for i, name in enumerate(names)}
        size = len(names) ** len(offsets)
        if size > _MAX_TUPLE_TABLE:
            raise ExtractionError(f"cluster template {prefix!r}: {size:,} id combinations are too many to table")
        ids = np.full(size, self.unknown, dtype=np.intp)
        for a, i in self.attributes.items():
            if a.startswith(prefix):
                parts = a[len(prefix) :].split("|")
                if len(parts) == len(offsets) and all(part in number for part in parts):
                    key = 0
                    for part in parts:
                        key = key * len(names) + number[part]
                    ids[key] = i
        of_char = np.array([number[cluster_of.get(u, cluster_of[clusters.UNKNOWN])] for u in as_unit], dtype=np.intp)
        return ids, offsets, of_char, len(names)

    def fill(self, batch: featids.Batch, marks: list[list[str]], out: np.ndarray) -> None:
        """Write the ids of every column of ``batch`` into ``out``; ``marks`` are each text's LAC marks."""
        cids, window = batch.cids, batch.window
        pairs = self.crf.fill(batch, out)
        t = crf.TEMPLATES
        self.place_table.take(window(self.place_marks(batch, pairs), 0), out=out[t], mode="clip")
        self.fill_marks(batch, marks, out[t + 1 : t + 4])
        t += 4
        for ids, offsets, of_char, radix in self.cluster_columns:
            if of_char is None:
                ids.take(window(cids, offsets[0]), out=out[t], mode="clip")
            else:
                numbers = of_char[cids]
                key = window(numbers, offsets[0])
                for d in offsets[1:]:
                    key = key * radix + window(numbers, d)
                ids.take(key, out=out[t], mode="clip")
            t += 1
        present = batch.lengths > 0
        for ids, side, edge in self.bigram_columns:
            # a text's last character starts no bigram and its first ends none: the strings say $ and ^ there
            if side == "starting":
                ids.take(window(pairs, 0), out=out[t], mode="clip")
                out[t, batch.ends[present] - 1 - featids.REACH] = edge
            else:
                ids.take(window(pairs, -1), out=out[t], mode="clip")
                out[t, batch.starts[present] - featids.REACH] = edge
            t += 1

    def fill_marks(self, batch: featids.Batch, marks: list[list[str]], out: np.ndarray) -> None:
        """Write the ids of the L, Lp and Ln columns into ``out`` (three rows)."""
        get = self.mark_ids.get
        ids = np.empty(batch.size, dtype=np.intp)
        for start, end, text_marks in zip(batch.starts.tolist(), batch.ends.tolist(), marks, strict=True):
            if len(text_marks) != end - start:
                raise ExtractionError(f"{len(text_marks)} LAC marks for a text of {end - start} characters")
            ids[start - featids.REACH : start] = self.mark_ids["^"]
            ids[start:end] = np.fromiter(map(get, text_marks, repeat(_OTHER_MARK)), dtype=np.intp, count=end - start)
            ids[end : end + featids.REACH] = self.mark_ids["$"]
        if (ids == _OTHER_MARK).any() and any("|" in m for ms in marks for m in ms if m not in self.mark_ids):
            # such a mark's strings may read as other marks' ("a|b" + "|" + "c" = "a" + "|" + "b|c"): look them up
            for start, text_marks in zip(batch.starts.tolist(), marks, strict=True):
                row = start - featids.REACH
                for column, strings in zip(out, mark_columns(text_marks), strict=True):
                    column[row : row + len(text_marks)] = [self.attributes.get(s, self.unknown) for s in strings]
            return
        window, k = batch.window, len(self.marks)
        self.mark_table.take(window(ids, 0), out=out[0], mode="clip")
        self.mark_pair_tables[0].take(window(ids, -1) * k + window(ids, 0), out=out[1], mode="clip")
        self.mark_pair_tables[1].take(window(ids, 0) * k + window(ids, 1), out=out[2], mode="clip")

    def place_marks(self, batch: featids.Batch, pairs: np.ndarray) -> np.ndarray:
        """:func:`kg.nlp.tag.crf.place_marks` of every text of ``batch`` as mark ids (index into ``_PLACE_MARKS``)
        per position: each character takes the longest known place name covering it, on a tie the one that starts
        first (the automaton finds names by their end). Names are looked for only where a bigram (``pairs``, the
        bigram indices of :meth:`kg.nlp.tag.crf.IdTables.fill`) starts one."""
        text = batch.text
        covering: dict[int, tuple[int, int]] = {}  # position -> (length, start) of the name it takes
        for start in np.flatnonzero(self.name_starts[pairs]).tolist():
            for name in self.names_by_start[text[start : start + 2]]:
                if text.startswith(name, start):
                    length = len(name)
                    for i in range(start, start + length):
                        # names come by their start: on a tie the earlier one stays
                        if length > covering.get(i, (0, 0))[0]:
                            covering[i] = (length, start)
        marks = np.zeros(batch.size, dtype=np.intp)
        if covering:
            marks[list(covering)] = [
                1 if i == start else 3 if i == start + length - 1 else 2 for i, (length, start) in covering.items()
            ]
        return marks


TEMPLATES = crf.TEMPLATES + 4 + len(CHAR_CLUSTER_FEATURES) + len(BIGRAM_CLUSTER_FEATURES)


def feature_ids(text: str, marks: list[str], model: Any) -> np.ndarray:
    """The model's attribute ids of the columns :func:`features` ``(text, marks)`` builds: a (characters ×
    :data:`TEMPLATES`) integer matrix, the id of the string in row i, column t being ``model.attributes.get(string,
    model.unknown)``. ``model`` is anything with ``attributes: dict[str, int]`` and ``unknown: int``; its tables are
    built on first use (and again when :func:`kg.nlp.tag.clusters.use_table` changes the cluster table)."""
    return pieces_feature_ids([text], [marks], model)[0]


def pieces_feature_ids(texts: list[str], marks: list[list[str]], model: Any) -> list[np.ndarray]:
    """:func:`feature_ids` of each of ``texts`` with its ``marks`` (e.g. the pieces of an article), in one pass."""
    if len(marks) != len(texts):
        raise ExtractionError(f"LAC marks for {len(marks)} texts, not {len(texts)}")
    tables = featids.cached(model, "lac_crf", IdTables, clusters.table())
    batch = featids.Batch(texts, tables.chars)
    out = np.empty((TEMPLATES, batch.rows), dtype=np.intp)
    tables.fill(batch, marks, out)
    return batch.split(out)


def recognise(text: str, tokens: list[tuple[int, str, str]]) -> list[tuple[int, int, str, float]]:
    """Entity spans of ``text`` given its LAC ``tokens``: ``(start, end, kg_class, score)``."""
    marks = lac_marks(text, tokens)
    cut = pieces(text, crf.MAX_CHUNK)
    if len(text) < NUMPY_FROM:
        tagger = crf.reference_tagger(MODEL_NAME)
        return crf.balance_brackets(
            text,
            [
                span
                for offset, piece in cut
                for span in crf.label_spans(tagger, features(piece, marks[offset : offset + len(piece)]), piece, offset)
            ],
        )
    model = crf.loaded_model(MODEL_NAME)

    def ids_of(group: list[tuple[int, str]]) -> list[np.ndarray]:
        texts = [piece for _, piece in group]
        return pieces_feature_ids(texts, [marks[o : o + len(piece)] for o, piece in group], model)

    return crf.balance_brackets(text, crf.model_spans(model, cut, ids_of))


@stage("nlp.tag.lac_crf")
def tag(extraction: ArticleExtraction, settings: Any = None) -> ArticleExtraction:
    """Tag an article with LAC, then with the CRF that reads LAC's output: Person, Place and Organization mentions plus
    LAC's tokens."""
    return _with_tokens(extraction, lac.analyse(extraction.article.text))


@batched("nlp.tag.lac_crf")
def tag_many(extractions: list[ArticleExtraction], settings: Any = None) -> list[ArticleExtraction]:
    """:func:`tag` of each article, LAC running their pieces in batches together."""
    analysed = lac.analyse_many([extraction.article.text for extraction in extractions])
    return [_with_tokens(extraction, tokens) for extraction, tokens in zip(extractions, analysed, strict=False)]


def _with_tokens(extraction: ArticleExtraction, tokens: list[tuple[int, str, str]]) -> ArticleExtraction:
    """``extraction`` given LAC's ``tokens`` of its text, with the CRF's mentions."""
    article = extraction.article
    extraction.tokens = [Token.at(offset, word, tag) for offset, word, tag in tokens]
    for start, end, cls, score in recognise(article.text, tokens):
        extraction.mentions.append(
            Mention(article.id, start, end, article.text[start:end], cls, score=score, source="nlp.tag.lac_crf")
        )
    return extraction
