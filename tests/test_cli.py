"""The command line: help texts, exit codes and messages, and that bad input leaves no partial output."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main

from .conftest import ROOT, SAMPLE


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def test_help_has_summary_and_example_for_every_command(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    assert "Example" in result.output
    for name, command in main.commands.items():
        sub = runner.invoke(main, [name, "--help"])
        assert sub.exit_code == 0, name
        assert command.get_short_help_str(), name
        assert "Example" in sub.output, f"kg {name} --help has no example"


def test_build_writes_graph_and_view(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(main, ["build", str(SAMPLE), "-o", str(out), "--date", "2021-02-22"])
    assert result.exit_code == 0, result.output
    assert (out / "graph.ttl").stat().st_size > 1000
    assert (out / "graph.html").stat().st_size > 1000
    assert "article(s)" in result.output


def test_missing_file_is_a_one_line_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["build", str(tmp_path / "nope.txt"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "nope.txt" in result.output and "no such file" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_usage_error_exits_2(runner: CliRunner) -> None:
    assert runner.invoke(main, ["build"]).exit_code == 2
    assert runner.invoke(main, ["build", str(SAMPLE), "--date", "yesterday"]).exit_code == 2
    assert runner.invoke(main, ["no-such-command"]).exit_code == 2


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"  \n\n ", "empty"),
        ("binary.txt", bytes(range(256)) * 8, "binary"),
    ],
)
def test_bad_input_names_the_file_and_keeps_old_outputs(
    runner: CliRunner, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    bad = tmp_path / name
    bad.write_bytes(content)
    out = tmp_path / "out"
    out.mkdir()
    (out / "graph.ttl").write_text("previous", encoding="utf-8")
    result = runner.invoke(main, ["build", str(bad), "-o", str(out)])
    assert result.exit_code == 1
    assert name in result.output and message in result.output
    assert (out / "graph.ttl").read_text(encoding="utf-8") == "previous"
    assert sorted(p.name for p in out.iterdir()) == ["graph.ttl"]


def test_empty_directory_is_an_error(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "picture.png").write_bytes(b"\x89PNG")
    result = runner.invoke(main, ["build", str(tmp_path / "in"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "no text files" in result.output


def test_gbk_input_is_read_not_rejected(runner: CliRunner, tmp_path: Path) -> None:
    text = "本报呼和浩特2月21日讯（记者 刘洋）呼和浩特市市场监管局在“衣食住行”领域共查办案件1362起。\n"
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes(text.encode("gbk"))
    out = tmp_path / "out"
    result = runner.invoke(main, ["build", str(gbk), "-o", str(out), "--date", "2021-02-22"])
    assert result.exit_code == 0, result.output
    assert "呼和浩特市" in (out / "graph.ttl").read_text(encoding="utf-8")


def test_stages_lists_taggers(runner: CliRunner) -> None:
    result = runner.invoke(main, ["stages"])
    assert result.exit_code == 0
    assert "nlp.tag.lac" in result.output.split()


@pytest.mark.parametrize("command", [["build", str(SAMPLE)], ["extract", str(SAMPLE)], ["eval", "ner", str(SAMPLE)]])
def test_unknown_tagger_is_a_usage_error_naming_the_taggers(runner: CliRunner, tmp_path: Path,
                                                            command: list[str]) -> None:
    result = runner.invoke(main, [*command, "--ner", "spacy"])
    assert result.exit_code == 2
    assert "'spacy' is not a tagger; choose one of " in result.output
    assert {"crf", "lac", "lac_crf"} <= set(result.output.split("choose one of ")[1].replace(",", " ").split())
    assert not (tmp_path / "output").exists()


def test_every_command_has_one_default_tagger() -> None:
    """kg build, kg extract and kg eval ner take the same default, the one the library uses (DEFAULT_NER), and
    their help names exactly the registered taggers."""
    from kg.cli import NER_HELP, build, eval_ner_command, extract
    from kg.run import DEFAULT_NER, Settings, get_stage, stages

    defaults = {next(p.default for p in command.params if p.name == "ner")
                for command in (build, extract, eval_ner_command)}
    assert defaults == {DEFAULT_NER} == {Settings().ner}
    # the taggers kg ships (other tests register their own in this process)
    taggers = sorted(name.removeprefix("nlp.tag.") for name in stages()
                     if name.startswith("nlp.tag.") and get_stage(name).__module__.startswith("kg."))
    assert sorted(NER_HELP.split(":")[1].split("(")[0].replace(" or ", ", ").replace(" ", "").split(",")) == taggers


def test_help_says_which_inputs_are_accepted_with_an_example(runner: CliRunner) -> None:
    top = runner.invoke(main, ["--help"]).output
    for kind in (".txt", ".pdf", ".html", "folders", "globs"):
        assert kind in top
    for command in (["build"], ["extract"]):
        text = runner.invoke(main, [*command, "--help"]).output
        assert ".pdf" in text and ".html" in text and "Example" in text


def test_help_example_does_not_write_the_committed_outputs(runner: CliRunner) -> None:
    """The example of 'kg --help' writes into a folder git ignores, not into the committed output/."""
    top = runner.invoke(main, ["--help"]).output
    example = next(line.split() for line in top.splitlines() if line.strip().startswith("kg build"))
    folder = example[example.index("-o") + 1].strip("/")
    assert folder != "output"
    ignored = subprocess.run(["git", "check-ignore", "-q", f"{folder}/graph.ttl"], cwd=ROOT)
    assert ignored.returncode == 0, f"{folder}/ is not ignored by git"


def test_quiet_silences_pdf_warnings(tmp_path: Path) -> None:
    """pdfminer warns (through logging) about a colour operator it cannot read; --quiet shows nothing at all."""
    from tests.ingest_pdf import make_pdf

    # The font size is written into the content stream as given: this one carries an unreadable gray-level operator.
    page = make_pdf([[(72, 700, "本报乌海2月21日电 乌海市建成3座加氢站。", "12 Tf /Foo g /F1 12")]])  # type: ignore[list-item]
    (tmp_path / "page.pdf").write_bytes(page)
    # a process of its own: pytest's log capture would take pdfminer's records before they reach stderr
    args = [sys.executable, "-m", "kg", "build", str(tmp_path / "page.pdf"), "-o", str(tmp_path / "out"), "-j", "2",
            "--no-cache"]
    loud = subprocess.run(args, capture_output=True, text=True)
    assert loud.returncode == 0 and "invalid float value" in loud.stderr  # the warning is really there
    quiet = subprocess.run([*args, "--quiet"], capture_output=True, text=True)
    assert quiet.returncode == 0 and quiet.stdout == quiet.stderr == ""


def test_user_dictionary_adds_entities(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "in.txt"
    source.write_text("牧民们在草原上举办那达慕，吸引游客前来体验。\n", encoding="utf-8")
    dictionary = tmp_path / "names.tsv"
    dictionary.write_text("那达慕\tEvent\n", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(main, ["build", str(source), "-o", str(out), "--user-dict", str(dictionary), "-q"])
    assert result.exit_code == 0, result.output
    graph = (out / "graph.ttl").read_text(encoding="utf-8")
    assert '"那达慕"@zh' in graph and "kg:Event" in graph


def test_publication_names_the_newspaper_of_every_article(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["build", str(SAMPLE), "-o", str(out), "--date", "2021-02-22", "--publication", "内蒙古日报", "-q",
            "--format", "ttl"]
    assert runner.invoke(main, args).exit_code == 0
    from rdflib import Graph, Literal
    from rdflib.namespace import RDF, RDFS

    from kg.graph.vocab import KG

    graph = Graph().parse(out / "graph.ttl")
    paper = graph.value(predicate=RDFS.label, object=Literal("内蒙古日报", lang="zh"))
    assert (paper, RDF.type, KG.NewsMedia) in graph
    articles = set(graph.subjects(RDF.type, KG.Article)) | set(graph.subjects(RDF.type, KG.PhotoStory))
    assert len(articles) == 9
    assert all((article, KG.publication, paper) in graph for article in articles)


def test_one_entity_count_in_build_summary_stats_and_view(runner: CliRunner, tmp_path: Path) -> None:
    """The build summary, `kg stats` and the view's status line count entities with one function
    (kg.graph.vocab.entity_count): 65, 71 and 74 on the sample before they were made one. Relations are the
    kg:Statement nodes for both the summary and kg stats (kg.store.stats.statement_count)."""
    import json
    import re

    out = tmp_path / "out"
    result = runner.invoke(main, ["build", str(SAMPLE), "-o", str(out), "--date", "2021-02-22"])
    assert result.exit_code == 0, result.output
    built = int(re.search(r"^  entities +([\d,]+)$", result.output, flags=re.M).group(1).replace(",", ""))
    stats = json.loads(runner.invoke(main, ["stats", str(out / "graph.nq"), "--format", "json"]).output)
    page = (out / "graph.html").read_text(encoding="utf-8")
    view = json.loads(re.search(r'<script id="kg-data" type="application/json">(.*?)</script>', page, re.S).group(1))
    assert built == stats["entities"] == view["stats"]["entities"] > 50
    relations = int(re.search(r"^  relations +([\d,]+) ", result.output, flags=re.M).group(1).replace(",", ""))
    assert relations == stats["statements"] > 10
    # the view draws posts too, which are not entities
    assert len(view["nodes"]) == built + stats["classes"].get("kg:Post", 0)
