"""One-character names of countries and regions in compounds (中美两国, 美方, 访华, 京津冀), never inside words."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.nlp.evaluate import read_examples, recognition_steps
from kg.model import Article, ArticleExtraction, text_hash
from kg.run import Settings

from .entities_helpers import extract, resolve


def singles(text: str, tagger: bool = True) -> list[tuple[str, str]]:
    """(character, ISO code or division code) of every one-character place mention."""
    return [(m.text, m.attrs.get("iso") or m.attrs.get("code", "")) for m in extract(text, tagger=tagger).mentions
            if m.end - m.start == 1]


@pytest.mark.parametrize("tagger", [True, False])
def test_coordinated_countries(tagger: bool) -> None:
    assert singles("中美两国元首举行会谈，中俄关系和中日韩合作也取得新进展。", tagger) == [
        ("中", "CN"), ("美", "US"), ("中", "CN"), ("俄", "RU"), ("中", "CN"), ("日", "JP"), ("韩", "KR")]


def test_sides_forces_visits_and_stays() -> None:
    found = singles("美方表示，俄方和日方将派团访华，驻华使节出席。代表团在京举行会议后赴港考察。")
    assert found == [("美", "US"), ("俄", "RU"), ("日", "JP"), ("华", "CN"), ("华", "CN"), ("京", "110000"),
                     ("港", "810000")]


def test_paired_characters_change_meaning() -> None:
    assert singles("港澳台同胞踊跃参加。") == [("港", "810000"), ("澳", "820000"), ("台", "710000")]
    assert singles("印巴冲突和巴以和谈受到关注。") == [("印", "IN"), ("巴", "PK"), ("巴", "PS"), ("以", "IL")]
    assert singles("中澳关系稳步发展。") == [("中", "CN"), ("澳", "AU")]


def test_province_runs() -> None:
    assert singles("推动京津冀协同发展，深化京蒙协作。") == [
        ("京", "110000"), ("津", "120000"), ("冀", "130000"), ("京", "110000"), ("蒙", "150000")]
    assert ("蒙", "MN") in singles("中蒙两国边境口岸货运繁忙。")  # beside 中, 蒙 is Mongolia


@pytest.mark.parametrize("tagger", [True, False])
@pytest.mark.parametrize("text", [
    "中心的美丽台阶上，日常生活很美好。",
    "其中美国的代表最多，他很中意这个方案，家庭美德建设。",
    "中美洲国家的代表来到巴黎，又去了加沙地区。",
    "英德市和黎川县的中老年人都来了。",
    "总统已表示同意政府辞职，生活质量提高了，对美的追求也越来越强。",
    "对美好生活的向往，在台上发言，在日前举行。",
])
def test_no_characters_inside_ordinary_words_or_names(text: str, tagger: bool) -> None:
    assert singles(text, tagger) == []


def test_a_longer_name_keeps_its_characters() -> None:
    extraction = extract("《中美联合声明》发表二十周年。")
    assert not any(m.end - m.start == 1 for m in extraction.mentions)


def test_abbreviations_resolve_to_the_full_entities() -> None:
    first = extract("美国总统将于下月访问中国。")
    second = extract("美方表示，中美两国应加强合作，总统将访华。")
    corpus = resolve(first, second)
    china = next(m.entity for m in first.mentions if m.text == "中国")
    usa = next(m.entity for m in first.mentions if m.text == "美国")
    assert {m.entity for m in second.mentions if m.text in {"中", "华"}} == {china}
    assert {m.entity for m in second.mentions if m.text == "美"} == {usa}
    assert {"美"} <= corpus.entities[usa].alt_labels


@pytest.mark.data
def test_one_character_places_agree_with_peoples_daily(shared_data: Path) -> None:
    path = shared_data / "peoples_daily_ner" / "example.test"
    if not path.is_file():
        pytest.skip("People's Daily NER test split not present")
    settings = Settings()
    steps = recognition_steps(settings.ner, settings, with_rules=True)
    right = found = 0
    for number, example in enumerate(read_examples(path)):
        if number >= 2000:
            break
        extraction = ArticleExtraction(article=Article(id=text_hash(example.text), document_id="t", index=0,
                                                       text=example.text))
        for step in steps:
            extraction = step(extraction, settings)
        gold = {(start, end) for start, end, cls in example.spans if cls == "Place"}
        for mention in extraction.mentions:
            if mention.end - mention.start == 1:
                found += 1
                right += (mention.start, mention.end) in gold
    assert found > 60
    assert right / found >= 0.95
