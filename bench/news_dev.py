"""Score kg end to end on ``../shared/data/news_dev``: entities, posts, relations, quantities and events.

news_dev holds 60 modern regional news articles with gold annotations (see its README). Each article is built on its
own with its publication date, and what kg found is matched against the gold the way the set's README asks:

* **entities**: a kg entity matches a gold entity when one of its names (label or alternative labels, in either
  script) equals the gold name or one of its aliases; the class is right when kg's class falls in the gold family
  (``FAMILY`` below). Entities whose every name, or every mention as printed in the article, is in the article's
  ``acceptable`` list are neither right nor wrong; so are, in part B, entities printed only as bare bodies (县委,
  市政府: part B's README does not annotate bare references, part A's does).
* **posts**: same person, and the title as written (one contains the other, after dropping the post's organisation
  from kg's title). Part A counts a byline role as a post only where the outlet is named (its README; part B counts
  every one): in part A, a byline post kg states without an outlet is neither right nor wrong.
* **relations**: subject and object match as entities and kg's property maps to the gold label (``RELATION``). A
  relation with an ``acceptable`` entity (a body inside a post title …) is neither right nor wrong: the gold, whose
  relations join gold entities only, cannot hold it.
* **quantities**: the value within 1 % (part A lists every mention, part B every distinct value); a range by its
  lower end.
* **events**: the gold trigger lies in the sentence kg read the event from, and kg's class maps to the gold type.

``python bench/news_dev.py [--data DIR] [--ner NAME] [--json FILE] [--markdown FILE] [--errors]`` prints one table;
``--errors`` lists every miss and false positive per article (for development: read them, do not tune to them).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from opencc_purepy import OpenCC  # noqa: E402

import kg  # noqa: E402
from kg.model import Corpus  # noqa: E402
from kg.graph.vocab import is_subclass  # noqa: E402
from kg.nlp.rules import BARE_BODY  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "news_dev"

# kg class → gold family. The first ancestor found in this order decides.
FAMILY: tuple[tuple[str, str], ...] = (
    ("Person", "PER"),
    ("Facility", "FAC"),
    ("Port", "FAC"),
    ("Station", "FAC"),
    ("IndustrialPark", "FAC"),
    ("Project", "FAC"),
    ("Product", "FAC"),
    ("Place", "LOC"),
    ("Organization", "ORG"),
    ("Work", "WORK"),
    ("Event", "EVENT"),
)

# kg property → (gold label, whether kg's subject is the gold subject). builtBy-like inverses read the other way.
RELATION: dict[str, tuple[str, bool]] = {
    "locatedIn": ("located_in", True),
    "containedIn": ("located_in", True),
    "subOrganizationOf": ("part_of", True),
    "partOf": ("part_of", True),
    "worksFor": ("works_for", True),
    "investsIn": ("invests_in", True),
    "builds": ("builds", True),
    "operates": ("operates", True),
    "cooperatesWith": ("partner_of", True),
    "owns": ("owns", True),
    "organizes": ("organizes", True),
    "attends": ("attends", True),
}
SYMMETRIC = {"partner_of"}
# Titles of byline roles (kg.nlp.relate states them for the names of a dateline or credit line).
BYLINE_TITLES = {"记者", "通讯员", "实习生", "摄影记者", "编辑", "责编", "责任编辑", "特约记者", "见习记者",
                 "記者", "通訊員", "編輯", "責編", "責任編輯", "特約記者", "見習記者"}

# kg event class → gold event type. Classes the gold does not separate (Opening, ToppingOut, Approval, PoliceAction,
# OfficialVisit, Journey …) fall under 其他, as the gold types approvals, arrests, visits and 启用 (part A README, 7).
EVENT_TYPE: dict[str, str] = {
    "Meeting": "会议",
    "PressConference": "发布",
    "OperationStart": "投产",
    "ConstructionStart": "开工",
    "Completion": "竣工",
    "Signing": "签约",
    "Inspection": "调研",
    "Unveiling": "揭牌",
    "Release": "发布",
    "Donation": "捐赠",
    "Commendation": "表彰",
}

_T2S = OpenCC("t2s")


def forms(name: str) -> set[str]:
    """A name as written and in simplified script, without book-title brackets."""
    name = name.strip().strip("《》")
    return {name, _T2S.convert(name)}


@dataclass
class Score:
    """Counts for one kind of thing: true positives seen from the gold side and from kg's side."""

    gold: int = 0
    found: int = 0  # gold items kg found
    predicted: int = 0
    right: int = 0  # kg items that match a gold item
    misses: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    # entities: gold family → [gold, found, predicted, right], a kg entity counted under its own family;
    # relations: gold label → the same counts, a kg relation counted under the label its property maps to
    classes: dict[str, list[int]] = field(default_factory=dict)

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 0.0

    @property
    def precision(self) -> float:
        return self.right / self.predicted if self.predicted else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Score) -> None:
        self.gold += other.gold
        self.found += other.found
        self.predicted += other.predicted
        self.right += other.right
        for name, counts in other.classes.items():
            mine = self.classes.setdefault(name, [0, 0, 0, 0])
            for i, value in enumerate(counts):
                mine[i] += value


def family(kg_class: str) -> str | None:
    """The gold family of a kg class, or None for classes the gold does not annotate (Post, Sentence …)."""
    for ancestor, name in FAMILY:
        if is_subclass(kg_class, ancestor):
            return name
    return None


class GoldIndex:
    """Every surface form of an article's gold entities, mapped to the entity's name."""

    def __init__(self, gold: dict) -> None:
        self.by_form: dict[str, dict] = {}
        for entity in gold["entities"]:
            for surface in [entity["name"], *entity.get("aliases", [])]:
                for form in forms(surface):
                    self.by_form.setdefault(form, entity)
        self.acceptable = {form for text in gold.get("acceptable", []) for form in forms(text)}
        self.bare_neutral = gold["file"].startswith("b")

    def lookup(self, names: Iterable[str]) -> dict | None:
        for name in names:
            for form in forms(name):
                if form in self.by_form:
                    return self.by_form[form]
        return None

    def only_acceptable(self, names: list[str], match: dict | None, printed: list[str] | None = None) -> bool:
        """Whether an entity with these names is no gold entity but one the article allows: every name, or every
        mention as printed in the article (辽宁 for kg's 辽宁省), is in its ``acceptable`` list, or (part B, whose
        README does not annotate bare references) every mention is a bare body (县委, 市政府)."""
        if match is not None:
            return False
        if all(form in self.acceptable for name in names for form in forms(name)):
            return True
        if not printed:
            return False
        if all(form in self.acceptable for text in printed for form in forms(text)):
            return True
        return self.bare_neutral and all(BARE_BODY.match(_T2S.convert(text)) for text in printed)

    def name_of(self, text: str) -> str:
        entity = self.lookup([text])
        return entity["name"] if entity else text


def entity_names(corpus: Corpus, key: str) -> list[str]:
    entity = corpus.entities.get(key)
    if entity is None:
        return []
    return [entity.label, *sorted(entity.alt_labels)]


def printed(corpus: Corpus, key: str) -> list[str]:
    """An entity's mentions as printed in the article (kg's label may be a fuller name: 辽宁省 for 辽宁)."""
    entity = corpus.entities.get(key)
    return sorted({m.text for m in entity.mentions}) if entity is not None else []


def neutral(corpus: Corpus, index: GoldIndex, key: str) -> bool:
    """Whether the entity ``key`` is neither right nor wrong (see :meth:`GoldIndex.only_acceptable`)."""
    names = entity_names(corpus, key)
    return index.only_acceptable(names, index.lookup(names), printed(corpus, key))


def score_entities(corpus: Corpus, gold: dict, index: GoldIndex) -> Score:
    score = Score(gold=len(gold["entities"]))
    found: set[str] = set()
    # Entities the articles name outside mentions: dateline places, publications, bylines.
    cited = {key for article in corpus.articles
             for key in (article.place_entity, article.publication_entity, *(b.entity for b in article.bylines)) if key}
    for entity in sorted(corpus.entities.values(), key=lambda e: e.key):
        fam = family(entity.type)
        if fam is None or not (entity.mentions or entity.key in cited):
            continue  # an ancestor division kg adds for the hierarchy is not a name found in the text
        names = [entity.label, *sorted(entity.alt_labels)]
        match = index.lookup(names)
        if index.only_acceptable(names, match, printed(corpus, entity.key)):
            continue
        score.predicted += 1
        score.classes.setdefault(fam, [0, 0, 0, 0])[2] += 1
        if match is not None and match["type"] == fam:
            score.right += 1
            score.classes[fam][3] += 1
            found.add(match["name"])
        else:
            why = f"as {match['type']}" if match else "not in gold"
            score.wrong.append(f"{entity.label} [{entity.type}→{fam}] {why}")
    score.found = len(found)
    score.misses = [f"{e['name']} [{e['type']}]" for e in gold["entities"] if e["name"] not in found]
    for entity in gold["entities"]:
        counts = score.classes.setdefault(entity["type"], [0, 0, 0, 0])
        counts[0] += 1
        counts[1] += entity["name"] in found
    return score


def _title_matches(gold_title: str, kg_title: str, org: str | None) -> bool:
    gold_forms, kg_forms = forms(gold_title), forms(kg_title)
    if org:
        kg_forms |= {form.replace(o, "") for form in kg_forms for o in forms(org)}
    return any(g in k or k in g for g in gold_forms for k in kg_forms if g and k)


def score_posts(corpus: Corpus, gold: dict, index: GoldIndex) -> Score:
    score = Score(gold=len(gold["posts"]))
    predicted = []
    for relation in corpus.relations:
        if relation.predicate != "holdsPost":
            continue
        person = index.name_of(entity_names(corpus, relation.subject)[0] if relation.subject in corpus.entities
                               else relation.subject)
        org_names = entity_names(corpus, relation.object)
        predicted.append((person, relation.attrs.get("title", ""), org_names[0] if org_names else None))
    predicted = sorted(set(predicted), key=lambda p: (p[0], p[1], p[2] or ""))
    if gold["file"].startswith("a"):
        predicted = [p for p in predicted if p[2] is not None or p[1] not in BYLINE_TITLES]
    used: set[int] = set()
    for post in gold["posts"]:
        person = index.name_of(post["person"])
        hit = next((i for i, (p, title, org) in enumerate(predicted)
                    if p == person and _title_matches(post["title"], title, org)), None)
        if hit is None:
            score.misses.append(f"{post['person']} {post['title']} ({post['org_or_place']})")
        else:
            score.found += 1
            used.add(hit)
    score.predicted = len(predicted)
    for i, (person, title, org) in enumerate(predicted):
        if i in used or any(p["person"] in forms(person) | {person} and _title_matches(p["title"], title, org)
                            for p in gold["posts"]):
            score.right += 1
        else:
            score.wrong.append(f"{person} {title} ({org})")
    return score


def score_relations(corpus: Corpus, gold: dict, index: GoldIndex) -> Score:
    gold_triples = set()
    for relation in gold["relations"]:
        s, o = index.name_of(relation["s"]), index.name_of(relation["o"])
        gold_triples.add((s, relation["p"], o))
        if relation["p"] in SYMMETRIC:
            gold_triples.add((o, relation["p"], s))
    predicted = set()
    for relation in corpus.relations:
        mapped = RELATION.get(relation.predicate)
        if mapped is None or relation.literal:
            continue
        label, forward = mapped
        s_names, o_names = entity_names(corpus, relation.subject), entity_names(corpus, relation.object)
        if not s_names or not o_names:
            continue
        s, o = index.name_of(s_names[0]), index.name_of(o_names[0])
        if not forward:
            s, o = o, s
        s_gold, o_gold = index.lookup(s_names), index.lookup(o_names)
        if neutral(corpus, index, relation.subject) or neutral(corpus, index, relation.object):
            continue
        s = s_gold["name"] if s_gold else s
        o = o_gold["name"] if o_gold else o
        predicted.add((s, label, o))
    # posts in an organisation state works_for in the gold
    for relation in corpus.relations:
        if relation.predicate == "holdsPost" and relation.object in corpus.entities:
            if family(corpus.entities[relation.object].type) == "ORG":
                s = index.name_of(entity_names(corpus, relation.subject)[0])
                o_gold = index.lookup(entity_names(corpus, relation.object))
                if neutral(corpus, index, relation.object):
                    continue
                predicted.add((s, "works_for", o_gold["name"] if o_gold else entity_names(corpus, relation.object)[0]))
    distinct_gold = {(r["s"], r["p"], r["o"]) for r in gold["relations"]}
    score = Score(gold=len(distinct_gold), predicted=len(predicted))
    for s, p, o in sorted(distinct_gold):
        s, o = index.name_of(s), index.name_of(o)
        counts = score.classes.setdefault(p, [0, 0, 0, 0])
        counts[0] += 1
        if (s, p, o) in predicted or (p in SYMMETRIC and (o, p, s) in predicted):
            score.found += 1
            counts[1] += 1
        else:
            score.misses.append(f"{s} {p} {o}")
    for triple in sorted(predicted):
        counts = score.classes.setdefault(triple[1], [0, 0, 0, 0])
        counts[2] += 1
        if triple in gold_triples:
            score.right += 1
            counts[3] += 1
        else:
            score.wrong.append(" ".join(triple))
    return score


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 0.01 * max(abs(a), abs(b), 1e-9)


def score_quantities(corpus: Corpus, gold: dict) -> Score:
    per_mention = gold["file"].startswith("a")  # part A lists every mention, part B every distinct value
    # a range matches on its lower end, as the gold gives it (part B README, 7)
    values = [float(q.value if q.value is not None else q.value_min) for q in corpus.quantities
              if q.value is not None or q.value_min is not None]
    gold_values = [float(q["value"]) for q in gold["quantities"]]
    if not per_mention:
        values = sorted(set(values))
    score = Score(gold=len(gold_values), predicted=len(values))
    pool = list(values)
    for q, value in zip(gold["quantities"], gold_values, strict=True):
        hit = next((i for i, v in enumerate(pool) if _close(v, value)), None)
        if hit is None:
            score.misses.append(f"{q['text']} = {q['value']} {q['unit']}")
        else:
            score.found += 1
            if per_mention:
                pool.pop(hit)
    score.right = sum(1 for v in values if any(_close(v, g) for g in gold_values))
    score.wrong = [f"{q.text} = {q.value} {q.unit}" for q in corpus.quantities
                   if q.value is not None and not any(_close(float(q.value), g) for g in gold_values)]
    return score


def _same_date(gold: str | None, kg_date: str | None) -> bool:
    """A gold date (ISO, a range a/b, or as written when the year is unknown) against kg's ISO date: the same day, month
    or year, or a day within a gold range; a date written without its year matches on month and day."""
    if not gold or not kg_date:
        return False
    gold = gold.removesuffix("年") if re.fullmatch(r"\d{4}年", gold) else gold  # 2017年: the year
    if "/" in gold:
        low, high = gold.split("/", 1)
        return len(kg_date) == len(low) and low <= kg_date <= high
    if gold[:4].isdigit() and gold[4:5] in ("-", ""):
        return gold == kg_date
    month_day = [int(n) for n in re.findall(r"\d+", gold)]
    parts = [int(n) for n in kg_date.split("-")[1:]]
    return bool(parts) and parts == month_day[: len(parts)]


def score_events(corpus: Corpus, gold: dict, index: GoldIndex) -> Score:
    """Events, and for every gold event kg found the accuracy of its arguments: each gold participant among kg's
    participants, the gold place among kg's places, the gold date equal to kg's (counts in ``classes``: role →
    [gold arguments, right])."""
    predicted = [
        (
            EVENT_TYPE.get(event.type, "其他"),
            [event.evidence.text, *(e.text for e in event.more_evidence)],
            event.label,
            event,
        )
        for event in corpus.events
    ]
    score = Score(gold=len(gold["events"]), predicted=len(predicted))
    used: set[int] = set()
    roles = {name: [0, 0, 0, 0] for name in ("participants", "place", "date")}
    for event in gold["events"]:
        triggers = forms(event["trigger"])
        hit = next((i for i, (kind, sentences, _, _) in enumerate(predicted) if i not in used and kind == event["type"]
                    and any(t in sentence for t in triggers for sentence in sentences)), None)
        if hit is None:
            score.misses.append(f"{event['type']} {event['trigger']}")
            continue
        score.found += 1
        used.add(hit)
        found = predicted[hit][3]
        keys = set(found.participants) | {key for _, key in found.roles}
        names = {index.name_of(name) for key in keys for name in entity_names(corpus, key)}
        for participant in event["participants"]:
            roles["participants"][0] += 1
            roles["participants"][1] += index.name_of(participant) in names
        if event.get("place"):
            places = {index.name_of(name) for key in [found.place, *found.places] if key
                      for name in entity_names(corpus, key)}
            roles["place"][0] += 1
            roles["place"][1] += index.name_of(event["place"]) in places
        if event.get("date"):
            roles["date"][0] += 1
            roles["date"][1] += _same_date(event["date"], found.date)
    score.right = len(used)
    score.wrong = [f"{kind} {label}" for i, (kind, _, label, _) in enumerate(predicted) if i not in used]
    score.classes = roles
    return score


KINDS = ("entities", "posts", "relations", "quantities", "events")


def load_gold(data: Path) -> list[dict]:
    """The gold records of both parts, in file order."""
    records = []
    for part in sorted(data.glob("gold_*.jsonl")):
        records.extend(json.loads(line) for line in part.read_text(encoding="utf-8").splitlines() if line.strip())
    return sorted(records, key=lambda r: r["file"])


def evaluate(data: Path = DEFAULT_DATA, ner: str | None = None) -> dict[str, dict[str, Score]]:
    """Build every article of ``data`` with kg and score it; returns ``{file: {kind: Score}}``."""
    results: dict[str, dict[str, Score]] = {}
    for gold in load_gold(data):
        published = dt.date.fromisoformat(gold["published"]) if gold.get("published") else None
        settings = kg.Settings(date=published, **({"ner": ner} if ner else {}))
        corpus = kg.extract([data / gold["file"]], settings)
        index = GoldIndex(gold)
        results[gold["file"]] = {
            "entities": score_entities(corpus, gold, index),
            "posts": score_posts(corpus, gold, index),
            "relations": score_relations(corpus, gold, index),
            "quantities": score_quantities(corpus, gold),
            "events": score_events(corpus, gold, index),
        }
    return results


def totals(results: dict[str, dict[str, Score]]) -> dict[str, Score]:
    """Micro-averaged counts per kind over all articles."""
    out = {kind: Score() for kind in KINDS}
    for scores in results.values():
        for kind in KINDS:
            out[kind].add(scores[kind])
    return out


SCORING = (
    "Scored by `bench/news_dev.py` (its docstring has every rule). An entity matches a gold entity by any of its names "
    "(either script) and counts as right when its class falls in the gold family. Neither right nor wrong: an entity "
    "whose names, or whose mentions as printed in the article (辽宁 where kg's label is 辽宁省), are all in the "
    "article's `acceptable` list; in part B, whose README does not annotate bare references, an entity printed only "
    "as a bare body (县委, 市政府); and relations with such an entity. A place nested inside a longer name that the "
    "gold does not list (as an entity or acceptable) counts as a false positive."
)


def table(results: dict[str, dict[str, Score]], title: str) -> str:
    """A Markdown table of precision, recall and F1 per kind."""
    rows = [f"### {title}", "", SCORING, "", "| kind | gold | found | recall | predicted | right | precision | F1 |",
            "|---|---|---|---|---|---|---|---|"]
    for kind, s in totals(results).items():
        rows.append(f"| {kind} | {s.gold} | {s.found} | {s.recall:.3f} | {s.predicted} | {s.right} | "
                    f"{s.precision:.3f} | {s.f1:.3f} |")
    rows += ["", "Entities by gold class (a kg entity counts under the family of its own class):", "",
             "| class | gold | found | recall | predicted | right | precision |", "|---|---|---|---|---|---|---|"]
    for name, (gold, found, predicted, right) in sorted(totals(results)["entities"].classes.items()):
        rows.append(f"| {name} | {gold} | {found} | {found / gold if gold else 0:.3f} | {predicted} | {right} | "
                    f"{right / predicted if predicted else 0:.3f} |")
    rows += ["", "Relations by gold label (a kg relation counts under the label its property maps to):", "",
             "| label | gold | found | recall | predicted | right | precision |", "|---|---|---|---|---|---|---|"]
    for name, (gold, found, predicted, right) in sorted(totals(results)["relations"].classes.items()):
        rows.append(f"| {name} | {gold} | {found} | {found / gold if gold else 0:.3f} | {predicted} | {right} | "
                    f"{right / predicted if predicted else 0:.3f} |")
    rows += ["", "Arguments of the events kg found (each gold participant among kg's participants, the gold place among "
             "kg's places, the gold date equal to kg's):", "", "| argument | gold | right | accuracy |", "|---|---|---|---|"]
    for name, (gold, right, _, _) in totals(results)["events"].classes.items():
        rows.append(f"| {name} | {gold} | {right} | {right / gold if gold else 0:.3f} |")
    return "\n".join(rows) + "\n"


def errors(results: dict[str, dict[str, Score]]) -> str:
    """Every miss and false positive, per article and kind."""
    lines = []
    for name, scores in results.items():
        lines.append(f"== {name}")
        for kind, s in scores.items():
            for miss in s.misses:
                lines.append(f"  {kind} MISS  {miss}")
            for wrong in s.wrong:
                lines.append(f"  {kind} WRONG {wrong}")
    return "\n".join(lines) + "\n"


def main() -> None:
    """Parse options, score, print the table (and the errors with ``--errors``)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--ner", default=None, help="tagger name (default: kg's default)")
    parser.add_argument("--json", type=Path, default=None, help="also write the totals to this JSON file")
    parser.add_argument("--markdown", type=Path, default=None, help="also write the table to this Markdown file")
    parser.add_argument("--errors", action="store_true", help="list misses and false positives per article")
    args = parser.parse_args()
    if not args.data.is_dir():
        sys.exit(f"no news_dev folder at {args.data}")
    results = evaluate(args.data, args.ner)
    tagger = args.ner or kg.Settings().ner
    text = table(results, f"news_dev, {len(results)} articles, tagger {tagger}")
    print(text)
    if args.errors:
        print(errors(results))
    if args.markdown:
        args.markdown.write_text(text, encoding="utf-8")
    if args.json:
        figures = {kind: {"gold": s.gold, "found": s.found, "predicted": s.predicted, "right": s.right,
                          "recall": round(s.recall, 4), "precision": round(s.precision, 4),
                          **({"by_class": {name: dict(zip(("gold", "found", "predicted", "right"), counts, strict=True))
                                           for name, counts in sorted(s.classes.items())}} if s.classes else {})}
                   for kind, s in totals(results).items() if kind != "events"}
        events = totals(results)["events"]
        figures["events"] = {"gold": events.gold, "found": events.found, "predicted": events.predicted,
                             "right": events.right, "recall": round(events.recall, 4),
                             "precision": round(events.precision, 4),
                             "arguments": {name: {"gold": gold, "right": right,
                                                  "accuracy": round(right / gold, 4) if gold else None}
                                           for name, (gold, right, _, _) in events.classes.items()}}
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
