"""Check and time the CRF taggers' integer feature ids: ``python bench/feature_ids_check.py [--data DIR] [--speed]``.

:func:`kg.nlp.tag.crf.feature_ids` and :func:`kg.nlp.tag.lac_crf.feature_ids` must equal the model's ids of the
feature strings (``model.column_ids`` of :func:`kg.nlp.tag.crf.feature_columns` /
:func:`kg.nlp.tag.lac_crf.feature_columns`) on every text. The check runs both, piece by piece as the taggers cut a
text and batched over each text's pieces, on People's Daily NER dev and test, the MSRA validation slice and the
CLUENER sentences (each text as the file has it, full-width forms included, LAC marks from
:func:`kg.nlp.tag.lac.analyse`), the sample page, and seeded random text (Chinese, punctuation, brackets, ``^$|``,
emoji, digits, full-width forms, control characters, Latin, one very long line); it prints the number of pieces whose
ids differ (must be 0). ``--speed`` times the string path against the ids for crf and lac_crf (process CPU seconds,
best of three) on the text bench/lac_crf_speed.py uses.

The model is the tagger's :class:`kg.nlp.tag.linear_crf.LinearCRF`, whose ids are crfsuite's own.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.nlp.tag import crf, lac, lac_crf  # noqa: E402
from kg.nlp.tag.linear_crf import LinearCRF  # noqa: E402
from kg.nlp.tag.pieces import pieces  # noqa: E402

SAMPLE = ROOT / "kg" / "data" / "sample" / "inner_mongolia_daily_2021-02-22_p3.txt"


def load_model(name: str) -> LinearCRF:
    """The shipped model ``name`` as the taggers read it."""
    return LinearCRF.load(crf.model_path(name))


def random_texts(count: int = 2000, seed: int = 1998) -> list[str]:
    """Seeded random texts mixing the kinds of characters that test the ids' corner cases."""
    rng = random.Random(seed)
    common = (
        "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种"
        "面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本"
        "去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比"
        "或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总"
        "次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做"
        "必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权"
        "收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信"
        "马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连"
        "断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存"
        "候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严龙飞"
    )
    pools = [
        common,
        "，。、；：？！“”‘’（）《》〈〉【】「」『』—…·",
        ",.;:?!\"'()[]<>-/%+",
        "^$|?",
        "0123456789",
        "０１２３４５６７８９ＡＢＣＸＹＺａｂｃｘｙｚ％＋－／＝＠　",
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
        "😀🚀🇨🇳\U0002a6a5\U00020000",
        "\x00\x01\x02\x03\t\r\x7f\u200b\ufeff",
        "〇零一二三四五六七八九十百千万亿两①②²",
        "有限公司集团委员会大学自治区自治州特别行政区公安局派出所支队",
        "北京上海内蒙古自治区赤峰市乌海市呼和浩特市鄂尔多斯市俄罗斯法国美国",
    ]
    texts = []
    for _ in range(count):
        length = rng.choice((1, 2, 3, 5, 10, 30, 80, 200, 400))
        chosen = rng.sample(pools, rng.randint(1, 4))
        texts.append("".join(rng.choice(rng.choice(chosen)) for _ in range(length)))
    texts.append("".join(rng.choice(common) for _ in range(20_000)))  # one long line, no clause end to cut at
    texts.append("，".join(rng.choice(common) * rng.randint(1, 50) for _ in range(400)))
    return texts


def corpora(data: Path) -> Iterator[tuple[str, list[str]]]:
    """(name, texts) of each corpus found, texts as the files have them."""
    for split in ("example.dev", "example.test"):
        path = data / "peoples_daily_ner" / split
        if path.is_file():
            sentences = path.read_text(encoding="utf-8").split("\n\n")
            yield f"peoples_daily_ner/{split}", ["".join(line[:1] for line in s.split("\n")) for s in sentences]
    path = data / "msra_ner_val" / "sentences.txt"
    if path.is_file():
        yield "msra_ner_val", ["".join(line.split(" ")) for line in path.read_text(encoding="utf-8").split("\n")]
    path = data / "cluener2020" / "train.json"
    if path.is_file():
        lines = path.read_text(encoding="utf-8").splitlines()
        yield "cluener2020/train", [json.loads(line)["text"] for line in lines if line.strip()]
    yield "sample page", [SAMPLE.read_text(encoding="utf-8")]
    yield "random", random_texts()


def check(data: Path) -> int:
    """Compare ids and strings on every corpus; print the counts and return the number of differing pieces."""
    crf_model, lac_crf_model = load_model(crf.MODEL_NAME), load_model(lac_crf.MODEL_NAME)
    print(f"model: {type(crf_model).__module__}.{type(crf_model).__name__}")
    total = 0
    for name, texts in corpora(data):
        texts = [t for t in texts if t]
        counts = {"pieces": 0, "chars": 0, "crf": 0, "crf batched": 0, "lac_crf": 0, "lac_crf batched": 0}
        for text in texts:
            cut = pieces(text, crf.MAX_CHUNK)
            marks = lac_crf.lac_marks(text, lac.analyse(text))
            piece_marks = [marks[offset : offset + len(piece)] for offset, piece in cut]
            batched_crf = crf.pieces_feature_ids([piece for _, piece in cut], crf_model)
            batched_lac = lac_crf.pieces_feature_ids([piece for _, piece in cut], piece_marks, lac_crf_model)
            rows = zip(cut, piece_marks, batched_crf, batched_lac, strict=True)
            for (_offset, piece), mark, ids_crf, ids_lac in rows:
                expected = crf_model.column_ids(crf.feature_columns(piece))
                counts["crf"] += not np.array_equal(crf.feature_ids(piece, crf_model), expected)
                counts["crf batched"] += not np.array_equal(ids_crf, expected)
                expected = lac_crf_model.column_ids(lac_crf.feature_columns(piece, mark))
                counts["lac_crf"] += not np.array_equal(lac_crf.feature_ids(piece, mark, lac_crf_model), expected)
                counts["lac_crf batched"] += not np.array_equal(ids_lac, expected)
                counts["pieces"] += 1
                counts["chars"] += len(piece)
        differing = sum(v for k, v in counts.items() if k not in ("pieces", "chars"))
        total += differing
        print(f"{name}: {len(texts):,} texts, {counts['pieces']:,} pieces, {counts['chars']:,} characters; pieces "
              f"differing: crf {counts['crf']}, batched {counts['crf batched']}; lac_crf {counts['lac_crf']}, "
              f"batched {counts['lac_crf batched']}")
    print(f"total differing pieces: {total}")
    return total


def speed(data: Path, repeats: int = 3) -> None:
    """µs per character of the strings + ``column_ids`` against ``feature_ids`` per piece and ``pieces_feature_ids``
    per text, for crf and lac_crf (LAC marks made beforehand, untimed)."""
    from bench.lac_crf_speed import paragraphs

    models = {"crf": load_model(crf.MODEL_NAME), "lac_crf": load_model(lac_crf.MODEL_NAME)}
    texts = paragraphs(data)
    jobs = []
    for text in texts:
        marks = lac_crf.lac_marks(text, lac.analyse(text))
        jobs.append([(piece, marks[offset : offset + len(piece)]) for offset, piece in pieces(text, crf.MAX_CHUNK)])
    chars = sum(len(piece) for job in jobs for piece, _ in job)
    crf.feature_ids(texts[0], models["crf"])  # builds the tables
    lac_crf.feature_ids(texts[0], lac_crf.lac_marks(texts[0], lac.analyse(texts[0])), models["lac_crf"])

    def crf_strings() -> None:
        for job in jobs:
            for piece, _marks in job:
                models["crf"].column_ids(crf.feature_columns(piece))

    def crf_per_piece() -> None:
        for job in jobs:
            for piece, _marks in job:
                crf.feature_ids(piece, models["crf"])

    def crf_batched() -> None:
        for job in jobs:
            crf.pieces_feature_ids([piece for piece, _ in job], models["crf"])

    def lac_crf_strings() -> None:
        for job in jobs:
            for piece, marks in job:
                models["lac_crf"].column_ids(lac_crf.feature_columns(piece, marks))

    def lac_crf_per_piece() -> None:
        for job in jobs:
            for piece, marks in job:
                lac_crf.feature_ids(piece, marks, models["lac_crf"])

    def lac_crf_batched() -> None:
        for job in jobs:
            lac_crf.pieces_feature_ids([piece for piece, _ in job], [marks for _, marks in job], models["lac_crf"])

    pieces_count = sum(map(len, jobs))
    print(f"{chars:,} characters, {len(texts)} texts, {pieces_count:,} pieces; best of {repeats}")
    for name, run in (("crf strings + column_ids", crf_strings), ("crf feature_ids per piece", crf_per_piece),
                      ("crf pieces_feature_ids per text", crf_batched),
                      ("lac_crf strings + column_ids", lac_crf_strings),
                      ("lac_crf feature_ids per piece", lac_crf_per_piece),
                      ("lac_crf pieces_feature_ids per text", lac_crf_batched)):
        best = float("inf")
        for _ in range(repeats):
            started = time.process_time()
            run()
            best = min(best, time.process_time() - started)
        print(f"{name}: {best / chars * 1e6:.2f} µs/char")


def main() -> None:
    """Run the check, and the timing with --speed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--speed", action="store_true", help="only time the ids against the strings")
    args = parser.parse_args()
    if args.speed:
        speed(args.data)
    elif check(args.data):
        sys.exit(1)


if __name__ == "__main__":
    main()
