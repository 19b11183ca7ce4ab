"""CPU time of lac_crf's CRF part (features and decoding): ``python bench/lac_crf_speed.py [--model-dir DIR]``.

The text is the one bench/results/ner.md times the taggers on: the sample page three times plus the People's Daily
NER test sentences joined 8 to a paragraph. LAC runs first, untimed, on every paragraph; then the stacked tagger's
own part (:func:`kg.nlp.tag.lac_crf.recognise`: LAC marks, feature ids or strings, Viterbi and marginals) is timed
in process CPU seconds, best of ``--repeats``. ``--model-dir`` tags with the lac_crf.model (and char_clusters.tsv,
when the code reads clusters) found there instead of the shipped ones. The script uses only functions the tagger
had before the clusters, so it also times an older checkout (``PYTHONPATH=that checkout``).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "kg" / "data" / "sample" / "inner_mongolia_daily_2021-02-22_p3.txt"
PD_TEST = "peoples_daily_ner/example.test"


def paragraphs(data: Path, per_paragraph: int = 8) -> list[str]:
    """The sample page ×3 and the People's Daily NER test sentences joined ``per_paragraph`` to a paragraph, as the
    file has them (bench/tagger_speed.py reads the same sentences with full-width forms normalised, same length; it
    is not imported because it puts this checkout first on sys.path, and this script must time whichever checkout
    PYTHONPATH names)."""
    sentences, current = [], []
    for line in (data / PD_TEST).read_text(encoding="utf-8").split("\n"):
        if line.strip():
            current.append(line.split(" ")[0])
        elif current:
            sentences.append("".join(current))
            current = []
    if current:
        sentences.append("".join(current))
    sample = SAMPLE.read_text(encoding="utf-8")
    joined = ["".join(sentences[i : i + per_paragraph]) for i in range(0, len(sentences), per_paragraph)]
    return [sample] * 3 + joined


def main() -> None:
    """Time the CRF part and print characters, CPU seconds and µs per character."""
    import kg.nlp.tag.lac_crf as lac_crf
    from kg.nlp.tag import crf, lac

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--model-dir", type=Path)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if args.model_dir:
        crf.use_model(args.model_dir / lac_crf.MODEL_NAME, lac_crf.MODEL_NAME)
        if hasattr(lac_crf, "clusters"):
            lac_crf.clusters.use_table(args.model_dir / lac_crf.clusters.TABLE_NAME)
    texts = paragraphs(args.data)
    tokens = [lac.analyse(text) for text in texts]
    chars = sum(map(len, texts))
    lac_crf.recognise(texts[0], tokens[0])  # loads the model and builds any lookup tables outside the timing
    best = float("inf")
    for _ in range(args.repeats):
        started = time.process_time()
        found = sum(len(lac_crf.recognise(text, words)) for text, words in zip(texts, tokens, strict=True))
        best = min(best, time.process_time() - started)
    print(f"{lac_crf.__file__}: {chars:,} characters, {found:,} spans, CRF part {best:.2f} CPU s, "
          f"{best / chars * 1e6:.2f} µs/char (best of {args.repeats})")


if __name__ == "__main__":
    main()
