"""Integer feature ids (crf.feature_ids, lac_crf.feature_ids) equal the model's ids of the feature strings.

The strings (crf.feature_columns, lac_crf.feature_columns) are the reference: every id must be what the model's
attribute dictionary gives for the string in the same row and column."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.feature_ids_check import load_model
from kg.errors import ExtractionError
from kg.nlp.tag import clusters, crf, featids, lac, lac_crf
from kg.nlp.tag.pieces import pieces

from .conftest import SAMPLE

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Characters that exercise the corner cases: the padding's ^ and $, the | of joined features, the cluster table's
# padding and unknown marks (\x01 \x02 ?), full-width forms and their half-width twins, brackets, digits of several
# kinds, emoji and characters outside the Basic Multilingual Plane, a lone surrogate, control characters, generic
# name endings and place names.
SPECIAL = list(
    "^$|?\x00\x01\x02\x03\t\r\x7f\u200b\ufeff 　０９ＡＺａｚ％＋－／09AZaz%+-/，。、；：？！“”‘’（）《》〈〉【】「」『』—…·"
    ",.;:!\"'()[]<>〇零一二三四五六七八九十百千万亿两①²😀🇨🇳\U0002a6a5\U00020000\ud83d"
) + ["有限公司", "委员会", "自治区", "派出所", "内蒙古自治区", "赤峰市", "乌海市", "俄罗斯", "北京", "人大", "中心",
   "山西", "西安", "安徽", "陕西"]
COMMON = list("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产")
TEXT = st.lists(st.one_of(st.sampled_from(SPECIAL), st.sampled_from(COMMON), st.characters()), max_size=40).map(
    "".join
)


@pytest.fixture(scope="module")
def crf_model():
    return load_model(crf.MODEL_NAME)


@pytest.fixture(scope="module")
def lac_crf_model():
    return load_model(lac_crf.MODEL_NAME)


def _crf_expected(model, text: str) -> np.ndarray:
    return model.column_ids(crf.feature_columns(text)).reshape(len(text), crf.TEMPLATES)


def _lac_crf_expected(model, text: str, marks: list[str]) -> np.ndarray:
    return model.column_ids(lac_crf.feature_columns(text, marks)).reshape(len(text), lac_crf.TEMPLATES)


@PROPERTY
@given(text=TEXT)
def test_crf_ids_are_the_ids_of_the_strings(crf_model, text: str) -> None:
    ids = crf.feature_ids(text, crf_model)
    assert ids.shape == (len(text), crf.TEMPLATES)
    assert np.array_equal(ids, _crf_expected(crf_model, text))


@PROPERTY
@given(text=TEXT)
def test_lac_crf_ids_are_the_ids_of_the_strings(lac_crf_model, text: str) -> None:
    marks = lac_crf.lac_marks(text, lac.analyse(text))
    ids = lac_crf.feature_ids(text, marks, lac_crf_model)
    assert ids.shape == (len(text), lac_crf.TEMPLATES)
    assert np.array_equal(ids, _lac_crf_expected(lac_crf_model, text, marks))


KNOWN_MARKS = ["BPER", "MPER", "EPER", "SPER", "BLOC", "ELOC", "Sn", "Bn", "En", "Sw", "Sp", "x", "^", "$", "LBn"]


@PROPERTY
@given(data=st.data())
def test_lac_crf_ids_of_any_marks(lac_crf_model, data: st.DataObject) -> None:
    # Marks LAC never makes too: unknown tags, empty marks, and marks holding the | that joins two marks.
    text = data.draw(TEXT)
    mark = st.one_of(st.sampled_from(KNOWN_MARKS), st.text(st.sampled_from("BMESx|^$pn"), max_size=4))
    marks = data.draw(st.lists(mark, min_size=len(text), max_size=len(text)))
    ids = lac_crf.feature_ids(text, marks, lac_crf_model)
    assert np.array_equal(ids, _lac_crf_expected(lac_crf_model, text, marks))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(TEXT, max_size=6))
def test_pieces_at_once_are_each_piece_alone(crf_model, lac_crf_model, texts: list[str]) -> None:
    marks = [["Sn"] * len(text) for text in texts]
    batched = crf.pieces_feature_ids(texts, crf_model)
    assert [ids.shape for ids in batched] == [(len(text), crf.TEMPLATES) for text in texts]
    assert all(np.array_equal(a, crf.feature_ids(t, crf_model)) for a, t in zip(batched, texts, strict=True))
    batched = lac_crf.pieces_feature_ids(texts, marks, lac_crf_model)
    assert all(np.array_equal(a, lac_crf.feature_ids(t, m, lac_crf_model))
               for a, t, m in zip(batched, texts, marks, strict=True))


def test_sample_page_pieces(crf_model, lac_crf_model) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    marks = lac_crf.lac_marks(text, lac.analyse(text))
    cut = pieces(text, crf.MAX_CHUNK)
    piece_marks = [marks[offset : offset + len(piece)] for offset, piece in cut]
    ids = lac_crf.pieces_feature_ids([piece for _, piece in cut], piece_marks, lac_crf_model)
    for (_, piece), mark, found in zip(cut, piece_marks, ids, strict=True):
        assert np.array_equal(found, _lac_crf_expected(lac_crf_model, piece, mark)), piece
        assert np.array_equal(crf.feature_ids(piece, crf_model), _crf_expected(crf_model, piece)), piece
    # Most ids are known attributes: the ids are not all 'unknown' by accident.
    assert (np.concatenate(ids) != lac_crf_model.unknown).mean() > 0.7  # 0.83 measured


def test_same_strings_same_ids(crf_model, lac_crf_model) -> None:
    # A literal ^ before the text reads like the padding in the character templates (a–j) ...
    literal, padded = crf.feature_ids("^中国", crf_model), crf.feature_ids("中国", crf_model)
    assert literal[1, 1] == padded[0, 1] == crf_model.attributes["b^"]
    # ... but not in the class pattern (k), where the padding has a class of its own (^ in the text is O).
    assert literal[1, 10] == crf_model.attributes["kOHH"] != padded[0, 10] == crf_model.attributes["k^HH"]
    # Full-width forms read as their half-width twins.
    assert np.array_equal(crf.feature_ids("ＡＢ１９９７年", crf_model), crf.feature_ids("AB1997年", crf_model))
    marks = ["Sn"] * 7
    assert np.array_equal(lac_crf.feature_ids("ＡＢ１９９７年", marks, lac_crf_model),
                          lac_crf.feature_ids("AB1997年", marks, lac_crf_model))


def test_overlapping_place_names(lac_crf_model) -> None:
    # 山西 and 西安 both cover 西, 西安 and 安徽 both cover 安: the first name found keeps a character (山西安徽 reads
    # B E E E), as crf.place_marks has it.
    for text in ("山西安徽", "江西安徽省", "陕西安康", "去了山西安徽和广西安"):
        marks = ["Sn"] * len(text)
        assert np.array_equal(lac_crf.feature_ids(text, marks, lac_crf_model),
                              _lac_crf_expected(lac_crf_model, text, marks)), text


def test_the_tables_cover_every_template() -> None:
    # The id tables follow the templates: a template added to the strings needs its table (the properties above
    # would fail too, this says why).
    assert len(crf.feature_columns("北京")) == crf.TEMPLATES
    assert len(lac_crf.feature_columns("北京", ["BLOC", "ELOC"])) == lac_crf.TEMPLATES
    # Generic endings and known place names are found from a bigram, so none is shorter.
    assert min(len(word) for word in crf.PLACE_ENDINGS + crf.ORG_ENDINGS) >= 2
    assert min(len(name) for name in crf.place_names()) >= 2


def test_character_ids_inside_and_outside_the_basic_plane() -> None:
    chars = featids.CharIds(["a", "中", "😀", "\U00020000"], {0xFF21: "A"})
    text = "a中😀b\U00020000Ａ\U0002a6a5"
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    known = [chars.id_of[ch] for ch in ("a", "中", "😀", "\U00020000", "A")]
    other = featids.OTHER
    assert chars.ids(chars.normalised(codes)).tolist() == [*known[:3], other, known[3], known[4], other]
    assert len(set(known)) == 5 and min(known) >= featids.FIRST_CHAR


def test_empty_text_and_mismatched_marks(crf_model, lac_crf_model) -> None:
    assert crf.feature_ids("", crf_model).shape == (0, crf.TEMPLATES)
    assert lac_crf.feature_ids("", [], lac_crf_model).shape == (0, lac_crf.TEMPLATES)
    assert crf.pieces_feature_ids([], crf_model) == []
    with pytest.raises(ExtractionError):
        lac_crf.feature_ids("北京", ["Sn"], lac_crf_model)
    with pytest.raises(ExtractionError):
        lac_crf.pieces_feature_ids(["北京", "上海"], [["BLOC", "ELOC"]], lac_crf_model)


def test_tables_follow_a_new_cluster_table(lac_crf_model, tmp_path: Path) -> None:
    # Ids shift by one cluster in the new table: the tables are rebuilt, not reused.
    shipped = crf.model_path(clusters.TABLE_NAME)
    text = "国务院总理李克强在北京会见了来访的法国总统。"
    marks = lac_crf.lac_marks(text, lac.analyse(text))
    before = lac_crf.feature_ids(text, marks, lac_crf_model)
    table = {unit: tuple(str((int(i) + 1) % 64) for i in ids) for unit, ids in clusters.read(shipped).items()}
    clusters.write(table, tmp_path / clusters.TABLE_NAME)
    try:
        clusters.use_table(tmp_path / clusters.TABLE_NAME)
        after = lac_crf.feature_ids(text, marks, lac_crf_model)
        assert np.array_equal(after, _lac_crf_expected(lac_crf_model, text, marks))
        assert not np.array_equal(after, before)
    finally:
        clusters.use_table(shipped)
    assert np.array_equal(lac_crf.feature_ids(text, marks, lac_crf_model), before)
