"""Split a cleaned newspaper page into articles with their datelines, bylines, paragraphs and sentences."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from kg.model import Article, Byline, Document, Sentence, Span, text_hash
from kg.pipeline import stage

# 本报乌海2月21日电（记者于海东郝飚） / 本报呼和浩特2月21日讯（记者刘洋）
DATELINE = re.compile(
    r"^(?:本报|新华社|中新社)(?P<place>[\u4e00-\u9fff]{2,8}?)(?P<month>\d{1,2})月(?P<day>\d{1,2})日(?:电|讯)"
    r"(?:[（(](?P<credit>[^）)]{1,60})[）)])?"
)
# □本报记者王塔娜实习生李文清 (a byline on its own, as photo stories and features print it)
BYLINE_LINE = re.compile(r"^[□■]?本报记者(?P<credit>[^\n。，]{2,40}?)(?:摄影报道|摄)?$")
SENTENCE = re.compile(r"[^。！？!?；;\n]*(?:[。！？!?；;]+[”’」』）)]*|\n|$)")
ROLES = (("实习生", "intern"), ("记者", "reporter"), ("通讯员", "correspondent"), ("摄影", "photographer"))


def parse_credit(credit: str) -> list[tuple[str, str]]:
    """Split a credit such as ``记者于海东 郝飚 实习生许有磊`` into (name, role) pairs."""
    pairs: list[tuple[str, str]] = []
    role = "reporter"
    pattern = "|".join(word for word, _ in ROLES)
    for token in re.split(rf"({pattern})", credit):
        token = token.strip()
        if not token:
            continue
        found = next((r for word, r in ROLES if token == word), None)
        if found:
            role = found
            continue
        for name in re.split(r"[\s、,，]+", token):
            if 2 <= len(name) <= 4 and re.fullmatch(r"[\u4e00-\u9fff·]+", name):
                pairs.append((name, role))
    return pairs


def split_sentences(text: str) -> list[Sentence]:
    """Sentence and paragraph boundaries of an article body."""
    sentences = []
    paragraph = 0
    for match in SENTENCE.finditer(text):
        start, end = match.span()
        if end == start:
            continue
        body_end = end - 1 if text[end - 1] == "\n" else end
        if body_end > start:
            sentences.append(Sentence(index=len(sentences), span=Span(start, body_end), paragraph=paragraph))
        if text[end - 1] == "\n":
            paragraph += 1
    return sentences


def _paragraphs(text: str) -> list[Span]:
    spans, start = [], 0
    for line in text.split("\n"):
        if line:
            spans.append(Span(start, start + len(line)))
        start += len(line) + 1
    return spans


@stage("ingest.segment.newspaper")
def segment(doc: Document, settings: Any = None) -> list[Article]:
    """Split the cleaned text of ``doc`` at datelines and bylines; text before the first one is its own article."""
    text = doc.clean
    starts: list[tuple[int, re.Match[str] | None]] = []
    offset = 0
    for line in text.split("\n"):
        match = DATELINE.match(line) or BYLINE_LINE.match(line)
        if match:
            starts.append((offset, match))
        offset += len(line) + 1
    if not starts or starts[0][0] > 0:
        starts.insert(0, (0, None))
    year = (getattr(settings, "date", None) or doc.date or dt.date.today()).year
    articles: list[Article] = []
    for i, (start, match) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(text)
        body_start = start + (match.end() if match else 0)
        body = text[body_start:end].strip("\n")
        body_start += len(text[body_start:end]) - len(text[body_start:end].lstrip("\n"))
        if not body.strip():
            continue
        article = Article(id=text_hash(body), document_id=doc.id, index=len(articles), text=body, start=body_start)
        if match is not None:
            groups = match.groupdict()
            if groups.get("place"):
                article.place = groups["place"]
                article.place_span = Span(start + match.start("place"), start + match.end("place"))
            if groups.get("month"):
                try:
                    article.date = dt.date(year, int(groups["month"]), int(groups["day"]))
                except ValueError:
                    article.date = None
            if groups.get("credit"):
                article.bylines = [Byline(name, role) for name, role in parse_credit(groups["credit"])]
        article.paragraphs = _paragraphs(body)
        article.sentences = split_sentences(body)
        articles.append(article)
    return articles
