"""Cleaning of PDF-extracted newspaper text: repairs, furniture, offsets, and properties checked with hypothesis."""

from __future__ import annotations


from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.ingest.clean import clean_text, is_ideograph, normalise_char, undouble
from tests.conftest import SAMPLE


def sample_clean():
    source = SAMPLE.read_text(encoding="utf-8")
    return source, clean_text(source)


def test_sample_spaces_between_cjk_and_digits_are_removed() -> None:
    _, result = sample_clean()
    assert "2020年12月31日，一场别开生面的地方标准发布会在赤峰召开。" in result.text
    assert " 年" not in result.text and "年 " not in result.text
    assert "对GDP贡献率低" in result.text


def test_sample_broken_lines_are_joined_without_spaces() -> None:
    _, result = sample_clean()
    # "一份方\n\n案从有到优": a column break in mid-sentence, blank line included.
    assert "一份方案从有到优，“融合党建”正在形成星火效应。" in result.text
    # A dateline whose credit is broken over lines, name included: "（记者 于海东 郝\n飚）".
    assert "本报乌海2月21日电（记者于海东郝飚）近年来，" in result.text
    assert "本报巴彦淖尔2月21日电（记者韩继旺）巴彦淖尔市" in result.text


def test_sample_paragraph_breaks_are_kept() -> None:
    _, result = sample_clean()
    assert "乌海市建成3座加氢站。\n今年自治区政府工作报告" in result.text
    assert "近年来，乌海市加速培育" in result.text
    lines = result.text.split("\n")
    assert "尽管还未投产，但企业已取得乌海市100台氢燃料电池、300台纯电动公交车订单。" in lines


def test_sample_letter_spaced_dateline_is_closed_up() -> None:
    _, result = sample_clean()
    assert "本报鄂尔多斯2月21日电（记者郝雪莲）2020年12月25日" in result.text
    assert "入冬后，锡林郭勒边境管理支队将2架" in result.text


def test_sample_doubled_glyphs_are_undoubled_and_marked_as_display() -> None:
    source, result = sample_clean()
    assert "““" not in result.text and "警航管边控边警航管边控边" not in result.text
    display = [result.text[s.start : s.end] for s in result.display]
    assert display == ["“鹰巡”警航管边控边", "准备在极寒条件下起飞巡逻。"]
    # The kept glyphs map to the first copy in the source.
    at = result.text.index("“鹰巡”警航管边控边")
    first = source.index("““鹰巡鹰巡")
    assert [result.offsets[at + i] for i in range(3)] == [first, first + 2, first + 3]


def test_sample_furniture_is_removed_and_recorded() -> None:
    source, result = sample_clean()
    removed = [source[s.start : s.end] for s in result.removed]
    for label in ("■盟市·速览", "盟市·风景线", "■盟市·看点", "■镜观"):
        assert label in removed
        assert label not in result.text
    assert "速览" not in result.text and "镜观" not in result.text


def test_sample_photo_credit_and_bylines_keep_their_own_paragraphs() -> None:
    _, result = sample_clean()
    lines = result.text.split("\n")
    assert "□本报记者王塔娜实习生李文清" in lines
    assert "□本报记者巴依斯古楞摄影报道" in lines  # it shared a source line with a headline
    assert "首部教育类地方性法规出台" in lines
    assert any(line.endswith("吸引游客前来体验。本报记者李新军摄") for line in lines)


def test_sample_every_cleaned_character_maps_to_its_source_character() -> None:
    source, result = sample_clean()
    assert len(result.offsets) == len(result.text) + 1
    for index, ch in enumerate(result.text):
        if ch not in " \n":
            assert normalise_char(source[result.offsets[index]]) == ch, index


def test_full_width_forms_and_ellipsis_are_normalised() -> None:
    result = clean_text("２０２０年ＧＤＰ增长６．５％⋯⋯\n")
    assert result.text == "2020年GDP增长6.5%……"
    assert result.offsets[:4] == [0, 1, 2, 3]


def test_latin_words_keep_their_spaces_and_are_joined_with_one() -> None:
    lines = ["这是一个很长的句子里面有英文单词Inner"] + ["Mongolia Daily的报道内容继续写下去没有结束"] * 3 + ["最后一行结束。"]
    result = clean_text("\n".join(lines))
    assert "Inner Mongolia Daily的报道" in result.text


def test_unwrapped_text_keeps_every_line() -> None:
    text = "乌海新能源产业加速发展\n近年来，乌海市加速培育新能源产业。\n企业已取得订单。"
    result = clean_text(text)
    assert result.text == "乌海新能源产业加速发展\n\n近年来，乌海市加速培育新能源产业。\n企业已取得订单。"


def test_page_header_is_furniture_with_a_date() -> None:
    text = "内蒙古日报 2021年2月22日 星期一 第3版\n本报乌海2月21日电（记者张三）近年来，乌海市发展很快。"
    result = clean_text(text)
    assert result.text.startswith("本报乌海")
    assert [str(d) for d in result.header_dates] == ["2021-02-22"]
    assert result.header_lines == ["内蒙古日报2021年2月22日星期一第3版"]


def test_undouble_general_cases() -> None:
    def run(line: str) -> str | None:
        found = undouble(list(line), list(range(len(line))))
        return None if found is None else "".join(found[0])

    assert run("““鹰巡鹰巡””警航管边控边警航管边控边") == "“鹰巡”警航管边控边"
    assert run("准备在极寒条件下起飞巡逻准备在极寒条件下起飞巡逻。。") == "准备在极寒条件下起飞巡逻。"
    assert run("互动体验那达慕互动体验那达慕") == "互动体验那达慕"
    # Ordinary text with repeated characters is left alone.
    assert run("天天向上，谢谢大家") is None
    assert run("谢谢谢谢") is None
    assert run("研究研究再说说看看") is None


def test_chinese_numerals_are_left_in_the_text() -> None:
    assert "五章三十一条" in clean_text("《条例》共五章三十一条，规定了政府主体责任。").text


# --- properties --------------------------------------------------------------------------------------------------

ALPHABET = list("中文新闻发展经济记者电讯月日年报本乌海市鹰巡摄影实习生") + list("0123456789０１２ABCab") + list(
    "  　\n\n\n\r\t。，！？“”（）■□·⋯%."
)
TEXTS = st.text(alphabet=st.sampled_from(ALPHABET), max_size=160)
LINES = st.lists(
    st.one_of(
        TEXTS,
        st.sampled_from(["““鹰巡鹰巡””警航管边控边警航管边控边", "■盟市·速览", "本 报 乌 海 2 月 21 日 电 （记 者", "□本报记者 张三 摄影报道", "", "本报记者 李四 摄"]),
    ),
    max_size=14,
).map("\n".join)
PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(LINES)
def test_cleaning_is_idempotent(source: str) -> None:
    once = clean_text(source).text
    assert clean_text(once).text == once


@PROPERTY
@given(LINES)
def test_cleaning_never_drops_cjk_characters(source: str) -> None:
    result = clean_text(source)
    kept = set(result.offsets[:-1])
    removed = {i for span in result.removed for i in range(span.start, span.end)}
    for index, ch in enumerate(source):
        if is_ideograph(ch):
            assert index in kept or index in removed, (index, ch)


@PROPERTY
@given(LINES)
def test_offsets_map_back_to_the_source_character(source: str) -> None:
    result = clean_text(source)
    offsets = result.offsets
    assert len(offsets) == len(result.text) + 1 and offsets[-1] == len(source)
    assert offsets == sorted(offsets)
    for index, ch in enumerate(result.text):
        if ch in " \n":
            # An inserted separator sits between the characters it separates.
            assert (offsets[index - 1] if index else 0) <= offsets[index] <= offsets[index + 1]
        else:
            assert normalise_char(source[offsets[index]]) == ch


def test_furniture_inside_a_broken_sentence_is_removed_and_the_sentence_rejoined() -> None:
    source = "这是一段相当长的正文内容，一直写到这一行的末尾还没有\n\n■要闻·速览\n\n结束，直到下一栏才结束。"
    result = clean_text(source)
    assert result.text == "这是一段相当长的正文内容，一直写到这一行的末尾还没有结束，直到下一栏才结束。"
    assert [source[s.start : s.end] for s in result.removed] == ["■要闻·速览"]


def test_a_grid_of_names_keeps_its_spaces() -> None:
    """Invented awardee grid: the names stay apart, a padded two-character name (陈 忠) is one name."""
    text = clean_text("表彰名单如下：\n王一明 李二华 张三丰 陈 忠\n赵四海 钱五岳 孙六合 周七星\n").text
    assert "王一明 李二华 张三丰 陈忠" in text
    assert "赵四海 钱五岳 孙六合 周七星" in text


def test_letter_spaced_lines_and_bylines_are_no_grid() -> None:
    text = clean_text("本 报 鄂 尔 多 斯\n记者 王一明 通讯员 李二华\n").text
    assert "本报鄂尔多斯" in text
    assert "记者王一明通讯员李二华" in text


def test_web_text_list_items_stay_one_per_line() -> None:
    """A web page (paragraphs on one line each) with a list of bodies: the items are not joined into one."""
    paragraph = (
        "近日，全省关心下一代工作表彰大会召开，会议表彰了一批先进集体和先进工作者，号召各地学习先进经验。"
        "会上，受表彰的单位和个人代表作了交流发言，介绍了他们在关爱青少年成长方面的做法和体会。"
    )
    items = ["甲市关心下一代工作委员会", "乙市丙县关心下一代工作委员会", "丁市关心下一代工作委员会", "戊县关心下一代工作委员会"]
    text = clean_text("\n".join([paragraph, "先进集体名单：", *items, paragraph])).text
    lines = text.split("\n")
    assert all(item in lines for item in items)
