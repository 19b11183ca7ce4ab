"""A linear-chain CRF read from a crfsuite model file, scored and decoded with numpy.

python-crfsuite spends most of its tagging time turning feature strings into attribute ids and decoding one sentence
per call. Here the model's weights are read straight from the crfsuite file (``crf1d`` format: a feature table, and
label and attribute dictionaries in CQDB form), feature strings become ids with one dictionary look-up each (or come
as ids already), and all pieces of an article are decoded in one call.

Decoding must give crfsuite's results: the same best label sequences, and marginals equal to about 1e-13 (they are
kept rounded to 4 decimals). Viterbi and forward–backward are sequential in time, which a per-position numpy loop
makes slow when an article has few pieces. So every piece is cut into chunks of :data:`CHUNK` positions that run
side by side:

- Viterbi: each chunk starts :data:`WARM_UP` positions early from an arbitrary state. A CRF's best paths forget where
  they started within a few characters (after a full stop every label's best path runs through ``O``), so the scores
  a chunk reaches at its first position nearly always equal, up to a constant, those its neighbour ends with. That
  is checked, and a chunk that disagrees runs again from its neighbour's scores until all agree. The best path is
  then followed back through the back-pointers inside every chunk from each possible last label, and from chunk to
  chunk. Each decision on it must win by a margin far above the rounding that summing in another order can cause; a
  piece with a closer call (ties included) is decoded again exactly as crfsuite does, position by position.
- Forward–backward forgets far more slowly, so it is exact instead: each chunk's transfer matrix (its positions'
  factors and transitions multiplied out) carries the forward and backward vectors from chunk to chunk within a
  piece, and then each chunk carries its entering vectors through its own positions.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from itertools import chain, repeat
from pathlib import Path

import numpy as np

from kg.errors import ExtractionError

# Positions per chunk, and how many positions before (forward) or after (backward) a chunk it starts.
CHUNK = 16
WARM_UP = 12
# Agreement asked of a chunk's starting Viterbi scores with its neighbour's: up to a constant, to this fraction of
# their size.
SCORE_AGREEMENT = 1e-12
# A best-path decision won by less than this fraction of the scores' size is re-decoded exactly.
CLOSE_CALL = 1e-9
# Positions decoded in one go: the back-pointer search and the step matrices hold labels² numbers per position.
BATCH = 4096

_HEADER = struct.Struct("<4sI4sI8I")
_CQDB_HEADER = struct.Struct("<4sIIIII")
_FEATURE = np.dtype([("type", "<u4"), ("src", "<u4"), ("dst", "<u4"), ("weight", "<f8")])
_STATE, _TRANSITION = 0, 1


def _cqdb_strings(data: bytes, offset: int) -> list[str]:
    """The strings of the CQDB (constant quark database) at ``offset``, in id order, from its id → record table."""
    magic, _size, _flag, _order, count, table = _CQDB_HEADER.unpack_from(data, offset)
    if magic != b"CQDB":
        raise ExtractionError("not a crfsuite model: a string table is damaged")
    strings = []
    for record in struct.unpack_from(f"<{count}I", data, offset + table):
        _id, size = struct.unpack_from("<II", data, offset + record)
        start = offset + record + 8
        strings.append(data[start : start + size - 1].decode("utf-8"))  # size counts the closing NUL
    return strings


@dataclass(frozen=True)
class LinearCRF:
    """A crfsuite ``crf1d`` model as arrays: per-attribute state weights and label-to-label transition weights."""

    labels: tuple[str, ...]
    attributes: dict[str, int]
    state_weights: np.ndarray
    transitions: np.ndarray

    @property
    def unknown(self) -> int:
        """The id of an attribute the model does not know (its row of :attr:`state_weights` is all zeros)."""
        return len(self.attributes)

    @classmethod
    def load(cls, path: str | Path) -> LinearCRF:
        """The model in the crfsuite file at ``path`` (as ``pycrfsuite.Trainer.train`` writes it), weights exact."""
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise ExtractionError(f"cannot read the CRF model {path}: {exc}") from exc
        try:
            if len(data) < _HEADER.size:
                raise ExtractionError(f"{path} is not a crfsuite model")
            magic, _size, kind, _version, _features, n_labels, n_attrs, at_features, at_labels, at_attrs, _lr, _ar = (
                _HEADER.unpack_from(data, 0)
            )
            if magic != b"lCRF" or kind != b"FOMC":
                raise ExtractionError(f"{path} is not a crfsuite crf1d model")
            chunk, _chunk_size, count = struct.unpack_from("<4sII", data, at_features)
            if chunk != b"FEAT":
                raise ExtractionError(f"{path}: the feature table of the CRF model is damaged")
            labels = tuple(_cqdb_strings(data, at_labels))
            names = _cqdb_strings(data, at_attrs)
            if len(labels) != n_labels or len(names) != n_attrs:
                raise ExtractionError(f"{path}: the label or attribute table of the CRF model is damaged")
            features = np.frombuffer(data, dtype=_FEATURE, count=count, offset=at_features + 12)
            state = features[features["type"] == _STATE]
            moves = features[features["type"] == _TRANSITION]
            state_weights = np.zeros((n_attrs + 1, n_labels))
            state_weights[state["src"], state["dst"]] = state["weight"]
            transitions = np.zeros((n_labels, n_labels))
            transitions[moves["src"], moves["dst"]] = moves["weight"]
        except (struct.error, ValueError, IndexError) as exc:  # a truncated file, or bytes that are not UTF-8
            raise ExtractionError(f"{path}: the CRF model is damaged ({exc})") from exc
        return cls(labels, {name: i for i, name in enumerate(names)}, state_weights, transitions)

    def column_ids(self, columns: list[list[str]]) -> np.ndarray:
        """``(n_chars, n_templates)`` attribute ids of feature ``columns`` (one list of strings per template), unknown
        strings as :attr:`unknown`. Like crfsuite, a string is looked up only up to a NUL character in it."""
        if not columns:
            return np.zeros((0, 0), dtype=np.intp)
        n = len(columns[0])
        flat = list(chain.from_iterable(columns))
        get = self.attributes.get
        ids = np.fromiter(map(get, flat, repeat(self.unknown)), dtype=np.intp, count=len(flat))
        missing = np.flatnonzero(ids == self.unknown)
        if len(missing) and "\0" in "".join([flat[i] for i in missing]):
            for i in missing:
                ids[i] = get(flat[i].split("\0", 1)[0], self.unknown)
        return ids.reshape(len(columns), n).T

    def state_scores(self, ids: np.ndarray) -> np.ndarray:
        """``(n, n_labels)`` state scores of the rows of ``ids``: each row's attribute weights summed in column order,
        as crfsuite adds them (so that ties and near-ties come out exactly as crfsuite's)."""
        n, width = ids.shape
        if not width:
            return np.zeros((n, len(self.labels)))
        columns = np.ascontiguousarray(ids.T)
        scores = self.state_weights[columns[0]]
        rows = np.empty_like(scores)
        for column in columns[1:]:
            np.take(self.state_weights, column, axis=0, out=rows)
            scores += rows
        return scores

    def decode(self, ids: list[np.ndarray]) -> list[tuple[np.ndarray, np.ndarray]]:
        """For each piece's ``(n_i, n_templates)`` id matrix: its best label ids ``(n_i,)`` and the marginal
        probability of each of those labels ``(n_i,)``. Pieces are decoded together, up to :data:`BATCH` positions
        at a time (a longer piece alone)."""
        lengths = [len(piece) for piece in ids]
        results: list[tuple[np.ndarray, np.ndarray]] = []
        first = 0
        while first < len(ids):
            last, size = first + 1, lengths[first]
            while last < len(ids) and size + lengths[last] <= BATCH:
                size += lengths[last]
                last += 1
            results.extend(self._decode_batch(ids[first:last]))
            first = last
        return results

    def _decode_batch(self, ids: list[np.ndarray]) -> list[tuple[np.ndarray, np.ndarray]]:
        """:meth:`decode` for pieces decoded side by side."""
        lengths = np.array([len(piece) for piece in ids], dtype=np.intp)
        if not lengths.sum():
            return [(np.zeros(0, dtype=np.intp), np.zeros(0)) for _ in ids]
        width = max(piece.shape[1] for piece in ids)
        # Pieces with fewer templates are padded with unknown attributes, which add nothing.
        scores = self.state_scores(
            np.concatenate(
                [
                    np.pad(piece, ((0, 0), (0, width - piece.shape[1])), constant_values=self.unknown)
                    if piece.shape[1] < width
                    else piece
                    for piece in ids
                    if len(piece)
                ]
            )
        )
        best, probabilities = _Decoder(self, scores, lengths[lengths > 0]).run()
        bounds = np.cumsum(lengths)[:-1]
        return list(zip(np.split(best, bounds), np.split(probabilities, bounds), strict=True))

    def viterbi(self, scores: np.ndarray) -> np.ndarray:
        """The best label ids of one piece from its state ``scores``, computed position by position exactly as
        crfsuite does (same sums in the same order; the first label wins a tie)."""
        back = np.zeros(scores.shape, dtype=np.intp)
        current = scores[0].copy()
        for t in range(1, len(scores)):
            candidates = current[:, None] + self.transitions
            back[t] = candidates.argmax(axis=0)
            current = candidates.max(axis=0) + scores[t]
        path = np.empty(len(scores), dtype=np.intp)
        path[-1] = current.argmax()
        for t in range(len(scores) - 1, 0, -1):
            path[t - 1] = back[t, path[t]]
        return path


class _Decoder:
    """Chunked Viterbi and forward–backward over the concatenated pieces of one :meth:`LinearCRF.decode` call.

    Arrays are label-major, ``(labels, positions)`` or ``(labels, chunks)``, so that numpy's inner loops run along
    the long axis."""

    def __init__(self, model: LinearCRF, scores: np.ndarray, lengths: np.ndarray) -> None:
        self.model = model
        self.n, self.n_labels = scores.shape
        # One extra column past the end: where steps beyond a chunk's last position read (score 0, factor 1).
        self.scores = np.concatenate([scores.T, np.zeros((self.n_labels, 1))], axis=1)
        # Forward-backward works on exp(scores), shifted per position (marginals do not change) so that a position's
        # largest factor is 1, and on products over at most `chunk` positions, which then stay within float range.
        self.factors = np.exp(self.scores - self.scores.max(axis=0))
        moves = np.exp(model.transitions)
        self.moves = np.stack([moves, moves.T])
        growth = np.abs(model.transitions).max() + np.log(self.n_labels)
        self.chunk = int(max(1, min(CHUNK, 600 // max(growth, 1.0))))
        self.piece_ends = np.cumsum(lengths)
        self.piece_starts = self.piece_ends - lengths
        counts = -(-lengths // self.chunk)
        self.piece_first = np.repeat(self.piece_starts, counts)
        self.piece_last = np.repeat(self.piece_ends, counts)
        self.index = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        self.from_end = np.repeat(counts, counts) - 1 - self.index
        self.start = self.piece_first + self.chunk * self.index
        self.end = np.minimum(self.start + self.chunk, self.piece_last)
        self.positions = np.arange(self.n)
        self.chunk_of = np.repeat(np.arange(len(self.start)), self.end - self.start)
        self.score = np.zeros((self.n_labels, self.n))  # Viterbi scores, each chunk's up to a constant
        self.warm = np.zeros((self.n_labels, len(self.start)))  # the scores each chunk started from
        self.stepping = model.transitions[:, :, None]  # [previous, next, 1]: one Viterbi step for many columns

    def _step(self, scores: np.ndarray) -> np.ndarray:
        """The best score of reaching each label from the ``(labels, columns)`` scores one position back."""
        return (scores[:, None, :] + self.stepping).max(axis=0)

    def run(self) -> tuple[np.ndarray, np.ndarray]:
        """Best labels and their marginals for every position of the concatenated pieces."""
        everything = np.arange(len(self.start))
        begin = np.maximum(self.start - max(WARM_UP, 1), self.piece_first)
        whole, factors = self._sweep(everything, begin, first=True)
        exact = begin == self.piece_first  # scored from the piece's start, exactly as crfsuite scores them
        again = np.flatnonzero(self._disagreeing(exact))
        while len(again):
            # Run these chunks on from their neighbours' scores: they then agree, unless a neighbour changes too.
            self._sweep(again, self.start[again], first=False)
            exact[again] = False
            again = np.flatnonzero(self._disagreeing(exact))
        table, last_labels = self._chunk_paths()
        entering, ends = self._chain(whole, last_labels)
        best = table[self.end[self.chunk_of] - 1 - self.positions, ends[self.chunk_of], self.chunk_of]
        best = self._checked(best)
        forward, backward = self._within_chunks(entering, factors)
        joint = forward * self.factors[:, : self.n] * backward
        return best, joint[best, self.positions] / joint.sum(axis=0)

    def _sweep(self, chunks: np.ndarray, begin: np.ndarray, first: bool) -> tuple[np.ndarray, np.ndarray]:
        """Viterbi over positions ``begin .. end`` of ``chunks`` side by side, keeping each chunk's scores for its own
        positions. In the ``first`` sweep every chunk starts at ``begin`` as crfsuite starts a sentence (at its
        piece's start, or a warm-up before its own start); a later sweep begins each chunk at its own start, one
        step on from the kept scores before it (a piece's first chunk excepted).

        The first sweep also returns, per chunk, the forward and the backward transfer matrix over the whole chunk
        (``(2, chunks, labels, labels)``) and the matrix of each step inside it (``(chunk, 2, chunks, labels,
        labels)``: forward from the start, backward from the end), for :meth:`_chain` and :meth:`_within_chunks`. Both
        transfer matrices come from one product ``Q = (D_a T)(D_a+1 T) … (D_b-2 T) D_b-1`` over the chunk's
        positions a … b-1 (``D_p``: the diagonal of position p's factors, ``T``: exp(transitions)): forward ``Q T``,
        backward ``(T Q)ᵀ``."""
        n_labels, chunk, k = self.n_labels, self.chunk, len(chunks)
        start, end = self.start[chunks], self.end[chunks]
        lengths = end - begin
        steps = int(lengths.max())
        step = np.arange(steps)[:, None]
        at = np.where(step < lengths, begin + step, self.n)  # (steps, chunks): the position of each step
        rows = self.scores[:, at].transpose(1, 0, 2).copy()  # (steps, labels, chunks)
        scores = np.empty_like(rows)
        scores[0] = rows[0]
        going_on = np.zeros(k, dtype=bool) if first else start > self.piece_first[chunks]
        if going_on.any():
            before = self.score[:, begin[going_on] - 1]
            self.warm[:, chunks[going_on]] = before
            scores[0][:, going_on] += self._step(before)
        if first:
            own = end - start
            inside = np.arange(chunk)[:, None] < own
            ahead = np.where(inside, start + np.arange(chunk)[:, None], self.n)
            behind = np.where(inside, end - 1 - np.arange(chunk)[:, None], self.n)
            factors = np.ascontiguousarray(
                np.stack([self.factors[:, ahead], self.factors[:, behind]]).transpose(2, 0, 3, 1)
            )
            # step_matrices[s, d, c] = D T (d = 0) or D Tᵀ (d = 1), D the diagonal of the factors of step s in chunk c
            step_matrices = factors[:, :, :, :, None] * self.moves[None, :, None]
            product = np.broadcast_to(np.eye(n_labels), (k, n_labels, n_labels))
            whole = np.empty((k, n_labels, n_labels))
            done = {int(s): np.flatnonzero(own - 1 == s) for s in np.unique(own - 1)}  # Q complete after s steps
            if 0 in done:
                whole[done[0]] = np.eye(n_labels)
        for s in range(1, max(steps, chunk if first else 0)):
            if s < steps:
                np.add(self._step(scores[s - 1]), rows[s], out=scores[s])
            if first and s < chunk:
                product = np.matmul(product, step_matrices[s - 1, 0])
                if s in done:
                    whole[done[s]] = product[done[s]]
        local = np.repeat(np.arange(k), end - start)
        owned = start[local] + np.arange(len(local)) - np.repeat(np.cumsum(end - start) - (end - start), end - start)
        self.score[:, owned] = scores[owned - begin[local], :, local].T
        warmed = begin < start
        self.warm[:, chunks[warmed]] = scores[(start - 1 - begin)[warmed], :, np.flatnonzero(warmed)].T
        if not first:
            return np.empty(0), np.empty(0)
        whole *= factors[0, 1][:, None, :]  # D_b-1: the factors of each chunk's last position
        transfers = np.stack([np.matmul(whole, self.moves[0]), np.matmul(whole.transpose(0, 2, 1), self.moves[1])])
        return transfers, step_matrices

    def _disagreeing(self, exact: np.ndarray) -> np.ndarray:
        """Chunks not ``exact`` whose scores at their first position, as their warm-up led to them, differ by more than
        a constant from those one step on from the scores their neighbour ends with."""
        bad = np.zeros(len(self.start), dtype=bool)
        check = np.flatnonzero(~exact & (self.start > self.piece_first))
        if len(check):
            stepped = self._step(self.score[:, self.start[check] - 1])
            difference = stepped - self._step(self.warm[:, check])
            size = 1.0 + np.abs(stepped).max(axis=0)
            bad[check] = difference.max(axis=0) - difference.min(axis=0) > SCORE_AGREEMENT * size
        return bad

    def _chunk_paths(self) -> tuple[np.ndarray, np.ndarray]:
        """Back-pointers followed inside every chunk from each label at its last position: ``table[s, e, c]`` is the
        label ``s`` positions before the end of chunk ``c`` on the best path that ends it with label ``e``, and
        ``last_labels[e, c]`` the label that path has just before the chunk (at the previous chunk's end)."""
        n_labels, k = self.n_labels, len(self.start)
        inner = np.ones(self.n, dtype=bool)
        inner[self.piece_starts] = False
        following = np.flatnonzero(inner)
        # The back-pointer of (p, j) is the first label l with the highest score[l, p - 1] + transitions[l, j]
        # (crfsuite keeps the first maximum): the largest of weights falling with l, taken among the maxima.
        candidates = self.score[:, None, following - 1] + self.stepping
        top = candidates.max(axis=0)
        weights = np.arange(n_labels, 0, -1, dtype=np.min_scalar_type(n_labels))[:, None, None]
        first = ((candidates == top) * weights).max(axis=0)  # small integers: far less memory to go through
        back = np.tile(np.arange(n_labels)[:, None], (1, self.n + 1))  # past a chunk's start: stay
        back[:, following] = n_labels - first
        table = np.empty((self.chunk, n_labels, k), dtype=np.intp)
        table[0] = np.arange(n_labels)[:, None]
        length = self.end - self.start
        steps = np.arange(1, self.chunk)[:, None]
        behind = np.where(steps < length, self.end - steps, self.n)  # the position whose back-pointers step s takes
        for s in range(1, self.chunk):
            table[s] = back[table[s - 1], behind[s - 1]]
        at_start = table[length - 1, :, np.arange(k)].T  # (labels, chunks)
        return table, back[at_start, self.start]

    def _chain(self, whole: np.ndarray, last_labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Chunk to chunk within each piece: the normalised forward and backward vectors entering each chunk, from the
        chunks' ``whole`` transfer matrices, and the label each chunk ends with on the best path, from the piece's
        best last label back through ``last_labels``. Pieces run side by side on a (piece, chunk) grid."""
        n_labels, k = self.n_labels, len(self.start)
        pieces = len(self.piece_starts)
        piece = np.repeat(np.arange(pieces), -(-(self.piece_ends - self.piece_starts) // self.chunk))
        width = int(self.index.max()) + 1
        # grid[0]: chunks in order, grid[1]: from the last; k (past every chunk) where a piece has fewer chunks
        grid = np.full((2, pieces, width), k)
        grid[0, piece, self.index] = np.arange(k)
        grid[1, piece, self.from_end] = np.arange(k)
        padded = np.concatenate([whole, np.broadcast_to(np.eye(n_labels), (2, 1, n_labels, n_labels))], axis=1)
        matrices = np.stack([padded[0, grid[0]], padded[1, grid[1]]])  # (2, pieces, width, labels, labels)
        vectors = np.empty((2, pieces, width, n_labels))
        vectors[:, :, 0] = 1.0 / n_labels
        labels = np.concatenate([last_labels, np.zeros((n_labels, 1), dtype=np.intp)], axis=1)
        ends = np.empty((pieces, width), dtype=np.intp)
        ends[:, 0] = self.score[:, self.piece_ends - 1].argmax(axis=0)
        for j in range(width - 1):
            carried = np.matmul(vectors[:, :, j, None, :], matrices[:, :, j])[:, :, 0]
            np.divide(carried, carried.sum(axis=2, keepdims=True), out=vectors[:, :, j + 1])
            ends[:, j + 1] = labels[ends[:, j], grid[1, :, j]]
        entering = np.stack([vectors[0, piece, self.index], vectors[1, piece, self.from_end]])
        return entering, ends[piece, self.from_end]

    def _within_chunks(self, entering: np.ndarray, step_matrices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(labels, positions)`` forward and backward vectors (a position's own factor left out of both): each
        chunk's ``entering`` vectors carried through it step by step with the ``step_matrices``."""
        vectors = np.empty((self.chunk, *entering.shape))
        vectors[0] = entering
        for s in range(1, self.chunk):
            vectors[s] = np.matmul(vectors[s - 1][:, :, None, :], step_matrices[s - 1])[:, :, 0]
        offset = self.positions - self.start[self.chunk_of]
        return (
            vectors[offset, 0, self.chunk_of].T,
            vectors[self.end[self.chunk_of] - 1 - self.positions, 1, self.chunk_of].T,
        )

    def _checked(self, best: np.ndarray) -> np.ndarray:
        """``best`` with every piece where a decision on the path (its last label, or a back-pointer followed) is won
        by too little to trust decoded again position by position, exactly as crfsuite decodes."""
        last = self.piece_ends - 1
        piece = np.repeat(np.arange(len(last)), self.piece_ends - self.piece_starts)
        inner = np.ones(self.n, dtype=bool)
        inner[self.piece_starts] = False
        following = np.flatnonzero(inner)
        close = self._margin(self.score[:, last], best[last]) <= 0
        taken = self.score[:, following - 1] + self.model.transitions[:, best[following]]
        close[piece[following[self._margin(taken, best[following - 1]) <= 0]]] = True
        for p in np.flatnonzero(close):
            lo, hi = self.piece_starts[p], self.piece_ends[p]
            best[lo:hi] = self.model.viterbi(self.scores[:, lo:hi].T)
        return best

    @staticmethod
    def _margin(values: np.ndarray, chosen: np.ndarray) -> np.ndarray:
        """Per column of ``(labels, columns)`` ``values``: by how much the ``chosen`` label beats every other, less
        the rounding a different order of summing could cause (negative: too close to trust, or not the best)."""
        columns = np.arange(values.shape[1])
        winner = values[chosen, columns]
        rest = values.copy()
        rest[chosen, columns] = -np.inf
        return winner - rest.max(axis=0) - CLOSE_CALL * (1.0 + np.abs(winner))
