"""Rebuild the shipped CRF models (``make train``): ``python bench/train_ner.py [--tagger crf|lac_crf] [--data DIR]``.

Reads ../shared/data next to the repository, writes kg/data/ner/crf.model + crf.json and lac_crf.model + lac_crf.json
+ char_clusters.tsv (both by default, one after the other), prints progress and the held-out score tables. With
``--out DIR`` everything goes to DIR instead, and the scores are those of the model and table in DIR, so that
trainings with different settings can run side by side.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.nlp.tag.train import DEFAULT_C1, TAGGERS, TrainSettings, train  # noqa: E402


def main() -> None:
    """Parse options, train, report."""
    defaults = TrainSettings()
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=ROOT / "kg" / "data" / "ner")
    parser.add_argument("--c1", type=float, default=None, help="L1 weight; default: per model (DEFAULT_C1)")
    parser.add_argument("--c2", type=float, default=defaults.c2)
    parser.add_argument("--iterations", type=int, default=defaults.max_iterations)
    parser.add_argument("--min-freq", type=int, default=defaults.min_freq)
    parser.add_argument("--with-pfr", action="store_true", help="add the People's Daily 1998-01 corpus")
    parser.add_argument("--tagger", action="append", choices=sorted(TAGGERS),
                        help="model to train (repeatable); default: all of them")
    args = parser.parse_args()
    for tagger in args.tagger or sorted(TAGGERS):
        c1 = args.c1 if args.c1 is not None else DEFAULT_C1.get(tagger, defaults.c1)
        settings = TrainSettings(c1=c1, c2=args.c2, max_iterations=args.iterations, min_freq=args.min_freq,
                                 use_pfr=args.with_pfr, tagger=tagger)
        metadata = train(args.data, args.out, settings, progress=lambda message: print(message, flush=True))
        print(f"model {args.out / metadata['model']}: {metadata['model_bytes']:,} bytes, "
              f"{metadata['training_seconds']} s training", flush=True)


if __name__ == "__main__":
    main()
