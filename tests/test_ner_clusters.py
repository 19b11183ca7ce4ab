"""Character clusters from unlabelled text (kg.nlp.tag.clusters) and their use by the stacked tagger lac_crf."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.errors import ExtractionError
from kg.nlp.tag import clusters, crf, lac, lac_crf

# Real news-style sentences: surnames, place names and organization heads recur in the same contexts.
SMALL_TEXT = [
    "国务院总理李克强在北京会见了来访的法国总统。",
    "外交部发言人王毅在上海表示，中国愿与各国合作。",
    "全国人大常委会委员长张德江在天津考察。",
    "国家主席习近平在广州会见了美国国务卿。",
    "商务部部长刘鹤在深圳出席了论坛。",
    "北京市市长陈吉宁在南京访问。",
    "教育部副部长赵明在杭州调研。",
    "公安部部长郭声琨在重庆视察。",
] * 4

SMALL = clusters.ClusterSettings(min_count=2, contexts=40, dimensions=8, granularities=(3, 6, 12), kmeans_rounds=10,
                                 bigram_min_count=8, bigram_granularities=(2, 4))


def test_building_is_deterministic_and_covers_frequent_characters() -> None:
    first = clusters.dumps(clusters.build(SMALL_TEXT, SMALL))
    second = clusters.dumps(clusters.build(list(SMALL_TEXT), SMALL))
    assert first == second
    table = clusters.build(SMALL_TEXT, SMALL)
    assert {"在", "部", "长", "京"} <= set(table)
    assert all(len(ids) == 3 for unit, ids in table.items() if len(unit) == 1)
    # Bigrams seen at least 8 times (部长 4 × 3) get two ids; rarer ones none.
    assert len(table["部长"]) == 2 and "刘鹤" not in table
    assert not clusters.build(SMALL_TEXT, SMALL.__class__(**{**SMALL.__dict__, "bigram_min_count": 100})).get("部长")
    # Ids are renumbered from the most frequent character's cluster: the coarsest level uses at most 3 ids.
    chars = [ids for unit, ids in table.items() if len(unit) == 1]
    assert {ids[0] for ids in chars} <= {"0", "1", "2"}
    assert len({ids[2] for ids in chars}) > len({ids[0] for ids in chars})


def test_a_written_table_reads_back(tmp_path: Path) -> None:
    table = clusters.build(SMALL_TEXT, SMALL)
    path = tmp_path / clusters.TABLE_NAME
    clusters.write(table, path)
    assert clusters.read(path) == table
    bad = tmp_path / "bad.tsv"
    bad.write_text("国务院\t1\n", encoding="utf-8")
    with pytest.raises(ExtractionError):
        clusters.read(bad)
    with pytest.raises(ExtractionError):
        clusters.use_table(tmp_path / "missing.tsv")


def test_shipped_table_groups_characters_by_their_use() -> None:
    table = clusters.table()
    assert 3000 < sum(1 for unit in table if len(unit) == 1) < 10000
    assert 5000 < sum(1 for unit in table if len(unit) == 2) < 20000
    assert crf.model_path(clusters.TABLE_NAME).stat().st_size < 300_000
    finest = {ch: ids[-1] for ch, ids in table.items()}
    middle = {ch: ids[1] for ch, ids in table.items()}
    # Common surnames share one cluster, transliteration characters another, and neither is the other's.
    assert middle["王"] == middle["张"] == middle["李"] == middle["刘"]
    assert middle["斯"] == middle["尔"] == middle["克"]
    assert middle["王"] != middle["斯"]
    assert finest["市"] != finest["王"]


def test_features_carry_cluster_ids_of_the_character_and_its_neighbours() -> None:
    text = "王毅在北京"
    table = clusters.table()
    rows = lac_crf.features(text, lac_crf.lac_marks(text, lac.analyse(text)))
    coarse, middle, fine = table["在"]
    expected = {
        f"U0:{coarse}", f"V0:{middle}", f"W0:{fine}", f"V-1:{table['毅'][1]}", f"V1:{table['北'][1]}",
        f"U-2:{table['王'][0]}", f"U2:{table['京'][0]}", f"W-1:{table['毅'][2]}", f"W1:{table['北'][2]}",
        # Neighbour pairs: the 256-level ids of (-1, 0) and (0, +1) joined.
        f"Vp{table['毅'][1]}|{middle}", f"Vn{middle}|{table['北'][1]}",
    }
    assert expected <= set(rows[2])
    assert {"U-2:^", "U-1:^", "V-1:^", "W-1:^", "Bp0:^", "Bp1:^"} <= set(rows[0])
    assert {"U2:$", "V1:$", "Bn0:$", "Bn1:$"} <= set(rows[-1]) and f"Vn{table['京'][1]}|$" in rows[-1]
    # Bigram clusters at 256 and 1,024: 北京 is frequent enough to have them, and it is the bigram starting at 北 and
    # ending at 京.
    beijing = table["北京"]
    assert {f"Bn0:{beijing[0]}", f"Bn1:{beijing[1]}"} <= set(rows[3])
    assert {f"Bp0:{beijing[0]}", f"Bp1:{beijing[1]}"} <= set(rows[4])
    assert table["北京"][0] == table["上海"][0]
    # A character outside the table (never seen in the unlabelled text) has the unknown id; full-width forms are
    # looked up half-width, as the CRF's other features are.
    assert lac_crf.cluster_features("\U0002a6a5")[2] == ["U0:?"]
    assert lac_crf.cluster_features("Ａ") == lac_crf.cluster_features("A")
    assert all(column == [] for column in lac_crf.cluster_features(""))


def test_run_d_templates_are_the_shipped_seventeen() -> None:
    # 13 character templates (64 at -2..+2, 256 at -1..+1 and two neighbour pairs, 1,024 at -1..+1) + 4 bigram ones.
    assert len(lac_crf.CHAR_CLUSTER_FEATURES) == 13 and len(lac_crf.BIGRAM_CLUSTER_FEATURES) == 4
    templates = lac_crf.CHAR_CLUSTER_FEATURES
    assert [offsets for _p, level, offsets in templates if level == 0] == [(-2,), (-1,), (0,), (1,), (2,)]
    assert [offsets for _p, level, offsets in templates if level == 2] == [(-1,), (0,), (1,)]
    assert [(level, offsets) for _p, level, offsets in templates if len(offsets) == 2] == [(1, (-1, 0)), (1, (0, 1))]
    assert len({prefix for prefix, _l, _o in lac_crf.CHAR_CLUSTER_FEATURES + lac_crf.BIGRAM_CLUSTER_FEATURES}) == 17
    assert len(lac_crf.cluster_features("王毅在北京")) == 17


def test_metadata_records_how_the_table_was_built() -> None:
    meta = json.loads((crf.MODEL_DIR / lac_crf.METADATA_NAME).read_text(encoding="utf-8"))
    info = meta["clusters"]
    content = crf.model_path(clusters.TABLE_NAME).read_bytes()
    assert info["file"] == clusters.TABLE_NAME and info["bytes"] == len(content)
    import hashlib

    assert info["sha256"] == hashlib.sha256(content).hexdigest()
    assert set(info["text"]["sentences"]) == {"msra_ner_train", "peoples_daily_199801"}
    assert info["settings"]["granularities"] == list(clusters.ClusterSettings().granularities)
    # The shipped model was trained with the templates the code uses now.
    assert info["templates"]["characters"] == [[p, lv, list(o)] for p, lv, o in lac_crf.CHAR_CLUSTER_FEATURES]
    assert info["templates"]["bigrams"] == [list(t) for t in lac_crf.BIGRAM_CLUSTER_FEATURES]


@pytest.mark.data
@pytest.mark.slow
def test_the_table_rebuilds_from_the_shared_data(shared_data: Path) -> None:
    data = shared_data
    if not (data / "peoples_daily_199801").is_dir() or not (data / "msra_ner_train").is_dir():
        pytest.skip("../shared/data not found")
    from kg.nlp.tag.train import cluster_text

    texts, sources = cluster_text(data)
    meta = json.loads((crf.MODEL_DIR / lac_crf.METADATA_NAME).read_text(encoding="utf-8"))
    assert sources == meta["clusters"]["text"]["sentences"]
    assert clusters.dumps(clusters.build(texts)) == crf.model_path(clusters.TABLE_NAME).read_bytes()


def test_lac_crf_still_finds_the_sample_pages_key_entities() -> None:
    from .conftest import SAMPLE

    text = SAMPLE.read_text(encoding="utf-8")
    found = {(text[s:e], cls) for s, e, cls, _ in lac_crf.recognise(text, lac.analyse(text))}
    assert {("郝雪莲", "Person"), ("乌海市", "Place")} <= found, sorted(found)[:40]
