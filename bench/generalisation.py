"""Do rules developed on news_dev generalise? Dump what one checkout of kg extracts from text nobody tuned on, then
diff two dumps and print a deterministic sample of the changes to judge by hand.

``PYTHONPATH=CHECKOUT python bench/generalisation.py dump SET OUT.jsonl`` runs the kg on the path (SET: ``pd``, the
People's Daily of January 1998, every 5th article, 600; ``cluener``, CLUENER2020 **train**, every 7th sentence, 1,500;
``finre``, FinRE **train**, every 12th distinct sentence, 512) and writes one line per entity mention, relation and
event. ``python bench/generalisation.py diff OLD.jsonl NEW.jsonl [--kind E|R|V] [--sample 60]`` counts what was added
and removed per set and kind and prints every k-th change with its sentence. Findings: bench/results/generalisation.md.
Held-out splits (CLUENER dev/test, FinRE test) are never read.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def pd_texts(data: Path, step: int = 5, count: int = 600) -> Iterator[tuple[str, str, dt.date | None]]:
    """Articles of the PFR corpus (paragraph ids date-page-article-paragraph), tags and brackets removed."""
    articles: dict[str, list[str]] = {}
    with (data / "peoples_daily_199801" / "199801.utf8.txt").open(encoding="utf-8") as handle:
        for line in handle:
            tokens = line.strip().split("  ")
            if len(tokens) < 2:
                continue
            article = tokens[0].split("/")[0].rsplit("-", 1)[0]
            words = (re.sub(r"/[a-zA-Z]+$", "", re.sub(r"\][a-zA-Z]+$", "", t).lstrip("[")) for t in tokens[1:])
            articles.setdefault(article, []).append("".join(words))
    for name in list(articles)[::step][:count]:
        yield name, "\n".join(articles[name]), dt.date(1998, 1, int(name[6:8]))


def cluener_texts(data: Path, step: int = 7, count: int = 1500) -> Iterator[tuple[str, str, dt.date | None]]:
    lines = (data / "cluener2020" / "train.json").read_text(encoding="utf-8").splitlines()
    for number in range(0, min(len(lines), step * count), step):
        yield f"cluener-{number}", json.loads(lines[number])["text"], None


def finre_texts(data: Path, step: int = 12, count: int = 600) -> Iterator[tuple[str, str, dt.date | None]]:
    sentences: dict[str, None] = {}  # distinct, in order
    for record in (data / "finre" / "train.txt").read_text(encoding="utf-8").split("\n"):
        parts = record.split("\t")
        if len(parts) == 4:
            sentences.setdefault(parts[3])
    for number, sentence in enumerate(list(sentences)[::step][:count]):
        yield f"finre-{number}", sentence, None


SETS = {"pd": pd_texts, "cluener": cluener_texts, "finre": finre_texts}


def _rows(corpus: Any) -> list[dict[str, object]]:
    """One row per entity mention (with its context), relation and event (with its sentence) of ``corpus``."""
    texts = {x.article.id: x.article.text for x in corpus.extractions}

    def label(key: str) -> str:
        return str(corpus.entities[key].label) if key in corpus.entities else key

    rows: list[dict[str, object]] = []
    for entity in corpus.entities.values():
        for m in entity.mentions:
            around = texts.get(m.article_id, "")
            context = f"{around[max(0, m.start - 30) : m.start]}【{m.text}】{around[m.end : m.end + 30]}"
            rows.append({"kind": "E", "key": [m.start, m.end, m.text, entity.type], "ctx": context})
    for r in corpus.relations:
        obj = r.object if r.literal else label(r.object)
        rows.append({"kind": "R", "key": [label(r.subject), r.predicate, obj], "ctx": r.evidence.text[:200]})
    for e in corpus.events:
        key = [e.type, e.label, label(e.place) if e.place else None, sorted(label(p) for p in e.participants)]
        rows.append({"kind": "V", "key": key, "ctx": e.evidence.text[:200]})
    return rows


def dump(which: str, out: Path, data: Path) -> None:
    import kg
    from kg.api import extract_texts

    with out.open("w", encoding="utf-8") as handle:
        for name, text, date in SETS[which](data):
            for row in _rows(extract_texts([(name, text)], kg.Settings(date=date))):
                handle.write(json.dumps({"set": which, "doc": name, **row}, ensure_ascii=False) + "\n")


def _load(path: Path) -> dict[tuple[str, str, str], dict[str, object]]:
    rows = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        rows[(str(row["doc"]), str(row["kind"]), json.dumps(row["key"], ensure_ascii=False))] = row
    return rows


def diff(old: Path, new: Path, kind: str | None, sample: int) -> None:
    before, after = _load(old), _load(new)
    changes = [("+", after[k]) for k in sorted(after.keys() - before.keys())]
    changes += [("-", before[k]) for k in sorted(before.keys() - after.keys())]
    changes.sort(key=lambda c: (str(c[1].get("set", "")), str(c[1]["doc"]), str(c[1]["kind"]), c[0]))
    counts = Counter((str(row.get("set", "")), str(row["kind"]), sign) for sign, row in changes)
    for (which, what, sign), n in sorted(counts.items()):
        print(which, what, sign, n)
    if kind is None:
        return
    chosen = [c for c in changes if c[1]["kind"] == kind]
    picks = sorted({int(i * len(chosen) / sample) for i in range(min(sample, len(chosen)))})
    for number, index in enumerate(picks):
        sign, row = chosen[index]
        print(f"#{number} {row.get('set', '')} {row['doc']} {sign} {row['key']} | {row['ctx']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    one = sub.add_parser("dump")
    one.add_argument("set", choices=sorted(SETS))
    one.add_argument("out", type=Path)
    one.add_argument("--data", type=Path, default=DATA)
    two = sub.add_parser("diff")
    two.add_argument("old", type=Path)
    two.add_argument("new", type=Path)
    two.add_argument("--kind", choices=["E", "R", "V"])
    two.add_argument("--sample", type=int, default=60)
    args = parser.parse_args()
    if args.command == "dump":
        dump(args.set, args.out, args.data)
    else:
        diff(args.old, args.new, args.kind, args.sample)


if __name__ == "__main__":
    main()
