"""Normalisation for analysis: the text the taggers, rules and extractors read, with a map back to the article's text.

Regional news comes in simplified and traditional script, with pinyin glosses after rare characters (``達(dá)茂``),
full-width letters and digits, and zero-width characters from web pages. The extraction stages are built for
simplified text without those, so the stage ``text.normalise.default`` gives them an *analysis text*:

* traditional → simplified, character for character (OpenCC's TSCharacters as shipped by opencc-purepy, its first
  candidate; its TSPhrases, every one as long as its source, settle the ambiguous characters: 乾隆 stays, 乾淨 → 干净),
  and corner brackets 「」『』 → “”‘’ (OpenCC's TSPunctuations);
* pinyin glosses dropped: a bracketed lowercase syllable run after a Chinese character that carries a tone mark
  (``達(dá)茂``) or sits inside a word (``县(xian)城``); a capitalised gloss (北京(Beijing)) or an acronym (世界贸易组织
  (WTO)) says something of its own and stays;
* full-width ASCII letters and digits → ASCII, half-width ideographic punctuation (｡｢｣､) → its full-width form,
  CJK compatibility ideographs → their unified form, zero-width characters and soft hyphens dropped.

Every replacement is one character for one character; only drops change the length. ``TextMap.offsets[i]`` is the
index in the article's own text of analysis character ``i``, so a span found in the analysis text maps back exactly
(:meth:`TextMap.to_original`). While the ``nlp.*`` steps run, ``Article.text`` is the analysis text and
``Article.analysis`` holds the map; :func:`restore` then puts the article's own text back and moves every span
(mentions, tokens, evidence, sentences) into it. A mention whose original wording differs keeps the analysis form in
``attrs["analysis"]`` (simplified, for keys and an additional label) and, when a gloss was dropped from it, the
original-script form without the gloss in ``attrs["surface"]`` (its label).
"""

from __future__ import annotations

import dataclasses
import importlib.util
import re
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

import ahocorasick

from kg.model import Article, ArticleExtraction, Evidence, Mention, Quantity, Span, TextMap
from kg.registry import stage

# Zero-width space, non-joiner, joiner, word joiner, byte-order mark, soft hyphen, Mongolian vowel separator.
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e")
_ZERO_WIDTH = re.compile("[" + "".join(sorted(ZERO_WIDTH)) + "]")
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜḿńňǹ"
_PINYIN = f"a-zü{_TONED}"
# A run of up to four lowercase pinyin syllables in round brackets right after a Chinese character.
GLOSS = re.compile(rf"(?<=[\u4e00-\u9fff])[（(] ?([{_PINYIN}]{{1,6}}(?:[ '’-][{_PINYIN}]{{1,6}}){{0,3}}) ?[)）]")
_HALF_WIDTH_PUNCTUATION = {"｡": "。", "｢": "「", "｣": "」", "､": "、"}
# Attributes of a mention that hold "start:end" offsets of another mention in the same article text.
SPAN_ATTRS = ("ref", "post_org", "owner")


@cache
def _dicts() -> Path | None:
    spec = importlib.util.find_spec("opencc_purepy")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "dicts"
    return path if path.is_dir() else None


def _read_pairs(name: str) -> list[tuple[str, str]]:
    """(source, first target) pairs of one OpenCC dictionary file whose target is as long as its source."""
    folder = _dicts()
    if folder is None or not (folder / name).is_file():
        return []
    pairs = []
    for line in (folder / name).read_text(encoding="utf-8").splitlines():
        source, _, targets = line.partition("\t")
        target = targets.split(" ")[0]
        if source and len(target) == len(source) and target != source:
            pairs.append((source, target))
    return pairs


@cache
def _script_table() -> dict[int, str]:
    """Traditional → simplified, one character for one (OpenCC's TSCharacters, first candidate)."""
    return {ord(s): t for s, t in _read_pairs("TSCharacters.txt") if len(s) == 1}


@cache
def _char_table() -> dict[int, str]:
    """Every one-to-one replacement of the analysis text: script, width, compatibility ideographs, punctuation."""
    table: dict[int, str] = dict(_script_table())
    for code in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)):
        table[code] = chr(code - 0xFEE0)  # full-width digits and letters → ASCII
    for code in range(0xF900, 0xFB00):
        unified = unicodedata.normalize("NFKC", chr(code))
        if len(unified) == 1 and unified != chr(code):
            table[code] = unified
    for source, target in _HALF_WIDTH_PUNCTUATION.items():
        table[ord(source)] = target
    for source, target in _read_pairs("TSPunctuations.txt"):
        table[ord(source)] = target
    for source in (*_HALF_WIDTH_PUNCTUATION, "「", "」", "『", "』"):  # 「 reached through ｢ ends as “
        table[ord(source)] = table.get(ord(table[ord(source)]), table[ord(source)])
    return table


@cache
def _phrases() -> tuple[Any, int, Any]:
    """OpenCC's phrase table for the characters whose simplified form depends on the word (乾隆, 乾淨): the automaton,
    the longest phrase, and a pattern of the characters a phrase converts otherwise than the character table does
    (only around those can a phrase change anything)."""
    automaton = ahocorasick.Automaton()
    table = _char_table()
    deciding: set[str] = set()
    longest = 0
    for source, target in _read_pairs("TSPhrases.txt"):
        automaton.add_word(source, (len(source), target))
        longest = max(longest, len(source))
        deciding.update(c for c, t in zip(source, target, strict=False) if table.get(ord(c), c) != t)
    if len(automaton):
        automaton.make_automaton()
    pattern = re.compile("[" + "".join(sorted(map(re.escape, deciding))) + "]") if deciding else None
    return automaton, longest, pattern


@cache
def _changing() -> Any:
    """A pattern of every character the analysis text replaces (most texts have none: nothing to translate)."""
    return re.compile("[" + "".join(sorted(re.escape(chr(code)) for code in _char_table())) + "]")


def simplified(text: str) -> str:
    """``text`` in simplified script (and normal widths), character for character: the result is as long as ``text``."""
    if len(text) < 64:  # a name: translating is cheaper than searching
        converted = text.translate(_char_table())
        if converted == text:
            return text
    elif _changing().search(text) is None:
        return text
    else:
        converted = text.translate(_char_table())
    automaton, longest, deciding = _phrases()
    if deciding is None:
        return converted
    chars: list[str] | None = None
    done = -1
    for hit in deciding.finditer(text):  # phrases read only around the characters they decide
        if hit.start() <= done:
            continue
        start = max(0, hit.start() - longest + 1, done + 1)
        window = text[start : hit.start() + longest]
        # Longest match first among those starting at the same place; leftmost first overall.
        matches = sorted((end - size + 1, -size, target) for end, (size, target) in automaton.iter(window))
        taken = -1
        for at, negative_size, target in matches:
            if at > taken:
                chars = chars if chars is not None else list(converted)
                chars[start + at : start + at - negative_size] = target
                taken = at - negative_size - 1
        done = start + len(window) - 1
    return "".join(chars) if chars is not None else converted


def normalise(text: str) -> tuple[str, list[int] | None]:
    """The analysis text of ``text`` and the offset map back (None when nothing was dropped: same offsets)."""
    dropped: set[int] = {match.start() for match in _ZERO_WIDTH.finditer(text)}
    for match in GLOSS.finditer(text):
        gloss = match.group(1)
        after = match.end()
        inside_word = after < len(text) and "\u4e00" <= text[after] <= "\u9fff"
        if any(c in _TONED for c in gloss) or inside_word:
            dropped.update(range(match.start(), match.end()))
    analysis = simplified(text)
    if not dropped:
        return analysis, None
    offsets = [i for i in range(len(text)) if i not in dropped]
    return "".join(analysis[i] for i in offsets), [*offsets, len(text)]


@stage("text.normalise.default")
def normalise_article(article: Article, settings: Any = None) -> Article:
    """Give ``article`` its analysis text (see the module docstring); an article already normal is left as it is."""
    analysis, offsets = normalise(article.text)
    if analysis == article.text and offsets is None:
        return article
    text_map = TextMap(
        original=article.text, offsets=offsets, sentences=article.sentences, paragraphs=article.paragraphs
    )
    article.analysis = text_map
    article.text = analysis
    article.paragraphs = [text_map.to_analysis(span) for span in article.paragraphs]
    article.sentences = [dataclasses.replace(s, span=text_map.to_analysis(s.span)) for s in article.sentences]
    return article


def restore(extraction: ArticleExtraction) -> ArticleExtraction:
    """Put the article's own text back after the extraction steps and move every span of the extraction into it."""
    article = extraction.article
    text_map = article.analysis
    extraction.times = None  # found by the extraction stages in the analysis text, for them only
    if text_map is None:
        return extraction
    analysis = article.text
    mentions, statements = _reachable(extraction)
    for mention in mentions:
        _restore_mention(mention, text_map)
    if text_map.offsets is not None:  # else the same offsets in both texts
        offsets = text_map.offsets
        extraction.tokens = [t._replace(start=offsets[t.start], end=offsets[t.end - 1] + 1) for t in extraction.tokens]
    for statement in statements:
        evidence = statement.evidence
        if isinstance(statement, Quantity):  # its wording as printed (億元, not 亿元), found in its sentence
            statement.text = _printed(statement.text, analysis, evidence, text_map)
            if statement.time_text:
                statement.time_text = _printed(statement.time_text, analysis, evidence, text_map)
        statement.evidence = _evidence(evidence, text_map)
    article.text = text_map.original
    article.sentences = text_map.sentences
    article.paragraphs = text_map.paragraphs
    article.analysis = None
    return extraction


def _reachable(extraction: ArticleExtraction) -> tuple[list[Mention], list[Any]]:
    """Every mention the extraction holds and every statement with evidence (relations, quantities, events), each
    once, however they nest: an event's participant mentions, the amounts it states, a relation's argument mentions."""
    mentions: list[Mention] = []
    statements: list[Any] = []
    seen: set[int] = set()
    stack: list[Any] = [extraction.mentions, extraction.relations, extraction.quantities, extraction.events]
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, Mention):
            mentions.append(item)
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
        elif dataclasses.is_dataclass(item) and not isinstance(item, (type, Evidence)):
            if isinstance(getattr(item, "evidence", None), Evidence):
                statements.append(item)
            stack.extend(
                getattr(item, f.name)
                for f in dataclasses.fields(item)
                if isinstance(getattr(item, f.name), (Mention, list, tuple))
                or dataclasses.is_dataclass(getattr(item, f.name))
            )
    return mentions, statements


def _printed(wording: str, analysis: str, evidence: Evidence, text_map: TextMap) -> str:
    """``wording`` of the analysis text as the article prints it, looked up in the evidence's sentence (unchanged when
    it is not there verbatim)."""
    at = analysis.find(wording, evidence.start, evidence.end) if wording else -1
    return text_map.surface(text_map.to_original(Span(at, at + len(wording)))) if at >= 0 else wording


def _restore_mention(mention: Mention, text_map: TextMap) -> None:
    span = text_map.to_original(Span(mention.start, mention.end))
    analysis_form = mention.text
    mention.start, mention.end = span.start, span.end
    mention.text = text_map.original[span.start : span.end]
    own_script = text_map.surface(span)
    if own_script != mention.text:
        mention.attrs["surface"] = own_script  # the original wording without the gloss dropped inside it
    if analysis_form != own_script:
        mention.attrs["analysis"] = analysis_form
    for name in SPAN_ATTRS:
        start, _, end = mention.attrs.get(name, "").partition(":")
        if start.isdigit() and end.isdigit():
            moved = text_map.to_original(Span(int(start), int(end)))
            mention.attrs[name] = f"{moved.start}:{moved.end}"


def _evidence(evidence: Evidence, text_map: TextMap) -> Evidence:
    span = text_map.to_original(Span(evidence.start, evidence.end))
    return dataclasses.replace(evidence, start=span.start, end=span.end, text=text_map.original[span.start : span.end])
