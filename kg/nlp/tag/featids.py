"""Integer feature ids for the character CRFs, computed over integer arrays instead of feature strings.

A CRF tagger only ever looks its feature strings (:func:`kg.nlp.tag.crf.feature_columns`,
:func:`kg.nlp.tag.lac_crf.feature_columns`) up in its model's attribute dictionary. Each template is a function of a few
small discrete inputs — the character at an offset, a pair or triple of characters, a class pattern, a mark — so for
one model the attribute id of every value of those inputs can be tabled once, and a text's ids are then array
look-ups. The strings stay the reference: training reads them, and the tests compare these ids with their look-up.

This module holds what the two taggers share: the numbering of characters (:class:`CharIds`), the layout of several
texts in one array (:class:`Batch`), sorted-key look-ups and the per-model cache of tables.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import numpy as np

# Character ids: 0 for a character that no attribute contains, 1 and 2 for the padding before and after a text,
# known characters from 3.
OTHER, PAD_START, PAD_END = 0, 1, 2
FIRST_CHAR = 3
# Positions of padding on each side of a text: the templates reach two characters either way.
REACH = 2
# Appended to every sorted key array: larger than any key, so that a search never runs off the end.
_SENTINEL = np.iinfo(np.int64).max


class CharIds:
    """Character → id for one model: the ``chars`` given, numbered from :data:`FIRST_CHAR` in code-point order;
    any other character is :data:`OTHER`. The characters ``fold`` maps (code point → character) get the id of the
    character they map to, since feature strings are built from text normalised that way."""

    def __init__(self, chars: Iterable[str], fold: dict[int, str]) -> None:
        folded = {chr(code) for code in fold}
        self.chars: list[str] = sorted((set(chars) | set(fold.values())) - folded)
        self.size = len(self.chars) + FIRST_CHAR
        self.id_of: dict[str, int] = {ch: i for i, ch in enumerate(self.chars, FIRST_CHAR)}
        self._bmp = np.zeros(0x10000, dtype=np.intp)
        astral = []
        for ch, i in self.id_of.items():
            if ord(ch) < 0x10000:
                self._bmp[ord(ch)] = i
            else:
                astral.append((ord(ch), i))
        for code, target in fold.items():
            self._bmp[code] = self.id_of[target]
        self._astral_codes = np.array([code for code, _ in astral] + [_SENTINEL], dtype=np.int64)
        self._astral_ids = np.array([i for _, i in astral] + [OTHER], dtype=np.intp)
        self._fold = np.arange(0x10000, dtype=np.uint32)
        for code, target in fold.items():
            self._fold[code] = ord(target)

    def ids(self, codes: np.ndarray) -> np.ndarray:
        """The id of every code point in ``codes`` (uint32)."""
        if not len(codes) or codes.max() < 0x10000:
            return self._bmp[codes]
        low = codes < 0x10000
        out = self._bmp[np.where(low, codes, 0)]
        high = np.flatnonzero(~low)
        at = np.searchsorted(self._astral_codes, codes[high])
        out[high] = np.where(self._astral_codes[at] == codes[high], self._astral_ids[at], OTHER)
        return out

    def normalised(self, codes: np.ndarray) -> np.ndarray:
        """``codes`` with the folded code points replaced by their targets'."""
        if not len(codes) or codes.max() < 0x10000:
            return self._fold[codes]
        return np.where(codes < 0x10000, self._fold[np.minimum(codes, 0xFFFF)], codes)


class Batch:
    """Several texts laid out in one array, each with :data:`REACH` padding positions before and after it.

    ``cids`` holds the character ids (the padding as :data:`PAD_START` / :data:`PAD_END`), ``text`` the normalised
    texts joined with NUL in the padding positions (for string searches: no name or ending contains NUL), ``starts``
    the position of each text's first character. Columns are computed over the positions ``REACH … size - REACH``
    (:meth:`window`) and :meth:`split` keeps the rows of the texts' characters."""

    def __init__(self, texts: list[str], chars: CharIds) -> None:
        self.lengths = np.array([len(t) for t in texts], dtype=np.intp)
        pad = "\0" * REACH
        joined = pad + (pad + pad).join(texts) + pad
        codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        normalised = chars.normalised(codes)
        self.text = normalised.tobytes().decode("utf-32-le", "surrogatepass")
        self.size = len(codes)
        self.cids = chars.ids(normalised)
        self.starts = np.cumsum(self.lengths + 2 * REACH) - self.lengths - REACH
        self.ends = self.starts + self.lengths
        if len(texts) == 1:
            self.cids[:REACH] = PAD_START
            self.cids[self.size - REACH :] = PAD_END
        else:
            for d in range(1, REACH + 1):
                self.cids[self.starts - d] = PAD_START
                self.cids[self.ends + d - 1] = PAD_END

    @property
    def rows(self) -> int:
        """The number of positions a column covers (the texts' characters plus the padding between texts)."""
        return self.size - 2 * REACH

    def window(self, values: np.ndarray, offset: int) -> np.ndarray:
        """``values`` (one per position) at ``offset`` from each position a column covers."""
        return values[REACH + offset : self.size - REACH + offset]

    def split(self, columns: np.ndarray) -> list[np.ndarray]:
        """``columns`` (templates × :attr:`rows`) as one (characters × templates) matrix per text."""
        if len(self.lengths) <= 1:
            return [np.ascontiguousarray(columns.T)] if len(self.lengths) else []
        keep = np.ones(self.rows, dtype=bool)
        between = np.concatenate([self.ends[:-1] + d for d in range(2 * REACH)]) - REACH
        keep[between] = False
        matrix = np.ascontiguousarray(columns[:, keep].T)
        return np.split(matrix, np.cumsum(self.lengths)[:-1])


class KeyIndex:
    """Dense indices of a set of integer keys (sorted): :meth:`find` maps keys to them, absent keys to :attr:`absent`
    (== the number of keys), so that a table over the indices ends with the value for 'absent'."""

    def __init__(self, keys: Iterable[int]) -> None:
        self.keys = np.array([*sorted(set(keys)), _SENTINEL], dtype=np.int64)
        self.absent = len(self.keys) - 1

    def find(self, keys: np.ndarray) -> np.ndarray:
        """The index of every key, :attr:`absent` for keys not in the set."""
        at = np.searchsorted(self.keys, keys)
        return np.where(self.keys[at] == keys, at, self.absent)


def table(strings: Iterable[str | None], attributes: dict[str, int], unknown: int) -> np.ndarray:
    """The attribute id of each string (``unknown`` for None or a string the model does not know)."""
    get = attributes.get
    return np.array([unknown if s is None else get(s, unknown) for s in strings], dtype=np.intp)


T = TypeVar("T")
_cache: dict[tuple[int, str], tuple[Any, Any, Any]] = {}


def cached(model: Any, kind: str, build: Callable[[Any], T], depends: Any = None) -> T:
    """The tables ``build(model)`` made for ``model`` (kept while the model lives, rebuilt when ``depends`` is a
    different object, e.g. a newly loaded cluster table)."""
    key = (id(model), kind)
    entry = _cache.get(key)
    if entry is not None and entry[0]() is model and entry[1] is depends:
        return entry[2]
    tables = build(model)
    try:
        ref: Callable[[], Any] = weakref.ref(model)
        weakref.finalize(model, _cache.pop, key, None)
    except TypeError:  # a model that cannot be referenced weakly is kept alive by the cache, so its id stays its own
        ref = lambda: model  # noqa: E731
    _cache[key] = (ref, depends, tables)
    return tables
