"""Relation benchmark: precision and recall of ``nlp.relate.patterns`` on FinRE, and the hand-judged sample page.

FinRE (Li et al., ACL 2019; thunlp/Chinese_NRE, MIT) labels entity pairs of financial-news sentences with 44 relations.
Those that correspond to a kg property are mapped here, in one place; the rest are reported as unmapped and left out.
Each sentence is run through the relation patterns with its annotated entities as mentions (and, optionally, the LAC
tagger's words). A prediction counts only on an annotated pair: right when it matches a mapped label of that pair,
wrong when the pair is labelled ``unknown`` or with another mapped relation; pairs that carry only unmapped labels
cannot judge a prediction and are counted apart.

With ``--sample`` the sample page is also scored against the hand-made gold of its relations and quantities
(``tests/cases/sample_page/gold_facts.json``): recall, and precision over the kinds of fact the gold covers.

Run ``python -m kg.nlp.relation_eval [--finre DIR] [--split valid] [--no-tagger] [--sample]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import InputError
from kg.model import Article, ArticleExtraction, Mention, Relation, Sentence, Span, Token
from kg.nlp.frames import build_view
from kg.nlp.relate import relate_view
from kg.nlp.rules import class_by_suffix

# FinRE label → (kg key, whether the pair is read head→tail). Passive labels (被X) are the same key read tail→head.
# A key groups kg properties that state the same fact: 拥有 is X owns Y or Y subOrganizationOf X.
FINRE_TO_KG: dict[str, str] = {
    "拥有": "owns",
    "持股": "investsIn",
    "增持": "investsIn",
    "注资": "investsIn",
    "入股": "investsIn",
    "买资": "investsIn",
    "成立": "founded",
    "合作": "cooperatesWith",
    "合资": "cooperatesWith",
    "订单": "ordersFrom",
}
SYMMETRIC = {"cooperatesWith", "ordersFrom"}
UNMAPPED_NOTES = {
    "自己": "same entity under another name (alias), a resolution matter, not a relation",
    "竞争": "competition: kg has no such property",
    "分析": "an analyst firm comments on a company: not a fact kg states",
    "签约": "signing: an event rather than a standing relation",
    "纠纷": "dispute: no kg property",
    "减持": "reducing a stake: a change, not a standing relation",
    "收购": "acquisition: no kg property (owns after completion; a change of ownership is an event)",
    "拟收购": "planned acquisition: not a stated fact",
    "重组": "restructuring: an event",
    "发行": "issuing shares: not kg's issuedBy (works)",
    "交易": "transaction: no kg property",
    "合并": "merger: an event",
    "帮助": "help: too vague",
    "商讨": "negotiation: not a stated fact",
    "借壳": "backdoor listing: no kg property",
    "欠款": "debt: no kg property",
    "转让": "transfer: an event",
}


def _key(predicate: str, subject: str, obj: str) -> tuple[str, str, str] | None:
    """The FinRE-comparable key of a kg relation, or None for properties FinRE does not label."""
    if predicate == "subOrganizationOf":
        return ("owns", obj, subject)
    if predicate in ("owns", "investsIn", "founded"):
        return (predicate, subject, obj)
    if predicate in SYMMETRIC:
        first, second = sorted((subject, obj))
        return (predicate, first, second)
    return None


def _gold_key(label: str, head: str, tail: str) -> tuple[str, str, str] | None:
    passive = label.startswith("被")
    base = label[1:] if passive else label
    predicate = FINRE_TO_KG.get(base)
    if predicate is None:
        return None
    subject, obj = (tail, head) if passive else (head, tail)
    return _key(predicate, subject, obj)


@dataclass
class Record:
    """One FinRE sentence with its annotated pairs."""

    sentence: str
    labels: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))


def read_finre(path: Path) -> list[Record]:
    """FinRE records (``head<TAB>tail<TAB>relation<TAB>sentence``), grouped by sentence in file order."""
    if not path.is_file():
        raise InputError(f"FinRE file not found: {path}")
    records: dict[str, Record] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) != 4:
            continue
        head, tail, label, sentence = parts
        record = records.setdefault(sentence, Record(sentence))
        record.labels[(head, tail)].add(label)
    return list(records.values())


def _extraction(sentence: str, names: set[str], tagged: bool) -> ArticleExtraction:
    article = Article(
        id="finre", document_id="finre", index=0, text=sentence, sentences=[Sentence(0, Span(0, len(sentence)))]
    )
    mentions = []
    taken = bytearray(len(sentence))
    for name in sorted(names, key=len, reverse=True):  # longest names first: 哈药集团 before 哈药
        for match in re.finditer(re.escape(name), sentence):
            if any(taken[match.start() : match.end()]):
                continue
            taken[match.start() : match.end()] = b"\x01" * len(name)
            mentions.append(
                Mention("finre", match.start(), match.end(), name, class_by_suffix(name, "Company"), 1.0, "gold")
            )
    tokens: list[Token] = []
    if tagged:
        from kg.nlp.tag.lac import analyse

        tokens = [Token.at(offset, word, pos) for offset, word, pos in analyse(sentence)]
    return ArticleExtraction(article=article, mentions=mentions, tokens=tokens)


def _names(relation: Relation) -> tuple[str, str]:
    subject = relation.subject_mention.text if relation.subject_mention else relation.subject
    obj = relation.object_mention.text if relation.object_mention else relation.object
    return subject, obj


def evaluate_finre(path: Path, tagged: bool = True) -> dict[str, object]:
    """Precision and recall of the relation patterns on one FinRE split, per kg property and overall."""
    records = read_finre(path)
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    gold: Counter[str] = Counter()
    unjudged = 0
    unmapped: Counter[str] = Counter()
    errors: list[dict[str, str]] = []
    for record in records:
        gold_keys: set[tuple[str, str, str]] = set()
        judged_pairs: set[frozenset[str]] = set()
        for (head, tail), labels in record.labels.items():
            for label in labels:
                key = _gold_key(label, head, tail)
                if key is not None:
                    gold_keys.add(key)
                    judged_pairs.add(frozenset((head, tail)))
                elif label == "unknown":
                    judged_pairs.add(frozenset((head, tail)))
                else:
                    unmapped[label.removeprefix("被")] += 1
        for key in gold_keys:
            gold[key[0]] += 1
        names = {name for pair in record.labels for name in pair}
        view = build_view(_extraction(record.sentence, names, tagged))
        predicted = set()
        for relation in relate_view(view):
            subject, obj = _names(relation)
            key = _key(relation.predicate, subject, obj)
            if key is None:
                continue
            predicted.add(key)
        for key in predicted:
            pair = frozenset(key[1:])
            if pair not in judged_pairs:
                if pair in {frozenset(p) for p in record.labels}:
                    unjudged += 1
                continue
            if key in gold_keys:
                tp[key[0]] += 1
            else:
                fp[key[0]] += 1
                if len(errors) < 20:
                    errors.append({"predicted": " ".join(key), "sentence": record.sentence})
    properties = sorted(set(gold) | set(tp) | set(fp))
    per_property = {
        prop: {
            "gold": gold[prop],
            "predicted": tp[prop] + fp[prop],
            "correct": tp[prop],
            "precision": _ratio(tp[prop], tp[prop] + fp[prop]),
            "recall": _ratio(tp[prop], gold[prop]),
        }
        for prop in properties
    }
    total_tp, total_fp, total_gold = sum(tp.values()), sum(fp.values()), sum(gold.values())
    return {
        "dataset": f"FinRE {path.stem} ({path})",
        "sentences": len(records),
        "tagger": "lac" if tagged else "none",
        "mapping": {label: prop for label, prop in FINRE_TO_KG.items()},
        "gold_relations": total_gold,
        "predicted": total_tp + total_fp,
        "correct": total_tp,
        "precision": _ratio(total_tp, total_tp + total_fp),
        "recall": _ratio(total_tp, total_gold),
        "per_property": per_property,
        "predictions_on_unmapped_pairs": unjudged,
        "unmapped_labels": {
            label: {"instances": n, "why": UNMAPPED_NOTES.get(label, "")} for label, n in unmapped.most_common()
        },
        "false_positive_examples": errors,
    }


def _ratio(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


JUDGED = Path(__file__).resolve().parents[2] / "docs" / "sample_relations_judged.md"
_ROW = re.compile(
    r"^\|\s*(?P<subject>[^|]+?)\s*\|\s*(?P<predicate>[^|]+?)\s*\|\s*(?P<object>[^|]+?)\s*\|\s*(?P<sentence>[^|]*?)\s*\|\s*(?P<verdict>right|wrong)\s*\|"
)


def sample_relations(sample: Path, date: dt.date) -> list[tuple[str, str, str, str]]:
    """(subject, predicate, object, sentence) of every relation the pipeline states on a page, sorted."""
    from kg.run import Settings, run

    corpus = run([sample], Settings(date=date))
    labels = {key: entity.label for key, entity in corpus.entities.items()}
    rows = set()
    for relation in corpus.relations:
        obj = relation.object if relation.literal else labels.get(relation.object, relation.object)
        predicate = relation.predicate + (f"[{relation.attrs['title']}]" if relation.attrs.get("title") else "")
        rows.add((labels.get(relation.subject, relation.subject), predicate, obj, relation.evidence.text[:30]))
    return sorted(rows)


def evaluate_sample(sample: Path, date: dt.date, judged: Path = JUDGED) -> dict[str, object]:
    """Precision of the relations stated on the sample page against the hand judgements in ``judged``."""
    verdicts = {}
    for line in judged.read_text(encoding="utf-8").splitlines():
        match = _ROW.match(line)
        if match:
            key = (match["subject"], match["predicate"], match["object"])
            verdicts[key] = match["verdict"] == "right"
    emitted = sample_relations(sample, date)
    right = wrong = 0
    unjudged = []
    for subject, predicate, obj, _sentence in emitted:
        verdict = verdicts.get((subject, predicate, obj))
        if verdict is None:
            unjudged.append(f"{subject} {predicate} {obj}")
        elif verdict:
            right += 1
        else:
            wrong += 1
    return {
        "sample": str(sample),
        "emitted": len(emitted),
        "judged_right": right,
        "judged_wrong": wrong,
        "precision": _ratio(right, right + wrong),
        "unjudged": unjudged,
    }


GOLD_FACTS = Path(__file__).resolve().parents[2] / "tests" / "cases" / "sample_page" / "gold_facts.json"


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 0.01 * max(abs(a), abs(b), 1e-9)


def score_gold_facts(corpus: Any, gold: dict[str, Any]) -> dict[str, object]:
    """Recall and precision of a built page's relations and quantities against a hand-made gold (see
    ``tests/cases/sample_page/gold_facts.json`` for the format).

    A relation matches a gold one on subject, predicate (``holdsPost[title]`` for a post) and object, an entity matching
    by any of its names and a gold object ``null`` matching any object; symmetric properties match either way round.
    A relation is wrong only when its predicate is one the gold covers and neither the gold nor its optional facts hold
    it. Quantities match by value (within 1 %), each gold mention once; a quantity is wrong when no gold value is its.
    """
    entities = corpus.entities

    def names(key: str, literal: bool) -> set[str]:
        entity = None if literal else entities.get(key)
        return {key} if entity is None else {entity.label, *entity.alt_labels}

    emitted = []
    for relation in corpus.relations:
        title = relation.attrs.get("title")
        predicate = relation.predicate + (f"[{title}]" if title else "")
        emitted.append((names(relation.subject, False), predicate, names(relation.object, relation.literal)))
    symmetric = set(gold.get("symmetric", []))

    def holds(fact: dict[str, Any], row: tuple[set[str], str, set[str]]) -> bool:
        subjects, predicate, objects = row
        if predicate != fact["p"]:
            return False
        if fact["s"] in subjects and (fact["o"] is None or fact["o"] in objects):
            return True
        return predicate.split("[")[0] in symmetric and fact["o"] in subjects and fact["s"] in objects

    required, optional = gold["relations"], gold.get("optional_relations", [])
    covered = {fact["p"].split("[")[0] for fact in required + optional}
    found = [fact for fact in required if any(holds(fact, row) for row in emitted)]
    judged = {(frozenset(s), p, frozenset(o)) for s, p, o in emitted if p.split("[")[0] in covered}
    wrong = sorted(
        f"{sorted(s)[0]} {p} {sorted(o)[0]}"
        for s, p, o in judged
        if not any(holds(fact, (set(s), p, set(o))) for fact in required + optional)
    )
    values = [
        float(q.value if q.value is not None else q.value_min)
        for q in corpus.quantities
        if q.value is not None or q.value_min is not None
    ]
    gold_values = [float(q["value"]) for q in gold["quantities"]]
    allowed = gold_values + [float(q["value"]) for q in gold.get("optional_quantities", [])]
    pool, hits, missed = list(values), 0, []
    for q, value in zip(gold["quantities"], gold_values, strict=True):
        at = next((i for i, v in enumerate(pool) if _close(v, value)), None)
        if at is None:
            missed.append(q["text"])
        else:
            hits += 1
            pool.pop(at)
    right = sum(1 for v in values if any(_close(v, g) for g in allowed))
    wrong_quantities = sorted(
        q.text for q in corpus.quantities if q.value is not None and not any(_close(float(q.value), g) for g in allowed)
    )
    return {
        "relations": {
            "gold": len(required),
            "found": len(found),
            "recall": _ratio(len(found), len(required)),
            "judged": len(judged),
            "wrong": len(wrong),
            "precision": _ratio(len(judged) - len(wrong), len(judged)),
            "missed": [f"{f['s']} {f['p']} {f['o']}" for f in required if f not in found],
            "wrong_examples": wrong,
        },
        "quantities": {
            "gold": len(gold_values),
            "found": hits,
            "recall": _ratio(hits, len(gold_values)),
            "predicted": len(values),
            "right": right,
            "precision": _ratio(right, len(values)),
            "missed": missed,
            "wrong_examples": wrong_quantities,
        },
    }


def evaluate_gold_facts(sample: Path, date: dt.date, gold: Path = GOLD_FACTS) -> dict[str, object]:
    """Build the page and score it against its hand-made gold facts (:func:`score_gold_facts`)."""
    from kg.run import Settings, run

    return score_gold_facts(run([sample], Settings(date=date)), json.loads(gold.read_text(encoding="utf-8")))


def main(argv: list[str] | None = None) -> str:
    """Run the benchmark(s) named on the command line and return the JSON report."""
    root = Path(__file__).resolve().parents[2]
    parser = argparse.ArgumentParser(prog="python -m kg.nlp.relation_eval", description=__doc__.splitlines()[0])
    parser.add_argument("--finre", type=Path, default=root.parent / "shared" / "data" / "finre")
    parser.add_argument("--split", default="valid", choices=("valid", "train"))
    parser.add_argument("--no-tagger", action="store_true", help="match without the LAC words (faster)")
    parser.add_argument("--sample", action="store_true", help="also score the hand-judged sample page")
    args = parser.parse_args(argv)
    report: dict[str, object] = {}
    split = args.finre / f"{args.split}.txt"
    report["finre"] = (
        evaluate_finre(split, tagged=not args.no_tagger) if split.is_file() else f"skipped: {split} absent"
    )
    if args.sample:
        sample = root / "kg" / "data" / "sample" / "inner_mongolia_daily_2021-02-22_p3.txt"
        report["sample"] = evaluate_sample(sample, dt.date(2021, 2, 22))
        report["sample_gold"] = evaluate_gold_facts(sample, dt.date(2021, 2, 22))
    return json.dumps(report, ensure_ascii=False, indent=2)


if __name__ == "__main__":
    sys.stdout.write(main() + "\n")
