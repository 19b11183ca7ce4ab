"""Score taggers on the held-out sets of ../shared/data (``make eval``).

``python bench/eval_ner.py [--data DIR] [--ner crf --ner neural] [--limit N] [--set NAME] [--json FILE]`` prints one table per tagger
and data set, for the tagger alone and with kg's rules and linking stages after it: exact span and type precision, recall and F1 per class and micro, characters per second, peak RSS.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.nlp.evaluate import eval_ner, suite  # noqa: E402

# Sets a tagger was trained on (in part), which say nothing about it: the neural tagger trains on 85 % of CLUENER
# train; its held-out tenth (cluener2020_heldout) is scored instead.
TRAINED_ON = {"neural": {"cluener2020_train"}}


def main() -> None:
    """Parse options, run the suite for each tagger, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--ner", action="append", help="tagger name (repeatable); default: crf, lac, lac_crf and neural")
    parser.add_argument("--limit", type=int, default=None, help="score only the first N sentences of each set")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures to this JSON file")
    parser.add_argument("--set", action="append", dest="sets", help="score only this held-out set (repeatable)")
    args = parser.parse_args()
    if not args.data.is_dir():
        sys.exit(f"no data folder at {args.data}")
    figures = []
    sets = [entry for entry in suite(args.data) if entry[1].exists() and (not args.sets or entry[0] in args.sets)]
    for ner in args.ner or ["crf", "lac", "lac_crf", "neural"]:
        # The tagger alone, then what kg emits: tagger + rules + linking, classes scored by family.
        for with_rules in (False, True):
            for name, path, fmt, exclude in sets:
                if name in TRAINED_ON.get(ner, ()):
                    continue
                result = eval_ner(path, fmt, ner=ner, limit=args.limit, exclude=exclude, with_rules=with_rules)
                result.data = name
                print(result.table(), end="\n\n", flush=True)
                figures.append(result.as_dict())
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
