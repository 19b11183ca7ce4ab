"""Train the neural character tagger of :mod:`kg.nlp.tag.neural` (``make train-neural``; needs the ``train`` extra).

``python bench/train_neural.py [--data DIR] [--out DIR] [--until HH:MM] [--epochs N] [--no-cluener] [--no-resume]``

Training data (each sentence shared with an evaluation set — equal, containing or inside after normalisation — is
removed first, as :func:`kg.nlp.tag.train.training_data` does for the CRFs):

- MSRA NER training split (SIGHAN 2006), PER/LOC/ORG;
- CLUENER2020 train with its labels mapped by ``kg.nlp.evaluate.LABEL_MAP["cluener"]``, minus two hash-chosen parts
  (:func:`cluener_part`): 10 % held out for evaluation, 5 % for choosing the epoch; CLUENER's own dev/test are never read;
- Resume NER train (NAME → Person, ORG → Organization, LOC → Place).

The lexicon the marks read (``neural_lexicon.tsv.gz``) joins jieba's dictionary (words of two to eight characters
with a count of at least :data:`WORD_MIN_COUNT` as general words; nr/nrt, ns, nt as person, place, organization
names), kg's division gazetteer (place names) and the person/place/organization words of the PKU People's Daily
1998-01 corpus with the evaluation sentences removed. The training labels' own names are not added: a model trained
on text whose every name is listed learns to trust the list more than it deserves.

Each epoch is exported to ONNX and scored on People's Daily NER dev and the CLUENER dev part; the best epoch by their
mean micro-F1 is kept in ``--out`` with its card ``neural.json``. Training stops after ``--epochs`` or at ``--until`` (UTC,
mid-epoch: the part done is exported and scored like an epoch); ``--resume`` goes on from an earlier run's checkpoint.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import hashlib
import json
import platform
import random
import shutil
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.nlp.evaluate import (  # noqa: E402
    Example,
    cluener_part,
    normalise,
    overlapping,
    read_cluener,
    sentence_key,
)
from kg.nlp.tag import neural  # noqa: E402
from kg.nlp.tag.pieces import pieces  # noqa: E402
from kg.nlp.tag.train import (  # noqa: E402
    CLUENER,
    PFR,
    TrainSettings,
    evaluation_keys,
    read_pfr,
    training_data,
)

RESUME_TRAIN = "resume_ner/train.char.bmes"
RESUME_MAP = {"NAME": "Person", "ORG": "Organization", "LOC": "Place"}
KINDS = {"Person": "PER", "Place": "LOC", "Organization": "ORG"}
LABELS = ["O"] + [f"{p}-{k}" for k in ("PER", "LOC", "ORG") for p in "BIES"]
WORD_MIN_COUNT = 20
SEED = 20261206


def read_resume(path: Path) -> list[Example]:
    """Resume NER's ``char tag`` BMES lines as examples (NAME, ORG, LOC mapped; other labels dropped)."""
    examples, chars, tags = [], [], []
    lines = path.read_text(encoding="utf-8").split("\n") + [""]
    for line in lines:
        if not line.strip():
            if chars:
                example = Example(normalise("".join(chars)))
                start = None
                for i, tag in enumerate(tags):
                    prefix, _, label = tag.partition("-")
                    cls = RESUME_MAP.get(label)
                    if prefix == "S" and cls:
                        example.spans.append((i, i + 1, cls))
                    elif prefix == "B":
                        start = i
                    elif prefix == "E" and start is not None and cls:
                        example.spans.append((start, i + 1, cls))
                        start = None
                examples.append(example)
            chars, tags = [], []
            continue
        ch, _, tag = line.rpartition(" ")
        chars.append(ch or " ")
        tags.append(tag)
    return examples


def cut(examples: list[Example]) -> list[Example]:
    """Sentences longer than the tagger's pieces cut as it cuts them (spans across a cut are dropped)."""
    out = []
    for example in examples:
        for offset, piece in pieces(example.text, neural.MAX_CHUNK):
            spans = [(s - offset, e - offset, c) for s, e, c in example.spans
                     if offset <= s and e <= offset + len(piece)]
            out.append(Example(piece, spans))
    return out


def load_data(data: Path, use_cluener: bool, use_resume: bool, say) -> dict:
    """Training, dev and held-out examples, with counts of what was removed."""
    corpus, overlap = training_data(data, TrainSettings())
    sets = {"msra_ner_train": corpus.examples}
    removed = dict(corpus.removed)
    held = evaluation_keys(data)
    eval_keys = held["peoples_daily_ner_dev"] | held["peoples_daily_ner_test"] | held["msra_ner_val"]
    cluener = list(read_cluener(data / CLUENER))
    parts = {"train": [], "dev": [], "heldout": []}
    for example in cluener:
        parts[cluener_part(example.text)].append(example)
    if use_cluener:
        keys = [sentence_key(e.text) for e in parts["train"]]
        shared = overlapping(keys, eval_keys)
        sets["cluener2020_train"] = [e for e, k in zip(parts["train"], keys) if k not in shared]
        removed["cluener2020_train"] = len(parts["train"]) - len(sets["cluener2020_train"])
    if use_resume and (data / RESUME_TRAIN).is_file():
        resume = read_resume(data / RESUME_TRAIN)
        keys = [sentence_key(e.text) for e in resume]
        shared = overlapping(keys, eval_keys)
        sets["resume_ner_train"] = [e for e, k in zip(resume, keys) if k not in shared]
        removed["resume_ner_train"] = len(resume) - len(sets["resume_ner_train"])
    say(f"training sentences: { {k: len(v) for k, v in sets.items()} }; removed: {removed}")
    return {"sets": sets, "removed": removed, "overlap": overlap, "cluener_dev": parts["dev"],
            "cluener_heldout": parts["heldout"]}


def build_lexicon(data: Path, say) -> list[tuple[str, int]]:
    """The lexicon entries (word, mask) from jieba, the gazetteer and PFR's names (see the module docstring)."""
    import jieba

    from kg.nlp.tag import crf

    bits = {name: 1 << i for i, name in enumerate(neural.LEXICONS)}
    entity_tags = {"nr": "person", "nrt": "person", "nrfg": "person", "ns": "place", "nt": "organization"}
    dictionary = Path(jieba.__file__).parent / "dict.txt"
    seen: dict[str, int] = {}
    for line in dictionary.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        word, count, tag = parts[0], int(parts[1]), parts[2]
        word = normalise(word)
        if not 2 <= len(word) <= 8:
            continue
        if tag in entity_tags:
            seen[word] = seen.get(word, 0) | bits[entity_tags[tag]]
        elif count >= WORD_MIN_COUNT:
            seen[word] = seen.get(word, 0) | bits["word"]
    for name in crf.place_names():
        name = normalise(name)
        if 2 <= len(name) <= 12:
            seen[name] = seen.get(name, 0) | bits["place"]
    corpus, _ = training_data(data, TrainSettings(use_pfr=True))
    kind = {"Person": "person", "Place": "place", "Organization": "organization"}
    # PFR's names only (MSRA's examples come first in the corpus and are skipped by source count)
    msra_count = corpus.sources.get("msra_ner_train", 0)
    pfr_names = Counter()
    for example in corpus.examples[msra_count:]:
        for s, e, cls in example.spans:
            if 2 <= e - s <= 12:
                pfr_names[(example.text[s:e], cls)] += 1
    for (name, cls), _ in pfr_names.items():
        seen[name] = seen.get(name, 0) | bits[kind[cls]]
    say(f"lexicon: {len(seen)} words; per list: "
        f"{ {n: sum(1 for m in seen.values() if m & b) for n, b in bits.items()} }; PFR names {len(pfr_names)}")
    return sorted(seen.items())


def vocabularies(examples: list[Example], max_bigrams: int, min_char: int = 2, min_bigram: int = 3):
    """Character and bigram vocabularies (index 0 padding, 1 unknown) from the training text."""
    chars: Counter[str] = Counter()
    pairs: Counter[str] = Counter()
    for example in examples:
        text = neural.unit_text(example.text)
        chars.update(text)
        padded = text + "\x00"
        pairs.update(padded[i : i + 2] for i in range(len(text)))
    char_list = ["<pad>", "<unk>"] + sorted(c for c, n in chars.items() if n >= min_char)
    frequent = sorted((p for p, n in pairs.items() if n >= min_bigram), key=lambda p: (-pairs[p], p))[:max_bigrams]
    return char_list, ["<pad>", "<unk>"] + sorted(frequent)


def labels_of(example: Example) -> list[int]:
    """BIOES label ids of an example."""
    out = [0] * len(example.text)
    index = {label: i for i, label in enumerate(LABELS)}
    for s, e, cls in example.spans:
        kind = KINDS[cls]
        if e - s == 1:
            out[s] = index["S-" + kind]
            continue
        out[s] = index["B-" + kind]
        for i in range(s + 1, e - 1):
            out[i] = index["I-" + kind]
        out[e - 1] = index["E-" + kind]
    return out


def build_model(n_chars: int, n_bigrams: int, settings: dict):
    """The torch network (dilated residual convolutions over embeddings and lexicon marks) and its CRF."""
    import torch
    from torch import nn

    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            h = settings["hidden"]
            self.char = nn.Embedding(n_chars, settings["char_dim"], padding_idx=0)
            self.bigram = nn.Embedding(n_bigrams, settings["bigram_dim"], padding_idx=0)
            self.inp = nn.Linear(settings["char_dim"] + settings["bigram_dim"] + neural.MARKS, h)
            self.convs = nn.ModuleList(nn.Conv1d(h, h, 3, padding=d, dilation=d) for d in settings["dilations"])
            self.out = nn.Linear(h, len(LABELS))
            self.drop = nn.Dropout(settings["dropout"])

        def forward(self, chars, bigrams, lexicon):
            mask = (chars != 0).unsqueeze(1).to(torch.float32)  # (B, 1, T)
            x = torch.cat([self.char(chars), self.bigram(bigrams), lexicon], dim=-1)
            x = torch.relu(self.inp(self.drop(x))).transpose(1, 2) * mask
            for conv in self.convs:
                x = (x + torch.relu(conv(self.drop(x)))) * mask
            return self.out(self.drop(x.transpose(1, 2)))

    class CRF(nn.Module):
        def __init__(self, n: int) -> None:
            super().__init__()
            self.transitions = nn.Parameter(torch.zeros(n, n))
            self.start = nn.Parameter(torch.zeros(n))
            self.end = nn.Parameter(torch.zeros(n))

        def nll(self, emissions, tags, mask):
            """Mean negative log-likelihood per sentence; ``mask`` (B, T) bool, first position always on."""
            batch = torch.arange(emissions.shape[0])
            lengths = mask.sum(1)
            gold = emissions.gather(2, tags.unsqueeze(2)).squeeze(2)
            score = (gold * mask).sum(1) + self.start[tags[:, 0]]
            steps = self.transitions[tags[:, :-1], tags[:, 1:]] * mask[:, 1:]
            score = score + steps.sum(1) + self.end[tags[batch, lengths - 1]]
            alpha = self.start + emissions[:, 0]
            for t in range(1, emissions.shape[1]):
                nxt = torch.logsumexp(alpha.unsqueeze(2) + self.transitions + emissions[:, t].unsqueeze(1), dim=1)
                alpha = torch.where(mask[:, t : t + 1], nxt, alpha)
            log_z = torch.logsumexp(alpha + self.end, dim=1)
            return (log_z - score).mean()

    return Net(), CRF(len(LABELS))


def encode(example: Example, char_index: dict, pair_index: dict, lexicon: neural.Lexicon) -> tuple:
    """Tensors-to-be of one example: char ids, bigram ids, lexicon marks, label ids."""
    text = neural.unit_text(example.text)
    chars = [char_index.get(c, 1) for c in text]
    padded = text + "\x00"
    pairs = [pair_index.get(padded[i : i + 2], 1) for i in range(len(text))]
    return chars, pairs, neural.lexicon_marks(example.text, lexicon), labels_of(example)


def batches(encoded: list[tuple], max_positions: int, rng: random.Random) -> list[list[int]]:
    """Index batches of similar lengths, each at most ``max_positions`` padded positions, shuffled."""
    order = sorted(range(len(encoded)), key=lambda i: (len(encoded[i][0]), rng.random()))
    out, current, width = [], [], 0
    for i in order:
        n = len(encoded[i][0])
        if current and max(width, n) * (len(current) + 1) > max_positions:
            out.append(current)
            current, width = [], 0
        current.append(i)
        width = max(width, n)
    if current:
        out.append(current)
    rng.shuffle(out)
    return out


def tensors(encoded: list[tuple], group: list[int]):
    """Padded tensors of a batch."""
    import numpy as np
    import torch

    width = max(len(encoded[i][0]) for i in group)
    chars = np.zeros((len(group), width), dtype=np.int64)
    pairs = np.zeros((len(group), width), dtype=np.int64)
    lex = np.zeros((len(group), width, neural.MARKS), dtype=np.float32)
    tags = np.zeros((len(group), width), dtype=np.int64)
    for row, i in enumerate(group):
        c, p, m, t = encoded[i]
        chars[row, : len(c)], pairs[row, : len(c)], lex[row, : len(c)], tags[row, : len(c)] = c, p, m, t
    return torch.from_numpy(chars), torch.from_numpy(pairs), torch.from_numpy(lex), torch.from_numpy(tags)


def export(net, crf, directory: Path, card: dict) -> None:
    """Write ``neural.onnx`` and the card ``neural.json`` (vocabulary, transitions, sha256) to ``directory``."""
    import torch

    directory.mkdir(parents=True, exist_ok=True)
    net.eval()
    sample = (torch.ones(2, 7, dtype=torch.int64), torch.ones(2, 7, dtype=torch.int64),
              torch.zeros(2, 7, neural.MARKS))
    model_file = directory / neural.MODEL_NAME
    torch.onnx.export(net, sample, str(model_file), input_names=["chars", "bigrams", "lexicon"],
                      output_names=["scores"], dynamic_axes={"chars": {0: "batch", 1: "length"},
                                                             "bigrams": {0: "batch", 1: "length"},
                                                             "lexicon": {0: "batch", 1: "length"},
                                                             "scores": {0: "batch", 1: "length"}},
                      opset_version=17, dynamo=False)
    net.train()
    card = dict(card)
    card["vocabulary"] = dict(card["vocabulary"])
    card["vocabulary"]["transitions"] = [[round(v, 6) for v in row] for row in crf.transitions.tolist()]
    card["vocabulary"]["start"] = [round(v, 6) for v in crf.start.tolist()]
    card["vocabulary"]["end"] = [round(v, 6) for v in crf.end.tolist()]
    card["sha256"] = {neural.MODEL_NAME: hashlib.sha256(model_file.read_bytes()).hexdigest()}
    (directory / neural.CARD_NAME).write_text(json.dumps(card, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def score(model: neural.NeuralModel, examples: list[Example]) -> dict:
    """Exact span-and-type micro P/R/F1 (and per class F1) of the model on examples."""
    found = neural.recognise_many([e.text for e in examples], model)
    counts = {cls: [0, 0, 0] for cls in KINDS}
    for example, spans in zip(examples, found, strict=True):
        gold = set(example.spans)
        predicted = {(s, e, c) for s, e, c, _ in spans}
        for s, e, c in predicted:
            counts[c][0 if (s, e, c) in gold else 1] += 1
        for s, e, c in gold - predicted:
            counts[c][2] += 1

    def f1(tp, fp, fn):
        return round(2 * tp / (2 * tp + fp + fn), 4) if tp else 0.0

    total = [sum(v[i] for v in counts.values()) for i in range(3)]
    return {"micro_f1": f1(*total), **{cls: f1(*v) for cls, v in counts.items()}}


def main() -> None:
    """Parse options, build data and lexicon, train, export the best epoch."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=ROOT / "kg" / "data" / "ner")
    parser.add_argument("--work", type=Path, default=ROOT / "tmp" / "neural")
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--until", default=None, help="UTC time HH:MM at which training stops (mid-epoch)")
    parser.add_argument("--batch-positions", type=int, default=4000, help="padded positions per batch")
    parser.add_argument("--resume", type=Path, default=None, help="work folder of an earlier run to go on from")
    parser.add_argument("--lr", type=float, default=None, help="learning rate (default 2e-3; on --resume, the new one)")
    parser.add_argument("--no-cluener", action="store_true")
    parser.add_argument("--no-resume", action="store_true")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--max-bigrams", type=int, default=30000)
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--limit", type=int, default=None, help="train on the first N pieces only (smoke test)")
    parser.add_argument("--score-only", action="store_true",
                        help="only score the model in --out on the held-out sets and record the scores in its card")
    args = parser.parse_args()
    if args.score_only:
        record_scores(args.data, args.out, lambda message: print(message, flush=True))
        return

    import torch

    say = lambda message: print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)  # noqa: E731
    torch.set_num_threads(args.threads)
    torch.manual_seed(SEED)
    rng = random.Random(SEED)
    deadline = None
    if args.until:
        hour, minute = map(int, args.until.split(":"))
        now = dt.datetime.now(dt.UTC)
        deadline = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
        if deadline < now:
            deadline += dt.timedelta(days=1)
    started = time.time()
    loaded = load_data(args.data, not args.no_cluener, not args.no_resume, say)
    train_examples = cut([e for examples in loaded["sets"].values() for e in examples])[: args.limit]
    entries = build_lexicon(args.data, say)
    args.work.mkdir(parents=True, exist_ok=True)
    lexicon_file = args.work / neural.LEXICON_NAME
    with gzip.GzipFile(lexicon_file, "wb", mtime=0) as handle:
        handle.write("".join(f"{w}\t{m}\n" for w, m in entries).encode("utf-8"))
    lexicon = neural.build_lexicon(entries)
    char_list, bigram_list = vocabularies(train_examples, args.max_bigrams)
    char_index = {c: i for i, c in enumerate(char_list)}
    pair_index = {p: i for i, p in enumerate(bigram_list)}
    say(f"{len(train_examples)} training pieces, {sum(len(e.text) for e in train_examples)} characters; "
        f"{len(char_list)} characters, {len(bigram_list)} bigrams in the vocabularies")
    encoded = [encode(e, char_index, pair_index, lexicon) for e in train_examples]
    settings = {"char_dim": 64, "bigram_dim": 32, "hidden": args.hidden, "dilations": [1, 2, 4, 8, 1],
                "dropout": 0.25, "optimizer": "Adam", "learning_rate": 2e-3, "max_batch_positions": args.batch_positions,
                "max_bigrams": args.max_bigrams, "char_min_count": 2, "bigram_min_count": 3, "seed": SEED,
                "word_min_count": WORD_MIN_COUNT, "epochs_max": args.epochs, "threads": args.threads}
    net, crf = build_model(len(char_list), len(bigram_list), settings)
    params = list(net.parameters()) + list(crf.parameters())
    optimizer = torch.optim.Adam(params, lr=settings["learning_rate"])
    from kg.nlp.evaluate import read_bio
    from kg.nlp.tag.train import PD_NER_DEV

    pd_dev = list(read_bio(args.data / PD_NER_DEV))[: args.limit]
    cluener_dev = loaded["cluener_dev"][: args.limit]
    card = {
        "model": neural.MODEL_NAME,
        "lexicon": neural.LEXICON_NAME,
        "labels": "BIOES over PER (Person), LOC (Place), ORG (Organization)",
        "network": "character (64) + character-pair (32) embeddings + 12 lexicon marks -> linear 128 -> 5 residual "
                   "dilated convolutions (kernel 3, dilations 1,2,4,8,1, ReLU, padding masked) -> linear to 13 BIOES "
                   "labels; CRF transitions decoded by a numpy Viterbi",
        "settings": settings,
        "training_data": {
            "msra_ner_train": "MSRA NER training split (SIGHAN 2006), zhooufeng/Data@8994cd1 MSRA.zip/msra_train_bio; "
                              "no data licence stated (research use; cite Levow 2006)",
            **({"cluener2020_train": "CLUENER2020 train (hemingkx/CLUENER2020@4bfd0b5), labels mapped by "
                "kg.nlp.evaluate.LABEL_MAP['cluener'] (name, address, company, government, organization); the 15 % "
                "whose sha256 bucket (first 8 hex digits mod 20) is 0-2 left out: 0-1 held out for evaluation, 2 for "
                "choosing the epoch; no licence stated (cite Xu et al. 2020)"} if not args.no_cluener else {}),
            **({"resume_ner_train": "Resume NER train (jiesutd/LatticeLSTM@24d17f4), NAME/ORG/LOC mapped; no "
                "licence stated (cite Zhang & Yang 2018)"} if not args.no_resume else {}),
            "sentences": {k: len(v) for k, v in loaded["sets"].items()},
            "pieces": len(train_examples),
            "characters": sum(len(e.text) for e in train_examples),
            "removed_as_shared_with_evaluation": loaded["removed"],
            "overlap_by_evaluation_set": loaded["overlap"],
        },
        "lexicon_sources": "jieba 0.42.1 dict.txt (MIT): nr/nrt/nrfg person, ns place, nt organization, other words "
                           f"of 2-8 characters with count >= {WORD_MIN_COUNT}; kg's division gazetteer place names; "
                           "PKU People's Daily 1998-01 (PFR) nr/ns/nt words with the evaluation sentences removed",
        "licence": "Trained on research data (MSRA NER, CLUENER2020, Resume NER, People's Daily 1998 names in the "
                   "lexicon; none states a licence): use the model under the same research terms. kg's code is "
                   "MIT-licensed; the model and lexicon files are not covered by that licence.",
        "vocabulary": {"labels": LABELS, "chars": char_list, "bigrams": bigram_list},
        "trainer": f"torch {torch.__version__}, Python {platform.python_version()}",
    }
    best = (-1.0, 0)
    history: list[dict] = []
    first_epoch = 1
    if args.resume:
        # Go on from a checkpoint of an earlier run on the same data (same vocabularies, checked), with a fresh
        # optimizer at --lr; the earlier epochs' history is kept.
        state = torch.load(args.resume / "best.pt")
        previous = json.loads((args.resume / f"epoch{state['epoch']}" / neural.CARD_NAME).read_text(encoding="utf-8"))
        if previous["vocabulary"]["chars"] != char_list or previous["vocabulary"]["bigrams"] != bigram_list:
            raise SystemExit(f"{args.resume}: the checkpoint's vocabularies differ from this data's")
        net.load_state_dict(state["net"])
        crf.load_state_dict(state["crf"])
        history = previous.get("history", [])
        first_epoch = state["epoch"] + 1
        rng = random.Random(SEED + first_epoch)
        settings["resumed_from_epoch"] = state["epoch"]
    if args.lr:
        settings["learning_rate_resumed" if args.resume else "learning_rate"] = args.lr
        for group in optimizer.param_groups:
            group["lr"] = args.lr
    for epoch in range(first_epoch, args.epochs + 1):
        begun = time.time()
        total, count = 0.0, 0
        groups = batches(encoded, settings["max_batch_positions"], rng)
        net.train()
        partial = False
        for n, group in enumerate(groups, 1):
            if deadline and dt.datetime.now(dt.UTC) > deadline:
                partial = True
                say(f"epoch {epoch} stopped at {args.until} UTC after {n - 1} of {len(groups)} batches")
                break
            chars, pairs, lex, tags = tensors(encoded, group)
            mask = chars != 0
            loss = crf.nll(net(chars, pairs, lex), tags, mask)
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 5.0)
            optimizer.step()
            total += loss.item()
            count += 1
            if n % 100 == 0:
                say(f"epoch {epoch} batch {n}/{len(groups)} loss {total / count:.3f}")
        if not count:
            break
        for group in optimizer.param_groups:
            group["lr"] *= 0.8
        epoch_dir = args.work / f"epoch{epoch}"
        card["epoch"] = epoch
        card["history"] = history
        export(net, crf, epoch_dir, card)
        shutil.copy(lexicon_file, epoch_dir / neural.LEXICON_NAME)
        model = neural.load(epoch_dir)
        dev = {"peoples_daily_ner_dev": score(model, pd_dev), "cluener2020_train_dev_part": score(model, cluener_dev)}
        mean = (dev["peoples_daily_ner_dev"]["micro_f1"] + dev["cluener2020_train_dev_part"]["micro_f1"]) / 2
        seconds = time.time() - begun
        history.append({"epoch": epoch, "batches": f"{count} of {len(groups)}", "loss": round(total / count, 4),
                        "seconds": round(seconds), "learning_rate": round(optimizer.param_groups[0]["lr"] / 0.8, 6),
                        "dev": dev})
        say(f"epoch {epoch}: loss {total / count:.3f}, {seconds:.0f} s, dev {dev}")
        if mean > best[0]:
            best = (mean, epoch)
            torch.save({"net": net.state_dict(), "crf": crf.state_dict(), "epoch": epoch}, args.work / "best.pt")
        if partial:
            break
    if not best[1]:
        raise SystemExit("no epoch finished")
    best_dir = args.work / f"epoch{best[1]}"
    final = json.loads((best_dir / neural.CARD_NAME).read_text(encoding="utf-8"))
    final["history"] = history
    final["chosen_epoch"] = best[1]
    final["choice"] = "best mean micro-F1 of People's Daily NER dev and the CLUENER dev part"
    final["training_seconds"] = round(time.time() - started)
    final["created"] = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    args.out.mkdir(parents=True, exist_ok=True)
    for name in (neural.MODEL_NAME, neural.LEXICON_NAME):
        shutil.copy(best_dir / name, args.out / name)
    final["bytes"] = {name: (args.out / name).stat().st_size for name in (neural.MODEL_NAME, neural.LEXICON_NAME)}
    (args.out / neural.CARD_NAME).write_text(json.dumps(final, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    say(f"best epoch {best[1]} ({best[0]:.4f}) written to {args.out}")
    record_scores(args.data, args.out, say)


def record_scores(data: Path, out: Path, say) -> None:
    """Score the model in ``out`` on every held-out set of ``make eval`` (tagger alone) and write the scores into
    its card (the sha256 in the card is not touched: it covers the ONNX file only)."""
    from kg.nlp.evaluate import run_suite

    neural.use_model(out)
    scores = {}
    for result in run_suite(data, ner="neural"):
        if result.data == "cluener2020_train":
            continue  # 85 % of it is training data for this model: only its held-out part is a fair figure
        scores[result.data] = result.as_dict()
        say(result.table())
    card_file = out / neural.CARD_NAME
    card = json.loads(card_file.read_text(encoding="utf-8"))
    card["scores"] = scores
    card_file.write_text(json.dumps(card, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
