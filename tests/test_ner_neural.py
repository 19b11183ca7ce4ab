"""The shipped neural character tagger (nlp.tag.neural): tagging, offsets, batching, lexicon marks, bad model files."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.errors import ExtractionError
from kg.model import Article, ArticleExtraction
from kg.nlp.tag import neural

from .entities_helpers import TAGGER_SENTENCES, tagged


@pytest.mark.parametrize(("text", "expected"), TAGGER_SENTENCES)
def test_neural_tags_real_news_sentences(text: str, expected: set[tuple[str, str]]) -> None:
    found = tagged("neural", text)
    assert expected <= found, expected - found


def test_offsets_hold_across_paragraphs_and_blank_lines() -> None:
    text = "据新华社报道，\n外交部发言人华春莹12日在北京表示。\n\n王毅会见了来访的法国外长。"
    found = tagged("neural", text)  # checks every mention's text against its offsets
    assert {("华春莹", "Person"), ("王毅", "Person"), ("北京", "Place")} <= found
    assert not any("\n" in name for name, _ in found)


def test_empty_and_blank_text() -> None:
    assert tagged("neural", "") == set()
    assert tagged("neural", "\n \n") == set()


def test_batched_form_gives_what_each_article_gives_alone() -> None:
    """Pieces of different lengths share batches (padded, padding masked): every article gets the same spans as
    alone, and scores equal up to float rounding (onnxruntime's sums may run in another order for another batch
    shape; kg batches the articles of one document, so a build's output does not depend on the worker count)."""
    texts = [text for text, _ in TAGGER_SENTENCES] + ["上海市人民政府今天发布通知。" * 30, "李明说。"]
    alone = [neural.recognise_many([text])[0] for text in texts]
    for together in (neural.recognise_many(texts), list(reversed(neural.recognise_many(list(reversed(texts)))))):
        assert [[span[:3] for span in spans] for spans in together] == [[span[:3] for span in spans] for spans in alone]
        for spans, reference in zip(together, alone, strict=True):
            assert all(abs(a[3] - b[3]) <= 2e-4 for a, b in zip(spans, reference, strict=True))
    assert neural.recognise_many(texts) == neural.recognise_many(texts)


def test_long_lines_are_cut_and_offsets_kept() -> None:
    unit = "北京市人民政府和上海市人民政府签署协议，"
    text = unit * 40  # 800 characters on one line: several pieces
    spans = neural.recognise_many([text])[0]
    assert spans, "nothing found in a long line"
    for start, end, _, _ in spans:
        assert text[start:end].strip() == text[start:end]
        assert end - start < len(unit)


def test_lexicon_marks_begin_inside_end() -> None:
    lexicon = neural.build_lexicon([("内蒙古", 4), ("呼和浩特", 4 | 1), ("浩特", 1)])
    marks = neural.lexicon_marks("在呼和浩特和内蒙古", lexicon)
    place, word = 2 * 3, 0
    assert marks.shape == (9, neural.MARKS)
    assert marks[1, place] == 1 and marks[2:4, place + 1].tolist() == [1, 1] and marks[4, place + 2] == 1
    assert marks[6, place] == 1 and marks[7, place + 1] == 1 and marks[8, place + 2] == 1
    # 浩特 (word list only) begins at 3 and ends at 4; 呼和浩特 is also in the word list
    assert marks[3, word] == 1 and marks[1, word] == 1 and marks[4, word + 2] == 1
    assert marks[0].sum() == 0 and marks[5].sum() == 0


def test_label_spans_close_broken_sequences() -> None:
    labels = ["B-PER", "E-PER", "O", "S-LOC", "B-ORG", "I-ORG", "O", "I-LOC", "E-LOC", "B-PER"]
    assert neural.label_spans(labels) == [(0, 2, "PER"), (3, 4, "LOC"), (4, 6, "ORG"), (7, 9, "LOC"), (9, 10, "PER")]


def test_viterbi_follows_transitions() -> None:
    scores = np.array([[1.0, 0.0], [0.0, 0.9]], dtype=np.float32)
    free = np.zeros((2, 2), dtype=np.float32)
    zero = np.zeros(2, dtype=np.float32)
    assert neural.viterbi(scores, free, zero, zero).tolist() == [0, 1]
    forbidden = np.array([[0.0, -10.0], [0.0, 0.0]], dtype=np.float32)
    assert neural.viterbi(scores, forbidden, zero, zero).tolist() == [0, 0]


def test_card_records_data_settings_scores_and_digest() -> None:
    card = json.loads((neural.MODEL_DIR / neural.CARD_NAME).read_text(encoding="utf-8"))
    assert {"msra_ner_train", "removed_as_shared_with_evaluation", "sentences"} <= set(card["training_data"])
    assert card["licence"] and card["settings"] and card["history"]
    import hashlib

    digest = hashlib.sha256((neural.MODEL_DIR / neural.MODEL_NAME).read_bytes()).hexdigest()
    assert card["sha256"][neural.MODEL_NAME] == digest


def _copy_model(directory: Path) -> Path:
    for name in (neural.MODEL_NAME, neural.CARD_NAME, neural.LEXICON_NAME):
        shutil.copy(neural.MODEL_DIR / name, directory / name)
    return directory


@pytest.mark.parametrize("name", [neural.MODEL_NAME, neural.CARD_NAME, neural.LEXICON_NAME])
def test_missing_file_is_named(tmp_path: Path, name: str) -> None:
    (_copy_model(tmp_path) / name).unlink()
    with pytest.raises(ExtractionError, match=name):
        neural.load(tmp_path)


def test_corrupt_model_is_named(tmp_path: Path) -> None:
    _copy_model(tmp_path)
    (tmp_path / neural.MODEL_NAME).write_bytes(b"not an onnx model")
    with pytest.raises(ExtractionError, match=neural.MODEL_NAME):
        neural.load(tmp_path)


def test_corrupt_model_with_matching_digest_is_named(tmp_path: Path) -> None:
    """A file that passes the card's digest check but is no ONNX model still gives kg's error, not onnxruntime's."""
    import hashlib

    _copy_model(tmp_path)
    bad = b"\x08\x07garbage"
    (tmp_path / neural.MODEL_NAME).write_bytes(bad)
    card = json.loads((tmp_path / neural.CARD_NAME).read_text(encoding="utf-8"))
    card["sha256"][neural.MODEL_NAME] = hashlib.sha256(bad).hexdigest()
    (tmp_path / neural.CARD_NAME).write_text(json.dumps(card), encoding="utf-8")
    with pytest.raises(ExtractionError, match="cannot be loaded"):
        neural.load(tmp_path)


def test_corrupt_card_and_lexicon_are_named(tmp_path: Path) -> None:
    _copy_model(tmp_path)
    (tmp_path / neural.LEXICON_NAME).write_bytes(b"plain, not gzip")
    with pytest.raises(ExtractionError, match=neural.LEXICON_NAME):
        neural.load(tmp_path)
    shutil.copy(neural.MODEL_DIR / neural.LEXICON_NAME, tmp_path / neural.LEXICON_NAME)
    (tmp_path / neural.CARD_NAME).write_text("{", encoding="utf-8")
    with pytest.raises(ExtractionError, match=neural.CARD_NAME):
        neural.load(tmp_path)


def test_cli_reports_a_missing_model_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    models = tmp_path / "models"
    models.mkdir()
    monkeypatch.setattr(neural, "MODEL_DIR", models)
    monkeypatch.setattr(neural, "_loaded", {})
    page = tmp_path / "page.txt"
    page.write_text("国务院总理李克强在北京会见了来宾。\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["extract", str(page), "--ner", "neural"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert neural.MODEL_NAME in result.output


def test_output_is_deterministic() -> None:
    text = "新华社呼和浩特电 内蒙古自治区人民政府主席王莉霞在包头市调研。"
    first = neural.recognise_many([text])
    neural._loaded.clear()  # a fresh session gives the same bytes
    assert neural.recognise_many([text]) == first


def test_lexicon_file_is_sorted_gzip_text() -> None:
    with gzip.open(neural.MODEL_DIR / neural.LEXICON_NAME, "rt", encoding="utf-8") as handle:
        words = [line.split("\t")[0] for line in handle]
    assert words == sorted(words) and len(words) > 10_000


def test_tagger_is_registered() -> None:
    from kg.run import get_batched, get_stage

    article = Article(id="t", document_id="d", index=0, text="李明在北京。")
    assert get_stage("nlp.tag.neural") is neural.tag
    assert get_batched("nlp.tag.neural") is not None
    assert get_stage("nlp.tag.neural")(ArticleExtraction(article=article)).mentions is not None
