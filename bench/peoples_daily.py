"""Turn the segmented, POS-tagged People's Daily corpus (PFR, January 1998) back into plain article texts.

Each line of the corpus is one paragraph: ``19980101-01-001-002/m  中共中央/nt  总书记/n …``, compound names in
brackets (``[中央/n 人民/n 广播/vn 电台/n]nt``). The first three parts of the line id (date, page, article) name the
article; its first line is the headline. The benchmark writes one UTF-8 file per article: the headline, a blank line,
then one paragraph per line — the shape of a plain-text news archive.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

TOKEN = re.compile(r"\[?([^\s/\[\]]+)/[A-Za-z]+\]?[A-Za-z]*")
LINE_ID = re.compile(r"^(\d{8}-\d{2}-\d{3})-\d{3}/m\s+")


def detag(line: str) -> tuple[str, str] | None:
    """(article id, plain paragraph text) of one corpus line, or None for a blank or malformed line."""
    match = LINE_ID.match(line)
    if not match:
        return None
    words = TOKEN.findall(line[match.end() :])
    return match.group(1), "".join(words)


def articles(corpus: Path) -> Iterator[tuple[str, list[str]]]:
    """(article id, paragraphs) for each article of the corpus, in corpus order."""
    current: str | None = None
    paragraphs: list[str] = []
    with corpus.open(encoding="utf-8") as handle:
        for line in handle:
            parsed = detag(line)
            if parsed is None:
                continue
            article_id, text = parsed
            if article_id != current:
                if current is not None and paragraphs:
                    yield current, paragraphs
                current, paragraphs = article_id, []
            if text:
                paragraphs.append(text)
    if current is not None and paragraphs:
        yield current, paragraphs


def write_archive(corpus: Path, out_dir: Path, fraction: float = 1.0, every: int = 1) -> list[Path]:
    """Write the first ``fraction`` of the corpus's articles (each ``every``-th of them) as one text file each into
    ``out_dir``."""
    everything = list(articles(corpus))
    keep = everything[: max(1, round(len(everything) * fraction))][::every]
    out_dir.mkdir(parents=True, exist_ok=True)
    files = []
    for article_id, paragraphs in keep:
        path = out_dir / f"{article_id}.txt"
        body = paragraphs[0] + "\n\n" + "\n".join(paragraphs[1:]) + "\n"
        path.write_text(body, encoding="utf-8")
        files.append(path)
    return files
