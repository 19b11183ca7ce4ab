"""Does numpy decoding (:class:`kg.nlp.tag.linear_crf.LinearCRF`) give python-crfsuite's results?

``python bench/crf_decode_check.py [--data ../shared/data] [--cluener 3000] [--random 400] [--json FILE]``

For the crf and lac_crf models, on People's Daily NER dev and test, the MSRA validation slice and the first
``--cluener`` CLUENER sentences (eight sentences to a text, as the speed benchmark joins them), the sample page, and
``--random`` generated texts (Chinese, punctuation and brackets, ``^$|``, emoji, control characters including NUL,
Latin, digits, full-width forms, one-character lines, lines of thousands of characters without a clause end), every
piece the taggers cut is decoded both ways: the reference (feature strings through python-crfsuite, ``tagger.tag()``
and ``tagger.marginal()``) and the new path (``column_ids`` of the same strings, ``decode`` of all pieces of a text at
once). Counted: pieces whose best label sequence differs, positions whose best label's marginal rounds differently to
4 decimals (the score kept), the largest marginal difference, and texts whose final spans and scores differ.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.nlp.evaluate import read_bio, read_cluener  # noqa: E402
from kg.nlp.tag import crf, lac, lac_crf  # noqa: E402
from kg.nlp.tag.pieces import pieces  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
SAMPLE = ROOT / "kg" / "data" / "sample" / "inner_mongolia_daily_2021-02-22_p3.txt"


def joined(sentences: Iterable[str], per_text: int = 8) -> list[str]:
    """Sentences joined ``per_text`` to a text."""
    items = list(sentences)
    return ["".join(items[i : i + per_text]) for i in range(0, len(items), per_text)]


def random_texts(count: int, seed: int = 20261128) -> list[str]:
    """Generated texts mixing every kind of character the taggers may meet, some very long."""
    rng = random.Random(seed)
    common = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
    kinds = [
        common,
        list("，。、；：？！“”‘’（）《》〈〉【】「」『』—…·,.;:?!\"'()[]<>-/%+"),
        list("^$|^^$$||"),
        ["😀", "🇨🇳", "👍🏽", "\U0001f600", "\u200b", "\ufeff"],
        [chr(c) for c in (*range(0, 32), 127)],
        list("abcXYZ ABC xyz"),
        list("0123456789"),
        [chr(c) for c in range(0xFF01, 0xFF5F)] + ["\u3000"],
        list("省市县公司大学委员会自治区有限公司派出所内蒙古赤峰市北京上海张王李"),
    ]
    texts = []
    for i in range(count):
        length = rng.choice([1, 2, 5, 30, 120, 400, 1500]) if i % 10 else rng.choice([3000, 7000])
        weights = [rng.random() ** 2 for _ in kinds]
        texts.append("".join(rng.choice(rng.choices(kinds, weights)[0]) for _ in range(length)))
    texts += ["", "\n", "一", "\x00", "^", "$", "|", "我" * 5000, "。" * 700, "张三。" * 400]
    return texts


def compare(name: str, texts: list[str], stacked: bool) -> dict[str, object]:
    """Decode every piece of ``texts`` both ways with the crf (``stacked`` False) or lac_crf model, counting
    differences."""
    model_name = lac_crf.MODEL_NAME if stacked else crf.MODEL_NAME
    model = crf.loaded_model(model_name)
    reference = crf.reference_tagger(model_name)
    counts = {"texts": len(texts), "pieces": 0, "positions": 0, "path_differences": 0,
              "score_differences": 0, "largest_marginal_difference": 0.0, "texts_with_different_spans": 0}
    for text in texts:
        cut = pieces(text, crf.MAX_CHUNK)
        if stacked:
            marks = lac_crf.lac_marks(text, lac.analyse(text))
            columns = [lac_crf.feature_columns(piece, marks[o : o + len(piece)]) for o, piece in cut]
        else:
            columns = [crf.feature_columns(piece) for _, piece in cut]
        ids = [model.column_ids(c) for c in columns]
        old_spans = []
        for (offset, piece), cols, (best, marginals) in zip(cut, columns, model.decode(ids), strict=True):
            rows = [list(row) for row in zip(*cols)]
            old_spans.extend(crf.label_spans(reference, rows, piece, offset))
            reference.set(rows)  # afresh: a second tag() on one set() spoils crfsuite's marginals
            labels = reference.tag()
            counts["pieces"] += 1
            counts["positions"] += len(piece)
            if labels != [model.labels[i] for i in best.tolist()]:
                counts["path_differences"] += 1
                continue
            for t, label in enumerate(labels):
                old = reference.marginal(label, t)
                counts["largest_marginal_difference"] = max(counts["largest_marginal_difference"],
                                                            abs(old - float(marginals[t])))
                counts["score_differences"] += round(old, 4) != round(float(marginals[t]), 4)
        by_offset = {offset: piece_ids for (offset, _), piece_ids in zip(cut, ids, strict=True)}
        new_spans = crf.balance_brackets(
            text, crf.model_spans(model, cut, lambda group: [by_offset[offset] for offset, _ in group]))
        counts["texts_with_different_spans"] += new_spans != crf.balance_brackets(text, old_spans)
    counts["largest_marginal_difference"] = f"{counts['largest_marginal_difference']:.2e}"
    return {"set": name, "model": model_name, **counts}


def main() -> None:
    """Run the comparison and print a table (and JSON with ``--json``)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--cluener", type=int, default=3000)
    parser.add_argument("--random", type=int, default=400)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    sets: list[tuple[str, list[str]]] = []
    if (args.data / "peoples_daily_ner").is_dir():
        for split in ("dev", "test"):
            examples = read_bio(args.data / "peoples_daily_ner" / f"example.{split}")
            sets.append((f"peoples_daily_ner_{split}", joined(e.text for e in examples)))
    if (args.data / "msra_ner_val").is_dir():
        sets.append(("msra_ner_val", joined(e.text for e in read_bio(args.data / "msra_ner_val"))))
    if (args.data / "cluener2020" / "train.json").is_file():
        examples = read_cluener(args.data / "cluener2020" / "train.json")
        sets.append((f"cluener2020_first_{args.cluener}",
                     joined(e.text for _, e in zip(range(args.cluener), examples, strict=False))))
    sets.append(("sample_page", [SAMPLE.read_text(encoding="utf-8")]))
    sets.append((f"random_{args.random}", random_texts(args.random)))
    rows = []
    started = time.perf_counter()
    for stacked in (False, True):
        for name, texts in sets:
            rows.append(compare(name, texts, stacked))
    keys = list(rows[0])
    print("| " + " | ".join(keys) + " |")
    print("|" + "---|" * len(keys))
    for row in rows:
        print("| " + " | ".join(str(row[k]) for k in keys) + " |")
    print(f"({time.perf_counter() - started:.0f} s)")
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
