"""Readers for .txt, .pdf and .html inputs, input expansion, and what happens with bad inputs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.ingest.clean import clean
from kg.ingest.read import expand, read
from kg.ingest.segment import segment
from kg.model import ArticleExtraction
from kg.run import Settings, run, skipped_summary, stage
from tests.ingest_pdf import make_pdf

TEXT = "本报乌海2月21日电（记者 于海东）乌海市建成3座加氢站，䶮字也能读。\n企业已取得订单。\n"


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        b"\xef\xbb\xbf" + TEXT.encode("utf-8"),
        TEXT.encode("gb18030"),
        TEXT.encode("utf-16"),
    ],
    ids=["utf-8", "utf-8-bom", "gb18030", "utf-16-bom"],
)
def test_text_encodings_are_detected(tmp_path: Path, data: bytes) -> None:
    doc = read(write(tmp_path / "page.txt", data))
    assert doc.source == TEXT
    assert doc.path.endswith("page.txt")


def test_gbk_text_is_read(tmp_path: Path) -> None:
    text = "呼和浩特市市场监管部门共查办各类一般程序案件1362起。" * 3
    assert read(write(tmp_path / "gbk.txt", text.encode("gbk"))).source == text


def test_encoding_is_detected_not_taken_from_the_name(tmp_path: Path) -> None:
    # GB18030 bytes in a file without suffix, UTF-8 bytes in one whose name says gbk.
    assert read(write(tmp_path / "notes", TEXT.encode("gb18030"))).source == TEXT
    assert read(write(tmp_path / "page.gbk.txt", TEXT.encode("utf-8"))).source == TEXT


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b" \n\t\n", "empty"),
        ("binary.txt", bytes(range(256)) * 40, "binary"),
        ("mostly-binary.txt", b"\x00\x01\x02\x03\xff\xfe\x10\x11" * 500 + "正文".encode() * 10, "binary"),
        ("report.docx", b"PK\x03\x04" + b"\x00" * 100, "unsupported file type '.docx'"),
        ("fake.pdf", "这不是PDF文件".encode(), "not a PDF"),
    ],
)
def test_bad_files_raise_input_error_naming_the_file(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    path = write(tmp_path / name, data)
    with pytest.raises(InputError) as caught:
        read(path)
    assert str(path) in str(caught.value) and message in str(caught.value)


def test_missing_inputs_and_empty_directories(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file or directory") as caught:
        expand([tmp_path / "missing.txt"])
    assert "missing.txt" in str(caught.value)
    (tmp_path / "empty").mkdir()
    write(tmp_path / "empty" / "picture.png", b"\x89PNG")
    with pytest.raises(InputError, match="holds no text files"):
        expand([tmp_path / "empty"])
    with pytest.raises(InputError, match="matches no file"):
        expand([str(tmp_path / "*.nothing")])


def test_directories_and_globs_expand_to_supported_files(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / ".hidden").mkdir()
    for name in ("a/2.txt", "a/b/1.pdf", "a/3.html", "a/notes.md", "a/.hidden/x.txt"):
        write(tmp_path / name, b"x")
    found = expand([tmp_path / "a", str(tmp_path / "a" / "*.txt")])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == ["a/2.txt", "a/3.html", "a/b/1.pdf"]
    skipped: list[tuple[str, str]] = []
    assert expand([tmp_path / "nope", tmp_path / "a" / "2.txt"], skipped) == [tmp_path / "a" / "2.txt"]
    assert skipped[0][0].endswith("nope") and "no such file" in skipped[0][1]


# --- PDF -----------------------------------------------------------------------------------------------------------

LEFT = ["本报乌海2月21日电（记者", "于海东）近年来，乌海市加速", "培育以新能源为主导的战"]
RIGHT = ["略性产业。", "企业已取得乌海市100台氢", "燃料电池订单。"]


def two_column_pdf() -> bytes:
    items = [(50.0, 700.0 - 20 * i, line, 16.0) for i, line in enumerate(LEFT)]
    # The right column is written first, so that only the layout analysis can put it second.
    items = [(320.0, 700.0 - 20 * i, line, 16.0) for i, line in enumerate(RIGHT)] + items
    items.append((50.0, 760.0, "乌海新能源产业加速发展", 24.0))
    return make_pdf([items])


def test_pdf_text_layer_is_read_in_column_order(tmp_path: Path) -> None:
    doc = read(write(tmp_path / "page.pdf", two_column_pdf()))
    order = [doc.source.index(line) for line in ["乌海新能源产业加速发展", *LEFT, *RIGHT]]
    assert order == sorted(order)
    doc = clean(doc, Settings(date=dt.date(2021, 2, 22)))
    assert "培育以新能源为主导的战略性产业。" in doc.clean
    (article,) = segment(doc, Settings())
    assert article.place == "乌海" and [b.name for b in article.bylines] == ["于海东"]
    assert article.headline == "乌海新能源产业加速发展" and article.date == dt.date(2021, 2, 21)


def test_pdf_is_recognised_by_content_whatever_its_name(tmp_path: Path) -> None:
    assert "乌海市加速" in read(write(tmp_path / "page.bin.txt", two_column_pdf())).source


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (make_pdf([[(50.0, 700.0, "看不见", 12.0)]], image_only=True), "no text layer"),
        (make_pdf([[(50.0, 700.0, "加密的文字", 12.0)]], encrypt=True), "encrypted"),
        (two_column_pdf()[:600], "truncated"),
        (two_column_pdf()[:300] + b"\n%%EOF\n", "cannot be parsed|no pages"),
    ],
    ids=["scanned", "encrypted", "truncated", "damaged"],
)
def test_bad_pdfs_raise_input_error(tmp_path: Path, data: bytes, message: str) -> None:
    path = write(tmp_path / "bad.pdf", data)
    with pytest.raises(InputError, match=message) as caught:
        read(path)
    assert str(path) in str(caught.value)


# --- HTML ----------------------------------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html><html><head><meta charset="{charset}"><title>乌海加快培育新能源产业 - 北疆新闻网</title>
<meta property="og:title" content="乌海加快培育新能源产业">
<meta property="og:site_name" content="北疆新闻网">
<meta property="article:published_time" content="2021-02-22T08:00:00+08:00">
</head><body><nav><a href="/">首页</a> | <a href="/news">新闻</a> | <a href="/about">关于我们</a></nav>
<div class="ad">广告：点击领取优惠券</div>
<article>
<p>本报乌海2月21日电（记者 张三）近年来，乌海市加速培育以新能源、新材料、装备制造为主导的战略性产业，并把发展战略性新兴产业作为打造现代能源经济的突破口。</p>
<p>这些天，位于乌达工业园的新能源产业园内一派火热景象，现场机器轰鸣，工人们正忙着进行钢结构作业。</p>
<p>尽管还未投产，但企业已取得乌海市100台氢燃料电池、300台纯电动公交车订单。</p>
</article><footer>版权所有 北疆新闻网 备案号12345</footer></body></html>"""


@pytest.mark.parametrize(("charset", "codec"), [("utf-8", "utf-8"), ("gbk", "gb18030")])
def test_html_main_text_title_date_and_site(tmp_path: Path, charset: str, codec: str) -> None:
    doc = read(write(tmp_path / "news.htm", PAGE.format(charset=charset).encode(codec)))
    assert doc.title == "乌海加快培育新能源产业"
    assert doc.date == dt.date(2021, 2, 22) and doc.date_source == "metadata"
    assert doc.publication == "北疆新闻网"
    assert "乌海市加速培育" in doc.source and "300台纯电动公交车订单。" in doc.source
    for boilerplate in ("首页", "关于我们", "广告", "版权所有"):
        assert boilerplate not in doc.source
    doc = clean(doc, Settings())
    (article,) = segment(doc, Settings())
    assert article.headline == "乌海加快培育新能源产业" and article.place == "乌海"
    assert article.date == dt.date(2021, 2, 21) and article.publication == "北疆新闻网"


def test_html_without_main_text_is_an_input_error(tmp_path: Path) -> None:
    path = write(tmp_path / "menu.html", "<html><body><nav><a href='/'>首页</a></nav></body></html>".encode())
    with pytest.raises(InputError, match="no main text") as caught:
        read(path)
    assert "menu.html" in str(caught.value)


# --- keep going ----------------------------------------------------------------------------------------------------


@stage("nlp.tag.ingest_test_none")
def _no_tagger(extraction: ArticleExtraction, settings: object = None) -> ArticleExtraction:
    """A tagger that tags nothing, so that these tests do not load a model."""
    return extraction


def test_keep_going_processes_good_inputs_and_reports_the_rest(tmp_path: Path) -> None:
    good = write(tmp_path / "good.txt", TEXT.encode("gb18030"))
    scanned = write(tmp_path / "scan.pdf", make_pdf([[(50.0, 700.0, "图", 12.0)]], image_only=True))
    empty = write(tmp_path / "empty.txt", b"")
    inputs = [good, scanned, tmp_path / "missing.txt", empty]
    settings = Settings(ner="ingest_test_none", steps=(), keep_going=True, date=dt.date(2021, 2, 22))
    corpus = run(inputs, settings)
    assert [d.path for d in corpus.documents] == [str(good)]
    assert len(corpus.articles) == 1 and corpus.articles[0].place == "乌海"
    assert [Path(path).name for path, _ in corpus.skipped] == ["missing.txt", "scan.pdf", "empty.txt"]
    summary = skipped_summary(corpus.skipped)
    assert summary.startswith("3 input(s) skipped:") and "no text layer" in summary and "empty" in summary
    with pytest.raises(InputError, match="scan.pdf"):
        run(inputs[:2], Settings(ner="ingest_test_none", steps=()))
    with pytest.raises(InputError, match="no input could be read"):
        run([scanned, empty], settings)


def test_pdf_pages_with_headers_give_date_page_and_publication(tmp_path: Path) -> None:
    def page(body_left: list[str], body_right: list[str]) -> list[tuple[float, float, str, float]]:
        header = [(40.0, 770.0, "某某日报", 12.0), (400.0, 770.0, "2021年3月5日 星期五 第2版", 10.0)]
        left = [(40.0, 700.0 - 20 * i, line, 16.0) for i, line in enumerate(body_left)]
        right = [(320.0, 700.0 - 20 * i, line, 16.0) for i, line in enumerate(body_right)]
        return header + right + left

    data = make_pdf([page(LEFT, RIGHT), page(["接上文，企业表示将继续", "加大投入力度。"], ["这是第二页右栏的内", "容。"])])
    doc = clean(read(write(tmp_path / "paper.pdf", data)), Settings())
    assert (doc.date, doc.date_source, doc.page, doc.publication) == (dt.date(2021, 3, 5), "header", "2", "某某日报")
    assert "某某日报" not in doc.clean and "星期五" not in doc.clean
    assert "战略性产业。" in doc.clean
    assert doc.clean.index("燃料电池订单。") < doc.clean.index("接上文，企业表示将继续加大投入力度。")
    assert doc.clean.endswith("这是第二页右栏的内容。")
