"""Segmentation of the sample newspaper page into articles, and the date helpers it relies on."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.ingest.clean import clean
from kg.ingest.dates import filename_date, header_date, infer_year
from kg.ingest.read import read, read_text
from kg.ingest.segment import segment, split_sentences
from kg.model import Article, Document
from kg.run import Settings
from tests.conftest import SAMPLE, SAMPLE_DATE

EXPECTED = [
    # (headline, place, kind, [(name, role)])
    ("解码新时代党建引领基层发展的“赤峰方案”", None, "news", [("王塔娜", "reporter"), ("李文清", "intern")]),
    (None, "乌海", "news", [("于海东", "reporter"), ("郝飚", "reporter")]),
    ("巴彦淖尔市“真金白银”助企纾困", "巴彦淖尔", "news", [("韩继旺", "reporter")]),
    ("首府“衣食住行”专项整治找准痛点对症下药", "呼和浩特", "news", [("刘洋", "reporter")]),
    ("阿拉善盟河湖长制“有名有实”", "阿拉善", "news", [("刘宏章", "reporter"), ("许有磊", "intern")]),
    ("鄂尔多斯市首部教育类地方性法规出台", "鄂尔多斯", "news", [("郝雪莲", "reporter")]),
    ("“鹰巡”警航管边控边", None, "photo", [("巴依斯古楞", "photographer")]),
    ("互动体验那达慕", None, "photo", [("李新军", "photographer")]),
    (
        "二连浩特口岸7年累计接运中欧班列突破6000列",
        "锡林郭勒",
        "news",
        [("巴依斯古楞", "reporter"), ("梁晓虹", "intern")],
    ),
]


def page(settings: Settings | None = None, path: Path = SAMPLE) -> tuple[Document, list[Article]]:
    settings = settings or Settings()
    doc = clean(read(path, settings), settings)
    return doc, segment(doc, settings)


@pytest.fixture(scope="module")
def sample() -> tuple[Document, list[Article]]:
    return page()


def test_sample_has_nine_articles_with_headlines_places_kinds_and_bylines(sample) -> None:
    _, articles = sample
    found = [(a.headline, a.place, a.kind, [(b.name, b.role) for b in a.bylines]) for a in articles]
    assert found == EXPECTED
    assert [a.index for a in articles] == list(range(9))


def test_sample_article_bodies_start_and_end_where_the_stories_do(sample) -> None:
    _, articles = sample
    assert articles[0].text.startswith("2020年12月31日，一场别开生面的地方标准发布会在赤峰召开。")
    assert articles[1].text.startswith("近年来，乌海市加速培育") and articles[1].text.endswith("分析和预警。")
    # The photo story keeps its caption; the next photo item starts after it and loses its credit to credit_span.
    assert articles[6].text.startswith("测量、加油、调试、升空……") and articles[6].text.endswith("准备在极寒条件下起飞巡逻。")
    assert articles[7].text == (
        "架起炉子点起火，熬上奶茶唱起歌。\n近日，为丰富草原旅游服务产品种类，呼伦贝尔市陈巴尔虎旗巴彦库仁镇推出那达慕"
        "互动体验及冰雪娱乐旅游项目，融戏雪休闲、民俗体验、文化展示于一体，吸引游客前来体验。"
    )
    assert articles[8].text.startswith("1月27日，从俄罗斯巴扎依哈站始发")


def test_sample_dates_come_from_datelines_with_the_year_of_the_file_name(sample) -> None:
    doc, articles = sample
    assert doc.date == SAMPLE_DATE and doc.date_source == "filename"
    assert doc.page == "3"
    dateline_dates = {a.date for a in articles if a.place}
    assert dateline_dates == {dt.date(2021, 2, 21)}
    # Articles without a dateline date carry the publication date.
    assert articles[0].date == SAMPLE_DATE and articles[6].date == SAMPLE_DATE
    assert all(a.published == SAMPLE_DATE for a in articles)


def test_settings_date_wins_over_the_file_name() -> None:
    doc, articles = page(Settings(date=dt.date(2022, 1, 3)))
    assert doc.date == dt.date(2022, 1, 3) and doc.date_source == "settings"
    assert articles[1].date == dt.date(2022, 2, 21)


def test_without_any_date_partial_dates_get_no_year(tmp_path: Path) -> None:
    copy = tmp_path / "page.txt"
    copy.write_bytes(SAMPLE.read_bytes())
    doc, articles = page(path=copy)
    assert doc.date is None and doc.date_source is None
    assert all(a.date is None for a in articles)
    assert len(articles) == 9


def test_sample_byline_and_place_spans_point_at_the_names(sample) -> None:
    doc, articles = sample
    for article in articles:
        for byline in article.bylines:
            assert byline.span is not None
            assert doc.clean[byline.span.start : byline.span.end] == byline.name
        if article.place:
            assert doc.clean[article.place_span.start : article.place_span.end] == article.place
        if article.headline_span:
            assert doc.clean[article.headline_span.start : article.headline_span.end].replace("\n", "") == article.headline
    # Names broken over source lines are whole: "（记者 刘\n宏章 实习生 许有磊）".
    span = articles[4].bylines[0].span
    assert doc.source[doc.to_source(span).start : doc.to_source(span).end] == "刘\n宏章"


def assert_partition(doc: Document, articles: list[Article]) -> None:
    """Every body character of the source lands in exactly one article part or in the removed spans."""
    owner: dict[int, int] = {}
    for article in articles:
        parts = [(article.start, article.start + len(article.text))]
        parts += [(s.start, s.end) for s in (article.headline_span, article.dateline_span, article.credit_span) if s]
        for start, end in parts:
            for index in range(start, end):
                if not doc.clean[index].isspace():
                    assert index not in owner, (index, doc.clean[index])
                    owner[index] = article.index
    for index, ch in enumerate(doc.clean):
        assert ch.isspace() or index in owner, (index, ch)
    mapped = {doc.source_offsets[i] for i in owner}
    removed = {i for span in doc.removed for i in range(span.start, span.end)}
    assert not mapped & removed
    for index, ch in enumerate(doc.source):
        if not ch.isspace():
            assert (index in mapped) != (index in removed), (index, ch)


def test_sample_no_text_lost_or_duplicated(sample) -> None:
    assert_partition(*sample)


def test_sample_paragraphs_and_sentences(sample) -> None:
    _, articles = sample
    for article in articles:
        assert article.paragraphs and article.sentences
        for span in article.paragraphs:
            assert "\n" not in article.text[span.start : span.end]
        for sentence in article.sentences:
            text = article.text[sentence.span.start : sentence.span.end]
            assert text and "\n" not in text
            assert article.paragraphs[sentence.paragraph].contains(sentence.span)
    first = articles[1].sentences[0]
    assert articles[1].text[first.span.start : first.span.end].endswith("以产业转型促进绿色低碳发展。")


def test_split_sentences_keeps_closing_quotes() -> None:
    text = "“做好工作。”他说。\n第二段！"
    assert [text[s.span.start : s.span.end] for s in split_sentences(text)] == ["“做好工作。”", "他说。", "第二段！"]
    assert [s.paragraph for s in split_sentences(text)] == [0, 0, 1]


def test_plain_article_with_headline_on_top() -> None:
    text = "乌海新能源产业加速发展\n本报讯（记者 张三）近年来，乌海市加速培育新能源产业。\n企业已取得订单。"
    doc = clean(read_text(text, "news.txt"), Settings(date=dt.date(2021, 2, 22)))
    (article,) = segment(doc, Settings())
    assert article.headline == "乌海新能源产业加速发展"
    assert article.place is None and [(b.name, b.role) for b in article.bylines] == [("张三", "reporter")]
    assert article.text == "近年来，乌海市加速培育新能源产业。\n企业已取得订单。"


def test_web_title_becomes_the_headline() -> None:
    doc = read_text("近年来，乌海市加速培育新能源产业。\n企业已取得订单。", "page.html")
    doc.title = "乌海新能源产业加速发展"
    (article,) = segment(clean(doc, Settings()), Settings())
    assert article.headline == "乌海新能源产业加速发展" and article.headline_span is None


def test_infer_year() -> None:
    ref = dt.date(2021, 2, 21)
    assert infer_year(2, 21, dt.date(2021, 2, 22)) == dt.date(2021, 2, 21)
    assert infer_year(12, 31, dt.date(2021, 1, 2)) == dt.date(2020, 12, 31)
    assert infer_year(2, 30, ref) is None and infer_year(1, 1, None) is None


def test_header_and_file_name_dates() -> None:
    assert header_date("内蒙古日报2021年2月22日星期一") == dt.date(2021, 2, 22)
    assert header_date("2020年12月31日，一场别开生面的发布会") is None
    assert filename_date("inner_mongolia_daily_2021-02-22_p3.txt") == dt.date(2021, 2, 22)
    assert filename_date("paper_20210222.pdf") == dt.date(2021, 2, 22)
    assert filename_date("page-3.txt") is None


def _wrap(text: str, width: int = 18) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)]


def test_headlines_printed_before_their_stories_on_a_wrapped_page() -> None:
    """The same rules read a page laid out the other way round: headline first, then dateline and body."""
    stories = [
        ("北京推进老旧小区改造", "本报北京3月5日电 （记者 张三 李四）",
         "今年北京市计划完成老旧小区综合整治项目三百个，涉及居民十余万户，改造内容包括加装电梯和管线更新。"),
        ("上海港集装箱吞吐量再创新高", "本报上海3月5日讯 （记者 王五）",
         "上海港去年完成集装箱吞吐量四千三百万标准箱，连续多年位居世界第一，自动化码头作业效率持续提升。"),
        ("广州地铁新线开通运营", "本报广州3月5日电 （记者 赵六 实习生 钱七）",
         "广州地铁十八号线首通段日前开通运营，最高运行速度达到每小时一百六十公里，沿线居民通勤时间大大缩短。"),
    ]
    lines = ["■要闻·速览", ""]
    for headline, dateline, body in stories:
        lines += [headline, "", *_wrap(dateline + body), ""]
    doc = clean(read_text("\n".join(lines), "paper_2021-03-06_p1.txt"), Settings())
    articles = segment(doc, Settings())
    assert [(a.headline, a.place, a.date) for a in articles] == [
        (headline, dateline[2:4], dt.date(2021, 3, 5)) for headline, dateline, _ in stories
    ]
    assert [[(b.name, b.role) for b in a.bylines] for a in articles] == [
        [("张三", "reporter"), ("李四", "reporter")],
        [("王五", "reporter")],
        [("赵六", "reporter"), ("钱七", "intern")],  # "实\n习生" was broken over lines
    ]
    assert [a.text for a in articles] == [body for _, _, body in stories]
    assert_partition(doc, articles)


def test_credits_with_correspondents_letter_spacing_and_a_picture_inside_a_story() -> None:
    text = (
        "本 报 北 京 3 月 5 日 电 （记 者 张 小 三 通讯员 李四）今年北京市计划完成老旧小区综合整治项目三百个。\n"
        "图为施工现场。（本报记者 王五 摄）\n"
        "市住建委负责人表示，改造将坚持居民自愿原则。"
    )
    doc = clean(read_text(text, "a.txt"), Settings(date=dt.date(2021, 3, 6)))
    (article,) = segment(doc, Settings())
    assert [(b.name, b.role) for b in article.bylines] == [
        ("张小三", "reporter"),
        ("李四", "correspondent"),
        ("王五", "photographer"),
    ]
    assert article.kind == "news" and article.place == "北京"
    # The story goes on after the picture; the credit inside it stays body text.
    assert article.text.endswith("改造将坚持居民自愿原则。") and "图为施工现场。（本报记者王五摄）" in article.text
    assert article.credit_span is None
    assert_partition(doc, [article])
    # the photographer was credited as 记者: the printed role word stays as the title (the post the credit states)
    assert [(b.name, b.title) for b in article.bylines if b.role == "photographer"] == [("王五", "记者")]


def test_an_outlet_written_against_the_role_word_of_a_photo_credit_is_no_person() -> None:
    text = (
        "新华社西宁3月5日电（记者张小三）今年全省计划完成老旧小区综合整治项目三百个。\n"
        "图为施工现场。新华社记者 王五 摄\n"
        "省住建厅负责人表示，改造将坚持居民自愿原则。"
    )
    doc = clean(read_text(text, "a.txt"), Settings(date=dt.date(2021, 3, 6)))
    (article,) = segment(doc, Settings())
    assert [(b.name, b.role) for b in article.bylines] == [("张小三", "reporter"), ("王五", "photographer")]


SEGMENT_LINES = st.lists(
    st.one_of(
        st.text(alphabet=st.sampled_from(list("中文新闻发展经济记者年月日市乌海标题0123。，“”")), max_size=60),
        st.sampled_from([
            "本报北京3月5日电（记者 张三 李四）今年北京市计划完成老旧小区综合整治。",
            "本 报 上 海 3 月 5 日 讯 （记 者",
            "王五 实习生 赵六）港口吞吐量再创新高。",
            "□本报记者 张三 摄影报道",
            "■要闻·速览",
            "““新闻新闻””标题标题",
            "图为现场。本报记者 李四 摄",
            "北京推进老旧小区改造",
            "",
        ]),
    ),
    max_size=16,
).map("\n".join)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SEGMENT_LINES)
def test_segmentation_never_loses_or_duplicates_text(source: str) -> None:
    doc = clean(read_text(source, "p.txt"), Settings(date=dt.date(2021, 3, 6)))
    articles = segment(doc, Settings())
    assert_partition(doc, articles)
    for article in articles:
        assert doc.clean[article.start : article.start + len(article.text)] == article.text


@pytest.mark.parametrize("under_headline", [
    ["2021年02月21日 08:30", "来源：内蒙古日报"],
    ["2021-02-21 08:30 来源：内蒙古日报"],
    ["发布时间：2021-02-21", "责任编辑：王五"],
])
def test_a_web_pages_date_and_source_lines_are_not_glued_to_its_headline(under_headline: list[str]) -> None:
    """A headline, then the page's date, time and source on short lines of their own (no sentence ends there):
    the headline is the headline alone, and those lines the cleaner keeps (it drops some as page furniture) stay in
    the article's text."""
    body = ["本报乌海2月21日电 乌海市已建成3座加氢站，氢能产业链加速形成。",
            "乌海市海南区人民政府与某新能源公司签署合作协议，计划建设制氢工厂。"]
    text = "\n".join(["乌海市建成3座加氢站", *under_headline, *body]) + "\n"
    doc = clean(Document(id="web", path="page.html", source=text), Settings())
    articles = segment(doc, Settings())
    assert [a.headline for a in articles] == ["乌海市建成3座加氢站"]
    kept = [line for line in under_headline if line.replace(" ", "") in doc.clean.replace(" ", "")]
    assert all(line.replace(" ", "") in articles[0].text.replace(" ", "") for line in kept)


def test_a_long_run_of_short_lines_is_a_list_in_the_body() -> None:
    """Invented web page: a list of six bodies under a sentence is body text, not a headline of six lines."""
    paragraph = (
        "近日，全省关心下一代工作表彰大会召开，会议表彰了一批先进集体和先进工作者，号召各地学习先进经验。"
        "会上，受表彰的单位和个人代表作了交流发言，介绍了他们在关爱青少年成长方面的做法和体会。"
    )
    items = [f"{place}关心下一代工作委员会" for place in ("甲市", "乙市", "丙县", "丁县", "戊市", "己县")]
    doc = clean(read_text("\n".join([paragraph, *items]), "a.txt"), Settings(date=dt.date(2021, 3, 6)))
    articles = segment(doc, Settings())
    assert len(articles) == 1 and articles[0].headline is None
    assert all(item in articles[0].text.split("\n") for item in items)


def test_page_meta_lines_in_either_script_and_in_brackets_are_no_headline() -> None:
    from kg.ingest.segment import PAGE_META_LINE

    assert PAGE_META_LINE.match("發佈時間:2016-03-21 12:29:21  來源:南城日報  作者:佚名")
    assert PAGE_META_LINE.match("2020-01-02 18:17:30來源:新華網")  # cleaning drops the space before 來源
    assert PAGE_META_LINE.match("(來源:南城网)")
    assert not PAGE_META_LINE.match("南城日报2月3日讯")
    text = "東城項目競相開工忙\n發佈時間:2016-03-21 12:29:21 來源:南城日報\n本報訊 3月10日，東城縣一批項目開工建設。\n"
    doc = clean(read_text(text, "a.txt"), Settings(date=dt.date(2016, 3, 21)))
    articles = segment(doc, Settings())
    assert [a.headline for a in articles] == ["東城項目競相開工忙"]


@pytest.mark.parametrize(
    ("source", "credited", "body_start"),
    [
        # a credit without brackets after 本报讯, up to the day that opens the body
        ("本报讯 记者 张涛 特约记者 黄小高 8月19日，青山县举行项目签约仪式。",
         [("张涛", "reporter", None), ("黄小高", "correspondent", "特约记者")], "8月19日"),
        # traditional script: 本報訊 is the paper's own dateline
        ("本報訊(記者 王大明 通訊員 鄒小國)3月10日，青山鎮項目開工建設。",
         [("王大明", "reporter", None), ("鄒小國", "correspondent", None)], "3月10日"),
        # 记者 as the subject of the first sentence is no credit
        ("本报讯 记者从市统计局获悉 2020年全市生产总值增长。", [], "记者从市统计局获悉"),
        # the page's last line credits the story above it
        ("5月13日，副市长何小勇到公司调研。\n记者 杨小霖 唐畅 通讯员 龚毅",
         [("杨小霖", "reporter", None), ("唐畅", "reporter", None), ("龚毅", "correspondent", None)], "5月13日"),
        # an outlet may open a closing credit in brackets
        ("5月13日，副市长何小勇到公司调研。\n（青山广电-融媒体中心记者 杨小霖 唐畅）",
         [("杨小霖", "reporter", None), ("唐畅", "reporter", None)], "5月13日"),
    ],
)
def test_credits_without_brackets_or_with_an_outlet(source: str, credited: list, body_start: str) -> None:
    doc = clean(read_text(source, "a.txt"), Settings(date=dt.date(2021, 3, 6)))
    articles = segment(doc, Settings())
    assert len(articles) == 1
    assert [(b.name, b.role, b.title) for b in articles[0].bylines] == credited
    assert articles[0].text.startswith(body_start)
    assert_partition(doc, articles)


def test_an_outlets_regional_channel_in_a_dateline_is_no_place() -> None:
    from kg.ingest.segment import DATELINE

    match = DATELINE.match("中新网新疆新闻3月11日电(庞小博)")
    assert match is not None and match.group("place") == "新疆"
    match = DATELINE.match("中新网银川4月21日电(记者李小珊)")
    assert match is not None and match.group("place") == "银川"
