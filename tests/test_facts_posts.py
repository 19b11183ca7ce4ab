"""Posts of persons read from Chinese news patterns, on sentences written for these tests (none is taken from the
sample page or from news_dev): chains of titles, place + title, lists, brackets, titles after a name, anaphora and
原/时任."""

from __future__ import annotations

from kg.nlp.frames import build_view
from kg.nlp.relate import relate_view
from tests.test_relations_units import extraction


def posts(text: str, mentions: dict[str, str]) -> set[tuple[str, str, str | None, str]]:
    """(person, title, organization or place or None, tenure) of every post stated in ``text``."""
    out = set()
    for relation in relate_view(build_view(extraction(text, mentions))):
        if relation.predicate == "holdsPost":
            org = None if relation.literal else relation.object_mention.text
            out.add((relation.subject_mention.text, relation.attrs["title"], org, relation.attrs.get("tenure", "")))
    return out


def test_chain_after_a_place_fused_with_the_title() -> None:
    # the tagger read 白河县委书记 as one organization; the county is a name the article uses on its own
    text = "白河县地处山区。白河县委书记孙海，县委副书记、县长周平到镇里调研。"
    found = posts(text, {"白河县": "County", "白河县委书记": "Organization", "孙海": "Person", "周平": "Person"})
    assert ("孙海", "县委书记", "白河县", "") in found
    assert {("周平", "县委副书记", "白河县", ""), ("周平", "县长", "白河县", "")} <= found


def test_company_chain_and_bare_titles_sharing_the_org() -> None:
    text = "远航物流有限公司党委书记、董事长郑凯介绍了情况。"
    found = posts(text, {"远航物流有限公司": "Company", "郑凯": "Person"})
    assert found == {("郑凯", "党委书记", "远航物流有限公司", ""), ("郑凯", "董事长", "远航物流有限公司", "")}


def test_a_list_of_names_shares_its_title() -> None:
    text = "北湾市召开会议。副市长吴刚、钱立出席。"
    found = posts(text, {"北湾市": "City", "吴刚": "Person", "钱立": "Person"})
    assert {("吴刚", "副市长", "北湾市", ""), ("钱立", "副市长", "北湾市", "")} <= found


def test_post_in_brackets_after_the_name() -> None:
    text = "许亮（南平县农业农村局局长）介绍了经验。"
    found = posts(text, {"许亮": "Person", "南平县农业农村局": "GovernmentBody"})
    assert found == {("许亮", "局长", "南平县农业农村局", "")}


def test_title_after_the_name_without_its_body() -> None:
    found = posts("韩梅书记指出，要抓好防汛。", {"韩梅": "Person"})
    assert found == {("韩梅", "书记", None, "")}


def test_anaphora_names_the_village() -> None:
    text = "记者来到东坡村。该村党支部书记林强说，今年收成好。"
    found = posts(text, {"东坡村": "VillageLevelArea", "林强": "Person"})
    assert found == {("林强", "党支部书记", "东坡村", "")}


def test_former_and_then_posts_keep_their_tenure() -> None:
    text = "西峰县位于河谷。原西峰县县长曹进、时任县委书记杜明出席。"
    found = posts(text, {"西峰县": "County", "曹进": "Person", "杜明": "Person"})
    assert ("曹进", "县长", "西峰县", "原") in found
    assert ("杜明", "县委书记", "西峰县", "时任") in found


def test_no_title_no_post_and_an_unnamed_body_is_partial() -> None:
    assert posts("张明和李华一起去了北京。", {"张明": "Person", "李华": "Person", "北京": "City"}) == set()
    # 常务副县长 with no county named anywhere: the post is stated without a body, not invented
    assert posts("常务副县长马超主持会议。", {"马超": "Person"}) == {("马超", "常务副县长", None, "")}


def test_a_facility_named_after_its_place_lies_there_and_a_unit_is_part_of_its_whole() -> None:
    from kg.nlp.relate import iter_pairs

    text = "石湾县地处平原。石湾县新城污水处理厂改扩建工程开工。远东大学建成了远东大学新校区。"
    found = set(iter_pairs(relate_view(build_view(extraction(text, {
        "石湾县": "County", "石湾县新城污水处理厂改扩建工程": "Project", "远东大学": "University", "远东大学新校区": "Facility"})))))
    assert ("石湾县新城污水处理厂改扩建工程", "locatedIn", "石湾县") in found
    # a company and the same company with its legal form are one body, not a unit of it
    same = set(iter_pairs(relate_view(build_view(extraction("东川集团有限公司即东川集团。", {
        "东川集团有限公司": "Company", "东川集团": "Company"})))))
    assert not [t for t in same if t[1] in ("subOrganizationOf", "partOf")]
