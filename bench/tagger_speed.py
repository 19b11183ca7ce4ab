"""Recognition speed per core (part of ``make bench``): characters per CPU-second of each tagger, alone and followed
by every per-article extraction stage (rules, linking, relations, quantities, dates), and peak memory.

``python bench/tagger_speed.py [--ner lac --ner lac_crf] [--repeat 3] [--json FILE]``. The text is the sample page three
times over plus the People's Daily NER test sentences joined eight to a paragraph (when ../shared/data is there), about
240,000 characters of news, each text an article. kg tags the articles of a document together
(:func:`kg.run.get_batched`; LAC batches their pieces), then runs the extraction stages on each article:
``--per-document N`` puts N articles in a document (default 1, an archive of one-article files, the slowest case; a
newspaper page such as the sample has nine).
Each tagger runs in its own process, once to load and warm up and then ``--repeat`` times;
the fastest repeat counts, as with ``timeit``, since slower ones measure the neighbours. CPU time, not wall time, so
the figure is per core whatever else runs, though a busy machine still slows it (shared caches).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.model import Article, ArticleExtraction  # noqa: E402
from kg.run import Settings, get_batched, get_stage  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
SAMPLE = ROOT / "kg" / "data" / "sample" / "inner_mongolia_daily_2021-02-22_p3.txt"
TARGET = 25_000  # characters per second per core (issue 4)


def corpus(data: Path = DATA) -> list[str]:
    """The texts timed: the sample page ×3, then People's Daily NER test sentences, eight to a paragraph."""
    texts = [SAMPLE.read_text(encoding="utf-8")] * 3
    test = data / "peoples_daily_ner" / "example.test"
    if test.is_file():
        from kg.nlp.tag.train import read_bio

        sentences = [example.text for example in read_bio(test)]
        texts += ["".join(sentences[i : i + 8]) for i in range(0, len(sentences), 8)]
    return texts


def time_one(ner: str, repeat: int, per_document: int = 1) -> dict[str, object]:
    """Time tagger ``ner`` in this process: tagger alone and with the extraction stages, fastest of ``repeat``."""
    settings = Settings(ner=ner)
    tagger = get_batched(settings.tagger)
    steps = [get_stage(name) for name in settings.steps]
    texts = corpus()
    articles = [Article(id=f"a{i}", document_id="bench", index=i, text=text) for i, text in enumerate(texts)]
    documents = [articles[i : i + per_document] for i in range(0, len(articles), per_document)]
    loading = time.perf_counter()
    tagger([ArticleExtraction(article=articles[0])], settings)  # loads the model
    load_seconds = time.perf_counter() - loading
    characters = sum(len(text) for text in texts)
    alone, extraction = [], []
    for _ in range(repeat):
        started = time.process_time()
        tagged = [result for document in documents
                  for result in tagger([ArticleExtraction(article=article) for article in document], settings)]
        middle = time.process_time()
        for result in tagged:
            for step in steps:
                result = step(result, settings)
        ended = time.process_time()
        alone.append(middle - started)
        extraction.append(ended - started)
    return {
        "ner": ner,
        "articles_per_document": per_document,
        "characters": characters,
        "repeats_cpu_seconds_tagger": [round(x, 3) for x in alone],
        "repeats_cpu_seconds_extraction": [round(x, 3) for x in extraction],
        "tagger_chars_per_cpu_second": round(characters / min(alone)),
        "extraction_chars_per_cpu_second": round(characters / min(extraction)),
        "first_call_seconds": round(load_seconds, 3),  # wall time, model loading included
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main() -> None:
    """Time each tagger in a child process; print a table, optionally write JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ner", action="append", help="tagger (repeatable); default: crf, lac, lac_crf and neural")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--per-document", type=int, default=1, help="articles a document (tagged together)")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # the child process's side
    args = parser.parse_args()
    if args.one:
        print(json.dumps(time_one(args.one, args.repeat, args.per_document)))
        return
    rows = []
    for ner in args.ner or ["crf", "lac", "lac_crf", "neural"]:
        child = subprocess.run([sys.executable, __file__, "--one", ner, "--repeat", str(args.repeat),
                                "--per-document", str(args.per_document)],
                               check=True, capture_output=True, text=True)
        rows.append(json.loads(child.stdout))
    print(f"{rows[0]['characters']:,} characters of news, {args.per_document} article(s) a document; fastest of "
          f"{args.repeat} repeats, CPU time, one process each")
    print("| tagger | tagger alone, chars/s | with extraction stages, chars/s | first call (loads) | peak RSS "
          "| ≥ 25,000 chars/s |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        met = "met" if row["extraction_chars_per_cpu_second"] >= TARGET else "not met"
        print(f"| {row['ner']} | {row['tagger_chars_per_cpu_second']:,} | {row['extraction_chars_per_cpu_second']:,} "
              f"| {row['first_call_seconds']} s | {row['peak_rss_mib']} MiB | {met} |")
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
