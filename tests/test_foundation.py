"""Foundation guarantees: determinism, stable IRIs, committed sample outputs, swappable stages, closed vocabulary."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, Literal, URIRef

import kg
from kg.errors import OntologyError, StageNotFound
from kg.model import ArticleExtraction, Mention
from kg.run import Settings, get_stage, stage
from kg.publish.export import union_graph
from kg.graph.iri import IRIs
from kg.graph.vocab import KG, KG_NS

from .conftest import ROOT
from .scale_helpers import write_archive


def _build_in_subprocess(inputs: list[Path], out: Path, seed: str, workers: int) -> dict[str, bytes]:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    cmd = [sys.executable, "-m", "kg", "build", *map(str, inputs), "-o", str(out), "--date", "2021-02-22", "-q",
           "--no-cache", "-j", str(workers)]
    subprocess.run(cmd, check=True, env=env, cwd=ROOT)
    return {path.name: path.read_bytes() for path in sorted(out.glob("graph.*"))}


@pytest.mark.slow
def test_two_builds_give_the_same_bytes_with_one_worker_or_two(tmp_path: Path) -> None:
    """The one determinism test: every file of two builds of the same input, with other hash seeds and 1 or 2
    workers (extraction and writing split over processes), is byte-identical."""
    inputs = write_archive(tmp_path / "in")
    first = _build_in_subprocess(inputs, tmp_path / "a", "1", workers=1)
    second = _build_in_subprocess(inputs, tmp_path / "b", "987", workers=2)
    assert len(first) == 8 and all(first.values())
    assert first == second


def test_every_entity_has_a_zh_label_and_an_ontology_type(sample_build) -> None:
    graph = union_graph(sample_build.dataset)
    entities = set(graph.objects(None, KG.mentionOf))
    assert len(entities) > 30
    for entity in entities:
        types = [t for t in graph.objects(entity, RDF.type) if str(t).startswith(KG_NS)]
        assert types, entity
        labels = [lbl for lbl in graph.objects(entity, RDFS.label) if isinstance(lbl, Literal) and lbl.language == "zh"]
        assert labels, entity


def test_entity_iris_are_stable_across_inputs_and_bases(tmp_path: Path) -> None:
    text = "本报包头3月5日电（记者 张明）包头市政府召开会议。\n"
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "b.txt").write_text("内蒙古科技大学与包头市政府签署协议。\n" + text, encoding="utf-8")
    one = union_graph(kg.build([tmp_path / "a.txt"], tmp_path / "o1").dataset)
    two = union_graph(kg.build([tmp_path / "b.txt"], tmp_path / "o2").dataset)
    labelled = {str(s) for s, _ in one.subject_objects(RDFS.label)} & {str(s) for s, _ in two.subject_objects(RDFS.label)}
    assert any("%E5%8C%85%E5%A4%B4" in iri for iri in labelled)  # 包头 appears in both graphs with the same IRI
    other = kg.build([tmp_path / "a.txt"], tmp_path / "o3", base_iri="http://example.org/news/")
    subjects = {str(s) for s in union_graph(other.dataset).subjects()}
    assert subjects and all(s.startswith("http://example.org/news/") for s in subjects)


def test_iris_percent_encode_chinese_names() -> None:
    iri = IRIs("http://example.org/").entity("Organization/乌海市委 /x")
    assert iri == URIRef("http://example.org/Organization/%E4%B9%8C%E6%B5%B7%E5%B8%82%E5%A7%94%20/x")
    assert " " not in str(iri)


def test_vocabulary_refuses_undeclared_terms() -> None:
    assert str(KG.City) == KG_NS + "City"
    with pytest.raises(OntologyError):
        _ = KG.NoSuchClass


def test_a_stage_can_be_swapped_by_name(tmp_path: Path) -> None:
    @stage("nlp.tag.test_everything_is_a_person")
    def tag_people(extraction: ArticleExtraction, settings: Settings) -> ArticleExtraction:
        text = extraction.article.text
        extraction.mentions.append(Mention(extraction.article.id, 0, 2, text[:2], "Person", source="test"))
        return extraction

    source = tmp_path / "in.txt"
    source.write_text("王刚说，乌海市很好。\n", encoding="utf-8")
    result = kg.build([source], tmp_path / "out", ner="test_everything_is_a_person")
    graph = union_graph(result.dataset)
    assert (None, RDFS.label, Literal("王刚", lang="zh")) in graph
    with pytest.raises(StageNotFound):
        get_stage("nlp.tag.missing")


@pytest.mark.slow
def test_wheel_contains_ontology_and_builds_outside_the_checkout(tmp_path: Path) -> None:
    """A built wheel carries ontology/ and the sample, and `kg build` works from it (no checkout on sys.path)."""
    dist = tmp_path / "dist"
    build = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist), str(ROOT)],
        capture_output=True, text=True,
    )
    if build.returncode != 0:
        pytest.fail(build.stdout[-2000:] + build.stderr[-2000:])
    wheel = next(dist.glob("*.whl"))
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target),
                    str(wheel)], check=True)
    assert (target / "kg" / "ontology" / "kg.ttl").is_file()
    sample = next((target / "kg" / "data" / "sample").glob("*.txt"))
    work = tmp_path / "elsewhere"
    work.mkdir()
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import kg, kg.graph.vocab as v; "
        "assert kg.__file__.startswith(sys.argv[1]), kg.__file__; "
        "assert str(v.ontology_dir()).startswith(sys.argv[1]); "
        "from kg.cli import main; sys.argv = ['kg', 'build', sys.argv[2], '-o', 'out', '-q']; main()"
    )
    subprocess.run([sys.executable, "-c", code, str(target), str(sample)], check=True, cwd=work)
    graph = Graph().parse(work / "out" / "graph.ttl")
    assert len(graph) > 500
