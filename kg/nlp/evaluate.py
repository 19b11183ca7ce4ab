"""Score named-entity recognition against annotated data: exact span and type, precision/recall/F1 per type and micro.

Two formats are read: ``bio`` (one ``char tag`` pair per line, blank line between sentences; or a directory holding the
parallel ``sentences.txt`` / ``tags.txt`` files of the MSRA slices) and ``cluener`` (JSON lines with
``{"text": ..., "label": {type: {surface: [[start, end_inclusive], ...]}}}``). Every data set names its entity types
its own way; :data:`LABEL_MAP` is the one place that maps them onto kg's coarse classes. A gold label missing from the
map is counted as *unmapped* and left out of the scores, so a tagger is never blamed for classes kg does not have.

Any registered tagger (``nlp.tag.<name>``) can be scored: each sentence is wrapped as an article and run through the
stage, so taggers are compared on equal terms.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import json
import resource
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import InputError
from kg.graph.vocab import is_subclass
from kg.ingest.clean import to_halfwidth
from kg.model import Article, ArticleExtraction, text_hash
from kg.registry import get_stage
from kg.settings import DEFAULT_NER, Settings

CLASSES = ("Person", "Place", "Organization")

# Data-set label → kg class. The one place where each data set's conventions meet kg's classes.
LABEL_MAP: dict[str, dict[str, str]] = {
    # MSRA / People's Daily NER (BIO tags) and LAC's tag set.
    "bio": {"PER": "Person", "LOC": "Place", "ORG": "Organization", "GPE": "Place"},
    # CLUENER2020: name, address, company, government, organization map; book, game, movie, position, scene do not.
    "cluener": {
        "name": "Person",
        "address": "Place",
        "company": "Organization",
        "government": "Organization",
        "organization": "Organization",
    },
    # PKU People's Daily (PFR) part-of-speech corpus: person, place and organization proper nouns.
    "pfr": {"nr": "Person", "ns": "Place", "nt": "Organization"},
}

FORMATS = ("bio", "cluener")

_HALFWIDTH = {
    code: to_halfwidth(chr(code)) for code in (*range(0xFF01, 0xFF5F), 0x3000) if to_halfwidth(chr(code)) != chr(code)
}


def normalise(text: str) -> str:
    """Text the way kg's cleaner leaves it: full-width digits and letters half-width; one character per character."""
    return text.translate(_HALFWIDTH)


@dataclass
class Example:
    """One annotated sentence: its (normalised) text and gold spans ``(start, end, kg_class)``, end exclusive."""

    text: str
    spans: list[tuple[int, int, str]] = field(default_factory=list)
    unmapped: Counter[str] = field(default_factory=Counter)


def bio_spans(tags: list[str]) -> list[tuple[int, int, str]]:
    """Spans ``(start, end, label)`` of a BIO / BIOES tag sequence; a stray ``I-`` starts a new span."""
    spans: list[tuple[int, int, str]] = []
    start, label = -1, ""
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, kind = tag.partition("-")
        continues = prefix in ("I", "M", "E") and kind == label and start >= 0
        if not continues and start >= 0:
            spans.append((start, i, label))
            start, label = -1, ""
        if prefix in ("B", "S") or (prefix in ("I", "M", "E") and not continues):
            start, label = i, kind
        if prefix in ("E", "S") and start >= 0:
            spans.append((start, i + 1, label))
            start, label = -1, ""
    return spans


def _example(chars: list[str], tags: list[str], mapping: dict[str, str]) -> Example:
    example = Example(normalise("".join(chars)))
    for start, end, label in bio_spans(tags):
        cls = mapping.get(label)
        if cls:
            example.spans.append((start, end, cls))
        else:
            example.unmapped[label] += 1
    return example


def read_bio(path: str | Path) -> Iterator[Example]:
    """Read BIO data: a ``char tag`` file (space or tab), or a directory with ``sentences.txt`` and ``tags.txt``."""
    path = Path(path)
    mapping = LABEL_MAP["bio"]
    if path.is_dir():
        sentences, tags = path / "sentences.txt", path / "tags.txt"
        if not (sentences.is_file() and tags.is_file()):
            raise InputError(f"{path}: a BIO directory needs sentences.txt and tags.txt")
        with sentences.open(encoding="utf-8") as chars_file, tags.open(encoding="utf-8") as tags_file:
            for number, (line, tag_line) in enumerate(zip(chars_file, tags_file, strict=True), 1):
                chars, labels = line.split(), tag_line.split()
                if len(chars) != len(labels):
                    raise InputError(f"{path}: line {number} has {len(chars)} characters but {len(labels)} tags")
                if chars:
                    yield _example(chars, labels, mapping)
        return
    if not path.is_file():
        raise InputError(f"{path}: no such file or directory")
    chars, labels = [], []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            line = line.rstrip("\n")
            if not line.strip():
                if chars:
                    yield _example(chars, labels, mapping)
                chars, labels = [], []
                continue
            parts = line.split("\t") if "\t" in line else line.rsplit(" ", 1)
            if len(parts) != 2 or len(parts[0]) != 1:
                raise InputError(f"{path}: line {number} is not 'character tag': {line!r}")
            chars.append(parts[0])
            labels.append(parts[1].strip())
    if chars:
        yield _example(chars, labels, mapping)


def read_cluener(path: str | Path) -> Iterator[Example]:
    """Read CLUENER2020 JSON lines (end offsets inclusive in the file, exclusive in the result)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    mapping = LABEL_MAP["cluener"]
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                example = Example(normalise(record["text"]))
                for label, surfaces in sorted(record.get("label", {}).items()):
                    for surface, ranges in sorted(surfaces.items()):
                        for start, end in ranges:
                            if example.text[start : end + 1] != normalise(surface):
                                raise InputError(f"{path}: line {number}: {surface!r} is not at [{start}, {end}]")
                            cls = mapping.get(label)
                            if cls:
                                example.spans.append((start, end + 1, cls))
                            else:
                                example.unmapped[label] += 1
            except (ValueError, KeyError, TypeError) as error:
                raise InputError(f"{path}: line {number} is not a CLUENER record: {error}") from None
            example.spans.sort()
            yield example


def read_examples(path: str | Path, fmt: str = "bio") -> Iterator[Example]:
    """Read annotated sentences in format ``fmt`` (``bio`` or ``cluener``)."""
    if fmt == "bio":
        return read_bio(path)
    if fmt == "cluener":
        return read_cluener(path)
    raise InputError(f"unknown annotation format {fmt!r} (known: {', '.join(FORMATS)})")


@dataclass
class Counts:
    """True positives, false positives and false negatives of one class."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        """Share of predicted spans that are right."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        """Share of gold spans that were found."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class NerScores:
    """Exact span-and-type scores of one tagger on one data set, with its speed and memory."""

    data: str
    tagger: str
    sentences: int = 0
    chars: int = 0
    seconds: float = 0.0
    peak_rss_mb: float = 0.0
    per_type: dict[str, Counts] = field(default_factory=lambda: {cls: Counts() for cls in CLASSES})
    unmapped: Counter[str] = field(default_factory=Counter)
    excluded: int = 0

    @property
    def micro(self) -> Counts:
        """Counts summed over the classes."""
        return Counts(*(sum(getattr(c, name) for c in self.per_type.values()) for name in ("tp", "fp", "fn")))

    @property
    def chars_per_second(self) -> float:
        """Tagging speed (characters of text per second of tagging)."""
        return self.chars / self.seconds if self.seconds else 0.0

    def add(self, gold: Iterable[tuple[int, int, str]], predicted: Iterable[tuple[int, int, str]]) -> None:
        """Count one sentence: a prediction is right only with the exact span and class."""
        gold_set, predicted_set = set(gold), set(predicted)
        for start, end, cls in gold_set | predicted_set:
            counts = self.per_type.setdefault(cls, Counts())
            if (start, end, cls) in gold_set and (start, end, cls) in predicted_set:
                counts.tp += 1
            elif (start, end, cls) in gold_set:
                counts.fn += 1
            else:
                counts.fp += 1

    def as_dict(self) -> dict[str, object]:
        """Plain figures, rounded, for JSON metadata."""
        rows = {cls: c for cls, c in self.per_type.items()} | {"micro": self.micro}
        return {
            "data": self.data,
            "tagger": self.tagger,
            "sentences": self.sentences,
            "chars": self.chars,
            "excluded_sentences": self.excluded,
            "chars_per_second": round(self.chars_per_second),
            "scores": {
                name: {
                    "precision": round(c.precision, 4),
                    "recall": round(c.recall, 4),
                    "f1": round(c.f1, 4),
                    "gold": c.tp + c.fn,
                    "predicted": c.tp + c.fp,
                }
                for name, c in rows.items()
            },
            "unmapped_gold": dict(sorted(self.unmapped.items())),
        }

    def table(self) -> str:
        """A plain-text table: one row per class and a micro row, then size, speed and unmapped labels."""
        lines = [
            f"{self.data}  [tagger {self.tagger}]",
            f"{'class':<14}{'gold':>7}{'pred':>7}{'P':>8}{'R':>8}{'F1':>8}",
        ]
        for name, c in [*sorted(self.per_type.items()), ("micro", self.micro)]:
            lines.append(f"{name:<14}{c.tp + c.fn:>7}{c.tp + c.fp:>7}{c.precision:>8.4f}{c.recall:>8.4f}{c.f1:>8.4f}")
        lines.append(
            f"{self.sentences} sentences, {self.chars} characters, {self.chars_per_second:,.0f} chars/s, "
            f"peak RSS {self.peak_rss_mb:,.0f} MB"
        )
        if self.excluded:
            lines.append(f"{self.excluded} sentences left out (shared with another data set)")
        if self.unmapped:
            lines.append(
                "unmapped gold labels (not scored): " + ", ".join(f"{k} {v}" for k, v in sorted(self.unmapped.items()))
            )
        return "\n".join(lines)


def recognition_steps(ner: str, settings: Settings, with_rules: bool) -> list[Callable[..., ArticleExtraction]]:
    """The stages whose mentions are scored: the tagger alone, or with ``with_rules`` the tagger followed by kg's
    rules and linking stages (what ``kg build`` emits as mentions)."""
    steps = [get_stage(f"nlp.tag.{ner}")]
    if with_rules:
        steps += [get_stage(name) for name in settings.steps if name.startswith(("nlp.rules.", "nlp.link."))]
    return steps


def coarse_class(cls: str) -> str | None:
    """The scored class (Person, Place, Organization) a kg class belongs to, or None for works, events, products."""
    for coarse in CLASSES:
        if is_subclass(cls, coarse):
            return coarse
    return None


def eval_ner(
    path: str | Path,
    fmt: str = "bio",
    ner: str = DEFAULT_NER,
    limit: int | None = None,
    exclude: set[str] | None = None,
    with_rules: bool = False,
) -> NerScores:
    """Score the tagger ``nlp.tag.<ner>`` on the annotated file ``path``.

    ``limit`` scores only the first sentences; ``exclude`` holds normalised sentence texts to skip (sentences the
    tagger was trained on). With ``with_rules`` the rules and linking stages run after the tagger and their specific
    classes are scored by their family (a City is a Place). Time counts recognition only, not reading.
    """
    settings = Settings(ner=ner)
    steps = recognition_steps(ner, settings, with_rules)
    scores = NerScores(data=str(path), tagger=f"{ner}+rules" if with_rules else ner)
    for example in read_examples(path, fmt):
        if limit is not None and scores.sentences >= limit:
            break
        if exclude and sentence_key(example.text) in exclude:
            scores.excluded += 1
            continue
        article = Article(id=text_hash(example.text), document_id="eval", index=0, text=example.text)
        started = time.perf_counter()
        extraction = ArticleExtraction(article=article)
        for step in steps:
            extraction = step(extraction, settings)
        scores.seconds += time.perf_counter() - started
        predicted = sorted(
            {(m.start, m.end, coarse) for m in extraction.mentions if (coarse := coarse_class(m.type)) is not None}
        )
        scores.add(example.spans, predicted)
        scores.unmapped.update(example.unmapped)
        scores.sentences += 1
        scores.chars += len(example.text)
    scores.peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return scores


# Marks an evaluation set that keeps only CLUENER train's held-out part (cluener_part).
HELDOUT = "cluener:heldout"

# The held-out sets of ``make eval``, relative to ../shared/data: (name, path, format, sentences to leave out).
# "peoples_daily_ner_test_not_msra" keeps only the test sentences that are not in the MSRA training split, for
# taggers (such as LAC) whose training data is unknown but may include MSRA.
SUITE = (
    ("peoples_daily_ner_test", "peoples_daily_ner/example.test", "bio", None),
    ("peoples_daily_ner_test_not_msra", "peoples_daily_ner/example.test", "bio", "msra_ner_train/msra_train_bio.txt"),
    ("msra_ner_val", "msra_ner_val", "bio", None),
    ("cluener2020_train", "cluener2020/train.json", "cluener", None),
    # The tenth of CLUENER train the neural tagger never trains on (cluener_part): the fair CLUENER figure for it.
    ("cluener2020_heldout", "cluener2020/train.json", "cluener", HELDOUT),
)


def cluener_part(text: str) -> str:
    """Which part of CLUENER2020 train a sentence belongs to, by a hash of its text: ``heldout`` (10 %, evaluation
    only), ``dev`` (5 %, for choosing settings) or ``train`` (85 %, what the neural tagger trains on)."""
    bucket = int(hashlib.sha256(text.encode("utf-8")).hexdigest()[:8], 16) % 20
    return "heldout" if bucket < 2 else "dev" if bucket == 2 else "train"


def suite(data: str | Path) -> list[tuple[str, Path, str, set[str] | None]]:
    """The held-out evaluation sets under ``data``: (name, path, format, normalised sentences to exclude)."""
    data = Path(data)
    sets = []
    for name, relative, fmt, exclude_from in SUITE:
        exclude = None
        if exclude_from == HELDOUT:
            exclude = {
                sentence_key(e.text) for e in read_examples(data / relative, fmt) if cluener_part(e.text) != "heldout"
            }
        elif exclude_from:
            keys = {sentence_key(e.text) for e in read_examples(data / relative, fmt)}
            exclude = overlapping(keys, (sentence_key(e.text) for e in read_bio(data / exclude_from)))
        sets.append((name, data / relative, fmt, exclude))
    return sets


def run_suite(
    data: str | Path, ner: str = DEFAULT_NER, limit: int | None = None, with_rules: bool = False
) -> list[NerScores]:
    """Score tagger ``ner`` (with ``with_rules``: tagger, rules and linking) on every set of :data:`SUITE` found
    under ``data`` (missing sets are skipped)."""
    results = []
    for name, path, fmt, exclude in suite(data):
        if path.exists():
            result = eval_ner(path, fmt, ner=ner, limit=limit, exclude=exclude, with_rules=with_rules)
            result.data = name
            results.append(result)
    return results


def overlapping(candidates: Iterable[str], against: Iterable[str], min_length: int = 10) -> set[str]:
    """The keys of ``candidates`` that equal a key of ``against``, lie inside one, or contain one.

    Data sets cut the same text into sentences differently, so exact matching misses shared text. Containment only
    counts for keys of at least ``min_length`` characters, so a short line such as （完） shared by chance is kept.
    """
    against_set = set(against)
    candidate_list = sorted(set(candidates))
    found = {key for key in candidate_list if key in against_set}
    joined_against = "\x00".join(sorted(against_set))
    found.update(key for key in candidate_list if len(key) >= min_length and key in joined_against)
    joined = "\x00".join(candidate_list)
    starts = list(itertools.accumulate((len(key) + 1 for key in candidate_list), initial=0))
    for key in against_set:
        if len(key) < min_length:
            continue
        at = joined.find(key)
        while at >= 0:
            found.add(candidate_list[bisect.bisect_right(starts, at) - 1])
            at = joined.find(key, at + 1)
    return found


def sentence_key(text: str) -> str:
    """The form under which sentences of different data sets are compared: normalised, without any whitespace."""
    return "".join(normalise(text).split())
