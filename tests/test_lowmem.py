"""The build path (kg/spooled.py, kg/spool.py): the same files as mapping and writing the corpus in memory, with the
articles on disk while the build runs.

Here: the sample page, a large file read in parts with an article repeated, the cache, damaged spools, the work
folder, and resolution without mentions.
"""

from __future__ import annotations

import datetime as dt
import pickle
from pathlib import Path

import pytest
from click.testing import CliRunner

import kg
from kg.cache import CACHE_DIR, WORK_DIR
from kg.cli import main
from kg.graph.resolve import Resolution, resolve
from kg.publish.outputs import write_files
from kg.run import ProgressInfo, Settings, run
from kg.graph.mapping import to_rdf
from kg.spool import SpoolError, SpoolWriter, check_spool, read_spool

from .conftest import SAMPLE
from .scale_helpers import sample_articles, write_archive

DATE = dt.date(2021, 2, 22)


def _bytes(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.glob("graph.*"))}


def test_the_sample_gives_the_files_of_the_corpus_mapped_in_memory(tmp_path: Path) -> None:
    settings = Settings(date=DATE)
    corpus = run([SAMPLE], settings)
    expected = write_files(to_rdf(corpus, settings.base_iri), tmp_path / "memory")
    built = kg.build([SAMPLE], tmp_path / "b", date=DATE, workers=2)
    assert len(_bytes(tmp_path / "b")) == 8
    assert _bytes(tmp_path / "b") == {path.name: path.read_bytes() for path in expected}
    assert built.corpus.extractions == []
    assert sorted(built.corpus.entities) == sorted(corpus.entities)
    assert built.stats.relations == len(corpus.relations) > 10
    assert (built.stats.quantities, built.stats.events) == (len(corpus.quantities), len(corpus.events))
    # the rdflib view of a build is read back from its N-Quads
    assert len(built.dataset) == len(to_rdf(corpus, settings.base_iri))
    assert not (tmp_path / "b" / WORK_DIR).exists(), "the work folder goes when the build ends"


def test_a_large_file_in_parts_with_a_repeated_article(tmp_path: Path) -> None:
    articles = sample_articles()
    # the second article twice: the same text gives the same article id, kept once, as first met
    big = tmp_path / "big.txt"
    big.write_text("".join([*articles, articles[1], *articles[2:]]), encoding="utf-8")

    def settings() -> Settings:
        return Settings(date=DATE, options={"part_chars": 3_000})

    one = kg.build([big], tmp_path / "a", settings=settings())
    # two workers extract the parts of the one file side by side, and their spools are joined in file order
    parallel = kg.build([big, SAMPLE], tmp_path / "c", settings=settings(), workers=2)
    kg.build([big, SAMPLE], tmp_path / "d", settings=settings(), workers=1)
    assert parallel.stats.workers == 2
    assert _bytes(tmp_path / "c") == _bytes(tmp_path / "d")
    assert one.stats.documents > 1, "the file was read in parts"
    graphs = len({line.rsplit(" ", 2)[-2] for line in (tmp_path / "a" / "graph.nq").read_text().splitlines()})
    assert graphs - 1 < one.stats.articles, "an article occurs twice"


def test_progress_moves_with_the_parts_of_a_large_file(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("".join(sample_articles()), encoding="utf-8")
    seen: list[tuple[int, int, int, int]] = []

    def progress(info: ProgressInfo) -> None:
        if info.phase == "extract":
            seen.append((info.documents_done, info.bytes_done, info.characters, info.articles))

    built = kg.build([big], tmp_path / "out", settings=Settings(date=DATE, options={"part_chars": 3_000}),
                     progress=progress)
    before_done = [step for step in seen if step[0] == 0]
    assert len(before_done) > 1 and before_done[0][1] > 0, "each part moves the bar before the file is complete"
    assert [step[1] for step in seen] == sorted(step[1] for step in seen)
    assert seen[-1] == (1, big.stat().st_size, built.stats.characters, built.stats.articles)


def test_the_cache_is_reused_and_pruned(tmp_path: Path) -> None:
    files = write_archive(tmp_path / "in")
    out = tmp_path / "out"
    first = kg.build(files, out, date=DATE)
    expected = _bytes(out)
    assert first.stats.extracted == 5
    again = kg.build(files, out, date=DATE)
    assert again.stats.reused == 5 and again.stats.extracted == 0
    assert _bytes(out) == expected
    files[0].write_text(files[0].read_text(encoding="utf-8") + "\n新华社北京2月22日电 全国人大常委会召开会议。\n",
                        encoding="utf-8")
    third = kg.build(files, out, date=DATE)
    assert (third.stats.reused, third.stats.extracted) == (4, 1)
    assert _bytes(out) != expected
    assert len(list((out / CACHE_DIR).glob("*/*.spool"))) == 5, "the changed file's old entry was pruned"


def test_a_damaged_cache_entry_is_redone(tmp_path: Path) -> None:
    files = write_archive(tmp_path / "in")
    out = tmp_path / "out"
    kg.build(files, out, date=DATE)
    expected = _bytes(out)
    entry = sorted((out / CACHE_DIR).glob("*/*.spool"))[0]
    data = bytearray(entry.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte in the middle: only the digest can tell
    entry.write_bytes(bytes(data))
    result = CliRunner().invoke(main, ["build", *map(str, files), "-o", str(out), "--date", "2021-02-22",
                                       "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "corrupt cache entry" in result.output and "damaged" in result.output
    assert "4 reused from the cache, 1 extracted" in result.output
    assert _bytes(out) == expected


def test_a_failed_build_keeps_the_old_outputs_and_leaves_no_work_folder(tmp_path: Path) -> None:
    files = write_archive(tmp_path / "in")
    out = tmp_path / "out"
    kg.build(files, out, date=DATE)
    expected = _bytes(out)
    bad = tmp_path / "in" / "zz.txt"
    bad.write_bytes(b"\x00\x01\x02binary\xff" * 100)
    with pytest.raises(kg.errors.KGError, match="zz.txt"):
        kg.build([*files, bad], out, date=DATE)
    assert _bytes(out) == expected
    assert not (out / WORK_DIR).exists()


def test_resolution_without_mentions_gives_the_same_entities() -> None:
    extractions = [e for text in sample_articles() for e in kg.api.extract_texts([("a.txt", text)],
                                                                                 Settings(date=DATE)).extractions]
    copies = pickle.loads(pickle.dumps(extractions))
    with_mentions = resolve(extractions)
    lean = Resolution(keep_mentions=False)
    for extraction in copies:
        lean.add(extraction)
    entities = lean.finish()
    settled = [lean.settle(extraction) for extraction in copies]
    assert list(entities) == list(with_mentions.entities)
    for key, entity in entities.items():
        other = with_mentions.entities[key]
        assert (entity.type, entity.label, entity.alt_labels, entity.attrs) == (
            other.type, other.label, other.alt_labels, other.attrs), key
        assert entity.mentions == []
    assert sum(len(entity.mentions) for entity in with_mentions.entities.values()) > 100
    keys = [m.entity for e in copies for m in e.mentions]
    assert keys == [m.entity for e in extractions for m in e.mentions]
    relations = [(r.subject, r.predicate, r.object) for s in settled for r in s.relations]
    assert relations == [(r.subject, r.predicate, r.object) for r in with_mentions.relations]


def test_a_spool_reads_back_what_was_written_and_refuses_damage(tmp_path: Path) -> None:
    path = tmp_path / "x.spool"
    with SpoolWriter(path) as spool:
        for item in ({"key": "k"}, [1, 2], "三"):
            spool.write(item)
        spool.articles, spool.characters = 2, 7
    assert check_spool(path) == (2, 7)
    assert list(read_spool(path)) == [{"key": "k"}, [1, 2], "三"]
    data = path.read_bytes()
    path.write_bytes(data[:-5])
    with pytest.raises(SpoolError):
        check_spool(path)
    path.write_bytes(b"garbage" + data[7:])
    with pytest.raises(SpoolError, match="not a kg spool"):
        check_spool(path)
    with pytest.raises(ValueError), SpoolWriter(tmp_path / "y.spool") as spool:
        spool.write("half")
        raise ValueError("interrupted")
    assert list(tmp_path.glob("y.spool*")) == [] and list(tmp_path.glob(".y.spool*")) == []


def test_another_resolve_stage_is_refused_by_build(tmp_path: Path) -> None:
    settings = Settings(date=DATE, resolve="resolve.mine")
    with pytest.raises(kg.errors.ConfigError, match="a build resolves with resolve.default"):
        kg.build([SAMPLE], tmp_path / "out", settings=settings)
    assert not (tmp_path / "out").exists(), "a folder the build created is removed again"


@kg.run.stage("nlp.tag.fails_on_marker")
def _failing_tagger(extraction: kg.model.ArticleExtraction, settings: object = None) -> kg.model.ArticleExtraction:
    if "标记失败" in extraction.article.text:
        raise kg.errors.ExtractionError("the test tagger met its marker")
    return extraction


def test_a_failing_part_of_a_large_file_fails_the_file(tmp_path: Path) -> None:
    articles = sample_articles()
    big = tmp_path / "big.txt"
    big.write_text("".join(articles[:3]) + "本报乌海2月21日电 标记失败的一段。\n" + "".join(articles[3:]), encoding="utf-8")

    def settings(keep_going: bool) -> Settings:
        return Settings(date=DATE, ner="fails_on_marker", keep_going=keep_going,
                        options={"part_chars": 3_000})

    with pytest.raises(kg.errors.ExtractionError, match="big.txt.*marker"):
        kg.build([big], tmp_path / "out", settings=settings(False), workers=2)
    result = kg.build([big, SAMPLE], tmp_path / "out", settings=settings(True), workers=2)
    assert [path for path, _ in result.stats.skipped] == [str(big)]
    assert result.stats.files == 1  # the sample alone (read in parts of its own)
    assert list((tmp_path / "out").glob(".kg-work*")) == []
