"""Text normalisation for analysis (kg.text.normalise): what the extractors read, and how spans find their way back.

The sentences here are written for these tests (they are no article's text)."""

from __future__ import annotations

import datetime as dt

import kg
from kg.model import Article, Sentence, Span, TextMap
from kg.text.normalise import normalise, normalise_article, simplified


def test_simplified_keeps_length_and_reads_ambiguous_characters_by_word() -> None:
    # 乾 is simplified 干 in 乾淨 (clean) but stays in 乾隆 (an era name): OpenCC's phrase table decides.
    text = "乾隆年間的乾淨河水與億元投資"
    assert simplified(text) == "乾隆年间的干净河水与亿元投资"
    assert len(simplified(text)) == len(text)


def test_pinyin_gloss_dropped_and_offsets_map_back() -> None:
    text = "他在達(dá)茂旗工作"
    analysis, offsets = normalise(text)
    assert analysis == "他在达茂旗工作"
    text_map = TextMap(text, offsets)
    start = analysis.index("达茂旗")
    span = text_map.to_original(Span(start, start + 3))
    assert text[span.start : span.end] == "達(dá)茂旗"  # the gloss inside the name stays inside its span
    assert text_map.surface(span) == "達茂旗"  # the name as printed, without the gloss
    assert text_map.to_analysis(Span(0, len(text))) == Span(0, len(analysis))


def test_gloss_rules_keep_what_is_not_a_pinyin_gloss() -> None:
    # Capitalised glosses and acronyms say something of their own; toneless lowercase only inside a word.
    for text in ("北京(Beijing)的会议", "世界贸易组织(WTO)成员", "价格(yuan)，", "记者(ab"):
        assert normalise(text) == (text, None)
    assert normalise("县(xian)城")[0] == "县城"
    assert normalise("包头(bāo tóu)市")[0] == "包头市"


def test_widths_zero_width_and_corner_brackets() -> None:
    analysis, offsets = normalise("ＡＢＣ公司\u200b投资１２亿元｡｢好｣")
    assert analysis == "ABC公司投资12亿元。“好”"
    assert offsets is not None and len(offsets) == len(analysis) + 1


def test_stage_leaves_normal_text_untouched() -> None:
    article = Article("a", "d", 0, "内蒙古自治区包头市", sentences=[Sentence(0, Span(0, 9))])
    assert normalise_article(article).analysis is None


def test_stage_moves_sentences_into_the_analysis_text() -> None:
    text = "甲(jiǎ)乙。丙丁。"
    article = Article("a", "d", 0, text, sentences=[Sentence(0, Span(0, 8)), Sentence(1, Span(8, 11))])
    normalise_article(article)
    assert article.text == "甲乙。丙丁。"
    assert [s.span for s in article.sentences] == [Span(0, 3), Span(3, 6)]


def test_build_reads_traditional_text_and_points_into_it(tmp_path) -> None:
    source = tmp_path / "page.txt"
    source.write_text(
        "本報訊　５月１２日，達(dá)爾罕茂明安聯合旗人民政府與一家公司在百靈廟鎮簽署合作協議，旗長張建國出席。\n",
        encoding="utf-8",
    )
    corpus = kg.extract([source], kg.Settings(date=dt.date(2024, 5, 13)))
    article = corpus.extractions[0].article
    # the article keeps its own text (script and gloss); 本報訊 is a credit, cut as 本报讯 is
    assert article.text.startswith("5月12日，達(dá)爾罕茂明安聯合旗")
    mentions = [m for m in corpus.extractions[0].mentions]
    assert mentions and all(article.text[m.start : m.end] == m.text for m in mentions)
    by_text = {m.text: m for m in mentions}
    body = by_text["達(dá)爾罕茂明安聯合旗人民政府"]  # found through the analysis text, gloss and all
    entity = corpus.entities[body.entity]
    assert entity.label == "達爾罕茂明安聯合旗人民政府"  # the article's script, without the gloss
    assert "达尔罕茂明安联合旗人民政府" in entity.alt_labels  # and the simplified form
    town = corpus.entities[by_text["百靈廟鎮"].entity]
    assert town.attrs.get("code", "").startswith("150223")  # linked through its simplified form
    person = corpus.entities[by_text["張建國"].entity]
    assert person.label == "張建國" and "张建国" in person.alt_labels


def test_quantities_keep_the_printed_wording(tmp_path) -> None:
    source = tmp_path / "page.txt"
    source.write_text("本報訊　今年全市共簽約項目二十個，總投資達一百五十億元。\n", encoding="utf-8")
    corpus = kg.extract([source], kg.Settings(date=dt.date(2024, 5, 13)))
    texts = {q.text for q in corpus.quantities}
    assert any("億元" in text for text in texts), texts  # as printed, not 亿元
    article = corpus.extractions[0].article
    assert all(article.text[q.evidence.start : q.evidence.end] == q.evidence.text for q in corpus.quantities)
    from kg.text.normalise import _reachable

    mentions, statements = _reachable(corpus.extractions[0])
    assert statements and all(article.text[s.evidence.start : s.evidence.end] == s.evidence.text for s in statements)
    assert all(article.text[m.start : m.end] == m.text for m in mentions)  # nested ones too, moved once
