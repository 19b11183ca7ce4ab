"""Distributional character clusters learnt from unlabelled news text, read by the stacked tagger's CRF.

Every character seen often enough in the unlabelled text gets a vector from its neighbours: counts of the characters
at -2, -1, +1 and +2 (kept apart, so 在 before and 在 after are different contexts), turned into positive PMI
(context frequencies smoothed by the power 0.75) and reduced by a seeded randomized SVD. k-means (cosine, k-means++
seeded, a fixed number of rounds) groups those vectors at several granularities: characters that occur in similar
contexts — surname characters, characters of transliterated foreign names, place-name endings — share a cluster id,
which lets the CRF generalise from a character it saw in training to one it saw rarely or never with a label.

The table is built by :func:`build` (``python bench/train_ner.py`` rebuilds it before training) and shipped as
``kg/data/ner/char_clusters.tsv``: one line per character, ``char<TAB>id<TAB>id…`` (one id per granularity), sorted
by character. Same text and settings → the same bytes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from kg.errors import ExtractionError
from kg.nlp.tag import crf

TABLE_NAME = "char_clusters.tsv"
UNKNOWN = "?"  # the id of a character outside the table (too rare in the unlabelled text)
BOUNDARY = "\x00"  # sentence boundary, a context of its own


@dataclass(frozen=True)
class ClusterSettings:
    """How the clusters are learnt (recorded in the model's metadata)."""

    min_count: int = 5  # characters seen fewer times get no cluster
    contexts: int = 2000  # most frequent characters used as contexts, at each of the four offsets
    window: int = 2
    dimensions: int = 100
    granularities: tuple[int, ...] = (64, 256, 1024)
    bigram_min_count: int = 50  # character bigrams seen this often get clusters too
    bigram_granularities: tuple[int, ...] = (256, 1024)
    kmeans_rounds: int = 30
    seed: int = 1998
    smoothing: float = 0.75


def _vectors(sentences: list[str], settings: ClusterSettings) -> tuple[list[str], Any]:
    """The table's characters (by falling frequency, then code point) and their L2-normalised SVD vectors."""
    import numpy as np

    counts = Counter(ch for sentence in sentences for ch in sentence)
    ranked = sorted(counts, key=lambda ch: (-counts[ch], ch))
    vocabulary = [ch for ch in ranked if counts[ch] >= settings.min_count]
    contexts = [BOUNDARY, *ranked[: settings.contexts]]
    target_id = {ch: i for i, ch in enumerate(vocabulary)}
    context_id = {ch: i for i, ch in enumerate(contexts)}
    pad = BOUNDARY * settings.window
    stream = pad + pad.join(sentences) + pad
    # -1 marks a character that is neither a target nor a context; boundary padding separates sentences.
    targets = np.fromiter((target_id.get(ch, -1) for ch in stream), dtype=np.int64, count=len(stream))
    context_ids = np.fromiter((context_id.get(ch, -1) for ch in stream), dtype=np.int64, count=len(stream))
    offsets = [d for d in range(-settings.window, settings.window + 1) if d]
    n_targets, n_contexts = len(vocabulary), len(contexts)
    blocks = []
    for d in offsets:
        lo, hi = settings.window, len(stream) - settings.window
        t, c = targets[lo:hi], context_ids[lo + d : hi + d]
        keep = (t >= 0) & (c >= 0)
        block = np.bincount(t[keep] * n_contexts + c[keep], minlength=n_targets * n_contexts)
        blocks.append(block.reshape(n_targets, n_contexts).astype(np.float64))
    matrix = np.concatenate(blocks, axis=1)
    row = matrix.sum(axis=1, keepdims=True)
    column = matrix.sum(axis=0, keepdims=True) ** settings.smoothing
    column /= column.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        pmi = np.log(matrix / row / column)
    ppmi = np.where(np.isfinite(pmi) & (pmi > 0), pmi, 0.0)
    return vocabulary, _reduce(ppmi, settings)


def _reduce(ppmi: Any, settings: ClusterSettings) -> Any:
    """L2-normalised rows of ``ppmi`` reduced to ``settings.dimensions`` by a seeded randomized SVD (Halko et al.
    2011; two power rounds are plenty at this size)."""
    import numpy as np

    rng = np.random.default_rng(settings.seed)
    k = min(settings.dimensions, ppmi.shape[0] - 1, ppmi.shape[1] - 1)
    sketch = ppmi @ rng.standard_normal((ppmi.shape[1], k + 20))
    for _ in range(2):
        sketch, _r = np.linalg.qr(sketch)
        sketch = ppmi @ (ppmi.T @ sketch)
    basis, _r = np.linalg.qr(sketch)
    small_u, singular, _vt = np.linalg.svd(basis.T @ ppmi, full_matrices=False)
    vectors = (basis @ small_u[:, :k]) * np.sqrt(singular[:k])
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms > 0, norms, 1.0)


def _bigram_vectors(sentences: list[str], settings: ClusterSettings) -> tuple[list[str], Any]:
    """The frequent character bigrams (by falling frequency, then code points) and their vectors, learnt like the
    characters' from the characters at -2, -1 before and +1, +2 after the bigram. The matrix is ten times the
    characters', so it is built in float32."""
    import numpy as np

    chars = Counter(ch for sentence in sentences for ch in sentence)
    ranked = sorted(chars, key=lambda ch: (-chars[ch], ch))
    contexts = [BOUNDARY, *ranked[: settings.contexts]]
    context_id = {ch: i for i, ch in enumerate(contexts)}
    counts = Counter(s[i : i + 2] for s in sentences for i in range(len(s) - 1))
    vocabulary = sorted((b for b, c in counts.items() if c >= settings.bigram_min_count), key=lambda b: (-counts[b], b))
    if not vocabulary:
        return [], None
    target_id = {b: i for i, b in enumerate(vocabulary)}
    pad = BOUNDARY * 2
    stream = pad + pad.join(sentences) + pad
    n = len(stream)
    targets = np.fromiter((target_id.get(stream[i : i + 2], -1) for i in range(n - 1)), dtype=np.int64, count=n - 1)
    context_ids = np.fromiter((context_id.get(ch, -1) for ch in stream), dtype=np.int64, count=n)
    n_targets, n_contexts = len(vocabulary), len(contexts)
    blocks = []
    for d in (-2, -1, 2, 3):  # the bigram at i covers i and i + 1
        t, c = targets[2 : n - 4], context_ids[2 + d : n - 4 + d]
        keep = (t >= 0) & (c >= 0)
        block = np.bincount(t[keep] * n_contexts + c[keep], minlength=n_targets * n_contexts)
        blocks.append(block.reshape(n_targets, n_contexts).astype(np.float32))
    matrix = np.concatenate(blocks, axis=1)
    del blocks
    row = matrix.sum(axis=1, keepdims=True)
    column = matrix.sum(axis=0, keepdims=True).astype(np.float64) ** settings.smoothing
    column = (column / column.sum()).astype(np.float32)
    with np.errstate(divide="ignore", invalid="ignore"):
        np.divide(matrix, row, out=matrix)
        np.divide(matrix, column, out=matrix)
        np.log(matrix, out=matrix)
    matrix[~np.isfinite(matrix) | (matrix < 0)] = 0.0
    return vocabulary, _reduce(matrix.astype(np.float64), settings)


def _kmeans(vectors: Any, k: int, rounds: int, seed: int) -> Any:
    """Cluster index of every row of ``vectors`` (unit length): spherical k-means from a seeded k-means++ start."""
    import numpy as np

    rng = np.random.default_rng(seed)
    n = len(vectors)
    k = min(k, n)
    chosen = [int(rng.integers(n))]
    nearest = 1.0 - vectors @ vectors[chosen[0]]
    for _ in range(1, k):
        weights = np.clip(nearest, 0.0, None) ** 2
        total = weights.sum()
        pick = int(rng.choice(n, p=weights / total)) if total > 0 else int(rng.integers(n))
        chosen.append(pick)
        nearest = np.minimum(nearest, 1.0 - vectors @ vectors[pick])
    centres = vectors[chosen].copy()
    assignment = np.argmax(vectors @ centres.T, axis=1)
    for _ in range(rounds):
        sums = np.zeros_like(centres)
        np.add.at(sums, assignment, vectors)
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        # An emptied cluster keeps its old centre rather than vanishing, so k stays fixed.
        centres = np.where(norms > 0, sums / np.where(norms > 0, norms, 1.0), centres)
        updated = np.argmax(vectors @ centres.T, axis=1)
        if np.array_equal(updated, assignment):
            break
        assignment = updated
    return assignment


def build(sentences: Iterable[str], settings: ClusterSettings | None = None) -> dict[str, tuple[str, ...]]:
    """Cluster ids of every character (one per granularity of ``settings``) and every character bigram (one per
    bigram granularity) seen often enough in ``sentences``.

    Ids are renumbered in order of the clusters' most frequent member, so they do not depend on k-means' numbering.
    """
    settings = settings or ClusterSettings()
    texts = [s for s in sentences if s]
    vocabulary, vectors = _vectors(texts, settings)
    table: dict[str, list[str]] = {ch: [] for ch in vocabulary}
    for level, k in enumerate(settings.granularities):
        assignment = _kmeans(vectors, k, settings.kmeans_rounds, settings.seed + level)
        renumber: dict[int, int] = {}
        for ch, cluster in zip(vocabulary, assignment.tolist(), strict=True):
            table[ch].append(str(renumber.setdefault(cluster, len(renumber))))
    bigrams, bigram_vectors = _bigram_vectors(texts, settings) if settings.bigram_granularities else ([], None)
    if bigrams:
        table.update({b: [] for b in bigrams})
        for level, k in enumerate(settings.bigram_granularities):
            assignment = _kmeans(bigram_vectors, k, settings.kmeans_rounds, settings.seed + 10 + level)
            renumber = {}
            for b, cluster in zip(bigrams, assignment.tolist(), strict=True):
                table[b].append(str(renumber.setdefault(cluster, len(renumber))))
    return {unit: tuple(ids) for unit, ids in table.items()}


def dumps(table: dict[str, tuple[str, ...]]) -> bytes:
    """The table file's bytes: ``unit<TAB>ids…`` lines (a character or a bigram) sorted by unit (units holding a tab,
    a newline or the boundary left out)."""
    lines = [
        "\t".join((unit, *ids))
        for unit, ids in sorted(table.items())
        if not any(ch in "\t\n\r" + BOUNDARY for ch in unit)
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def write(table: dict[str, tuple[str, ...]], path: Path) -> None:
    """Write ``table`` to ``path`` atomically."""
    from kg.runtime import atomic_write

    atomic_write(path, dumps(table))


def read(path: Path) -> dict[str, tuple[str, ...]]:
    """A table written by :func:`write`."""
    table = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
        if not line:
            continue
        unit, *ids = line.split("\t")
        if len(unit) not in (1, 2) or not ids:
            raise ExtractionError(f"{path}: line {number} is not 'character or bigram<TAB>cluster ids'")
        table[unit] = tuple(ids)
    return table


_tables: dict[str, dict[str, tuple[str, ...]]] = {}


def use_table(path: str | Path) -> None:
    """Read cluster ids from the table at ``path`` from now on (e.g. one just built) instead of the shipped one."""
    if not Path(path).is_file():
        raise ExtractionError(f"no character cluster table at {path}")
    _tables[TABLE_NAME] = read(Path(path))
    labelled.cache_clear()


def table() -> dict[str, tuple[str, ...]]:
    """The character cluster table, read from kg/data/ner on first use."""
    if TABLE_NAME not in _tables:
        shipped = crf.model_path(TABLE_NAME)
        if not shipped.is_file():
            raise ExtractionError(
                f"the character cluster table {TABLE_NAME} is missing from kg/data/ner; run `make train`"
            )
        _tables[TABLE_NAME] = read(shipped)
    return _tables[TABLE_NAME]


START, END = "\x01", "\x02"  # padding before and after a text in feature columns (never in cleaned text)


# The CRF's normalisation (full-width forms half-width), so that a unit is looked up as it was learnt.
normalise = crf.normalise


@cache
def labelled(size: int, level: int, prefix: str) -> dict[str, str]:
    """Unit of ``size`` characters → ``prefix`` + its cluster id at granularity ``level``: feature strings made once,
    so that extracting features is a dictionary look-up per character. :data:`START`, :data:`END` and
    :data:`UNKNOWN` map to ``prefix`` + ``^``, ``$`` and ``?``."""
    strings = {unit: prefix + ids[level] for unit, ids in table().items() if len(unit) == size and len(ids) > level}
    strings.update({START: prefix + "^", END: prefix + "$", UNKNOWN: prefix + UNKNOWN})
    return strings
