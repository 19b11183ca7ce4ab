"""numpy decoding of crfsuite models (kg.nlp.tag.linear_crf) against python-crfsuite itself."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pycrfsuite
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.errors import ExtractionError
from kg.nlp.tag import crf, lac, lac_crf, linear_crf
from kg.nlp.tag.linear_crf import LinearCRF
from kg.nlp.tag.pieces import pieces

from .conftest import SAMPLE
from .entities_helpers import TAGGER_SENTENCES


@pytest.fixture(scope="module")
def shipped() -> tuple[LinearCRF, object, list[str]]:
    """The shipped crf model both ways, and its attribute names in id order."""
    model = crf.loaded_model()
    names = sorted(model.attributes, key=model.attributes.__getitem__)
    return model, crf.reference_tagger(), names


def crfsuite_decode(tagger: object, rows: list[list[str]]) -> tuple[list[str], list[float]]:
    """python-crfsuite's best labels and their marginals for one sequence of feature rows."""
    tagger.set(rows)
    labels = tagger.tag()
    return labels, [tagger.marginal(label, t) for t, label in enumerate(labels)]


def ids_of(model: LinearCRF, rows: list[list[str]]) -> np.ndarray:
    """The id matrix of feature rows of any lengths: shorter rows padded with "" (an unknown attribute adds 0)."""
    width = max(map(len, rows), default=0)
    if not width:
        return np.zeros((len(rows), 0), dtype=np.intp)
    return model.column_ids([[row[j] if j < len(row) else "" for row in rows] for j in range(width)])


def assert_same(model: LinearCRF, tagger: object, sequences: list[list[list[str]]]) -> None:
    """Decoding ``sequences`` together gives crfsuite's labels and, to 1e-9, its marginals, sequence by sequence."""
    decoded = model.decode([ids_of(model, rows) for rows in sequences])
    for rows, (best, marginals) in zip(sequences, decoded, strict=True):
        if not rows:
            assert len(best) == len(marginals) == 0
            continue
        labels, reference = crfsuite_decode(tagger, rows)
        assert [model.labels[i] for i in best] == labels
        assert np.allclose(marginals, reference, rtol=0, atol=1e-9)


# Feature rows of random known attributes (by index into the model's names) and unknown strings.
ROW = st.lists(st.one_of(st.integers(0, 49_000), st.text(max_size=3)), max_size=14)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(ROW, max_size=90), min_size=1, max_size=5))
def test_decode_matches_crfsuite_on_random_feature_rows(shipped, sequences) -> None:
    model, tagger, names = shipped
    rows = [[[names[a % len(names)] if isinstance(a, int) else "?" + a for a in row] for row in seq]
            for seq in sequences]
    assert_same(model, tagger, rows)


def test_spans_and_scores_match_the_reference_on_real_text(monkeypatch) -> None:
    # every text through the integer ids and numpy, however short
    monkeypatch.setattr(crf, "NUMPY_FROM", 0)
    monkeypatch.setattr(lac_crf, "NUMPY_FROM", 0)
    monkeypatch.setattr(crf, "GROUP", 700)  # the sample page's pieces then go in several runs
    texts = [text for text, _ in TAGGER_SENTENCES] + [SAMPLE.read_text(encoding="utf-8")]
    for name, stacked in ((crf.MODEL_NAME, False), (lac_crf.MODEL_NAME, True)):
        tagger = crf.reference_tagger(name)
        for text in texts:
            marks = lac_crf.lac_marks(text, lac.analyse(text)) if stacked else []
            old = []
            for offset, piece in pieces(text, crf.MAX_CHUNK):
                rows = lac_crf.features(piece, marks[offset : offset + len(piece)]) if stacked else crf.features(piece)
                old.extend(crf.label_spans(tagger, rows, piece, offset))
            new = (lac_crf.recognise(text, lac.analyse(text)) if stacked else crf.recognise(text))
            assert new == crf.balance_brackets(text, old)
            assert new and all(isinstance(score, float) for *_, score in new)


def test_short_texts_go_through_crfsuite_and_long_ones_through_numpy(monkeypatch) -> None:
    def refused(*args: object) -> None:
        raise AssertionError("numpy path taken")

    monkeypatch.setattr(crf, "pieces_feature_ids", refused)
    monkeypatch.setattr(lac_crf, "pieces_feature_ids", refused)
    short = "新华社北京1月1日电，国务院总理李鹏在人民大会堂会见了日本客人。"
    assert len(short) < lac_crf.NUMPY_FROM <= crf.NUMPY_FROM
    assert ("北京", "Place") in {(short[s:e], cls) for s, e, cls, _ in crf.recognise(short)}
    assert ("李鹏", "Person") in {(short[s:e], cls) for s, e, cls, _ in lac_crf.recognise(short, lac.analyse(short))}
    long = SAMPLE.read_text(encoding="utf-8")
    with pytest.raises(AssertionError, match="numpy path"):
        crf.recognise(long)
    with pytest.raises(AssertionError, match="numpy path"):
        lac_crf.recognise(long, lac.analyse(long))


@pytest.mark.parametrize(("chunk", "warm_up", "batch"), [(3, 1, 10_000), (16, 0, 10_000), (5, 2, 40), (64, 64, 1)])
def test_other_chunkings_give_the_same_results(monkeypatch, shipped, chunk, warm_up, batch) -> None:
    # Short chunks and warm-ups make the chunks disagree and run again from their neighbours; tiny batches decode
    # piece by piece. The results must not change.
    model, tagger, _ = shipped
    text = SAMPLE.read_text(encoding="utf-8")[:2500]
    cut = pieces(text, crf.MAX_CHUNK)
    sequences = [crf.features(piece) for _, piece in cut]
    expected = model.decode([model.column_ids(crf.feature_columns(piece)) for _, piece in cut])
    monkeypatch.setattr(linear_crf, "CHUNK", chunk)
    monkeypatch.setattr(linear_crf, "WARM_UP", warm_up)
    monkeypatch.setattr(linear_crf, "BATCH", batch)
    again = model.decode([model.column_ids(crf.feature_columns(piece)) for _, piece in cut])
    for (best, marginals), (best2, marginals2) in zip(expected, again, strict=True):
        assert np.array_equal(best, best2)
        assert np.allclose(marginals, marginals2, rtol=0, atol=1e-12)
    assert_same(model, tagger, sequences[:40])


def test_column_ids_look_strings_up_as_crfsuite_does(shipped) -> None:
    model, tagger, _ = shipped
    ids = model.column_ids([["a^", "zz-not-an-attribute", "a^\x00zz"], ["c民", "c民", "\x00"]])
    assert ids.shape == (3, 2)
    assert ids[0, 0] == model.attributes["a^"] and ids[1, 0] == model.unknown
    assert ids[2, 0] == model.attributes["a^"]  # crfsuite reads a string up to a NUL
    assert ids[2, 1] == model.unknown
    assert model.state_weights.shape == (model.unknown + 1, len(model.labels))
    assert not model.state_weights[model.unknown].any()
    labels, marginals = crfsuite_decode(tagger, [["a^\x00zz"]])
    (best, decoded), = model.decode([model.column_ids([["a^\x00zz"]])])
    assert [model.labels[best[0]]] == labels and abs(decoded[0] - marginals[0]) < 1e-12


def _tiny_model(path: Path) -> Path:
    """A model trained here on a few made-up sequences, symmetric in two labels so that decoding meets exact ties."""
    trainer = pycrfsuite.Trainer(verbose=False)
    for _ in range(3):
        trainer.append([["w=a"], ["w=b"], ["w=c"]], ["X", "Y", "O"])
        trainer.append([["w=a"], ["w=b"], ["w=c"]], ["Y", "X", "O"])
        trainer.append([["w=d"], ["w=c"]], ["O", "O"])
    trainer.set_params({"c1": 0.0, "c2": 0.01, "max_iterations": 50})
    trainer.train(str(path))
    return path


def test_a_small_trained_model_loads_exactly_and_decodes_as_crfsuite(tmp_path) -> None:
    path = _tiny_model(tmp_path / "tiny.model")
    model = LinearCRF.load(path)
    tagger = pycrfsuite.Tagger()
    tagger.open(str(path))
    info = tagger.info()
    assert set(model.labels) == set(info.labels) and set(model.attributes) == set(info.attributes)
    for (attribute, label), weight in info.state_features.items():
        assert model.state_weights[model.attributes[attribute], model.labels.index(label)] == pytest.approx(weight,
                                                                                                          abs=1e-6)
    for (before, after), weight in info.transitions.items():
        assert model.transitions[model.labels.index(before), model.labels.index(after)] == pytest.approx(weight,
                                                                                                       abs=1e-6)
    x, y = model.labels.index("X"), model.labels.index("Y")
    assert model.transitions[x, y] == model.transitions[y, x]  # X and Y tie: crfsuite keeps the first maximum
    sequences = [[["w=a"], ["w=b"], ["w=c"]], [["w=?"]] * 40, [["w=a"]] * 7, [[]], [["w=c"], ["w=d"]] * 20]
    assert_same(model, tagger, sequences)


def test_damaged_or_missing_model_files_are_reported(tmp_path) -> None:
    with pytest.raises(ExtractionError):
        LinearCRF.load(tmp_path / "missing.model")
    broken = tmp_path / "broken.model"
    broken.write_bytes(b"not a model at all, just some bytes to read" * 3)
    with pytest.raises(ExtractionError):
        LinearCRF.load(broken)
    with pytest.raises(ExtractionError):
        crf.use_model(tmp_path / "missing.model", "missing.model")


def test_empty_input() -> None:
    model = crf.loaded_model()
    assert model.decode([]) == []
    (best, marginals), = model.decode([model.column_ids(crf.feature_columns(""))])
    assert len(best) == len(marginals) == 0
