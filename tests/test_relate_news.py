"""Relation patterns of regional news (located in, bodies of a place, builders and investors, partners, posts in a
session, attendees of a meeting), each on short invented sentences, with the look-alikes that must give nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import kg
from kg.model import Sentence
from kg.nlp.events import event_relations, named_events, signing_partners
from kg.nlp.frames import build_view
from kg.nlp.relate import iter_pairs, relate_view
from tests.test_relations_units import extraction, relations


def test_a_bulletin_list_puts_each_item_in_its_heading_division() -> None:
    text = "拟推荐名单(3个)东山区(2个):甲河镇乙湾村、丙岭镇丁家村西川县(1个):戊水乡己村"
    towns = {"甲河镇": "TownshipLevelArea", "丙岭镇": "TownshipLevelArea", "戊水乡": "TownshipLevelArea"}
    villages = {"乙湾村": "VillageLevelArea", "丁家村": "VillageLevelArea", "己村": "VillageLevelArea"}
    found = relations(text, {"东山区": "District", "西川县": "County", **towns, **villages})
    contained = {(s, o) for s, p, o in found if p == "containedIn"}
    assert {("甲河镇", "东山区"), ("丙岭镇", "东山区"), ("戊水乡", "西川县")} <= contained
    assert ("戊水乡", "东山区") not in contained and ("西川县", "东山区") not in contained
    # without the count in brackets a place before a colon is no heading
    assert ("甲河镇", "东山区") not in relations("东山区:甲河镇", {"东山区": "District", "甲河镇": "TownshipLevelArea"})


def test_a_body_named_by_its_level_is_the_body_of_that_place() -> None:
    found = relations("北湖县召开会议，县委、县政府主要负责同志出席。",
                      {"北湖县": "County", "县委": "PartyBody", "县政府": "GovernmentBody"})
    assert {("县委", "locatedIn", "北湖县"), ("县政府", "locatedIn", "北湖县")} <= found
    # 南岭市委、市政府: the city the coordinated body names, not the city named last
    found = relations("新河市表示，将按照南岭市委、市政府的部署推进。",
                      {"新河市": "City", "南岭市": "City", "南岭市委": "PartyBody", "市政府": "GovernmentBody"})
    assert ("市政府", "locatedIn", "南岭市") in found and ("市政府", "locatedIn", "新河市") not in found
    # a body whose level the article never names as a place stays unplaced
    assert relations("会上，县政府作了报告。", {"县政府": "GovernmentBody"}) == set()


def test_located_in_the_innermost_place_and_within_a_place() -> None:
    found = relations("位于青川县临江镇的甲纸业有限公司扩建了厂房。",
                      {"青川县": "County", "临江镇": "TownshipLevelArea", "甲纸业有限公司": "Company"})
    assert ("甲纸业有限公司", "locatedIn", "临江镇") in found and ("甲纸业有限公司", "locatedIn", "青川县") not in found
    found = relations("地处资源中心区域——临江镇境内的乙矿业有限公司是当地龙头企业。",
                      {"临江镇": "TownshipLevelArea", "乙矿业有限公司": "Company"})
    assert ("乙矿业有限公司", "locatedIn", "临江镇") in found
    assert relations("临江镇的干部走访了乙矿业有限公司。",
                     {"临江镇": "TownshipLevelArea", "乙矿业有限公司": "Company"}) == set()


def test_builder_and_investor_with_the_amount() -> None:
    view = build_view(extraction("由甲能源有限公司投资3.5亿元建设的乙风电项目开工。",
                                 {"甲能源有限公司": "Company", "乙风电项目": "Project"}))
    found = {(r.subject_mention.text, r.predicate, r.object_mention.text, r.attrs.get("amount"))
             for r in relate_view(view)}
    assert ("甲能源有限公司", "builds", "乙风电项目", None) in found
    assert ("甲能源有限公司", "investsIn", "乙风电项目", "3.5亿元") in found
    found = relations("丙光电有限公司成立于2010年。专家参观了该公司建设的丁光伏发电项目。",
                      {"丙光电有限公司": "Company", "丁光伏发电项目": "Project"})
    assert ("丙光电有限公司", "builds", "丁光伏发电项目") in found


def test_a_project_named_with_its_company_is_built_by_it_and_a_base_is_owned() -> None:
    found = relations("其中，戊化工有限公司年产5万吨氯碱项目、己渔业有限公司鱼苗繁育基地等项目开工。",
                      {"戊化工有限公司": "Company", "年产5万吨氯碱项目": "Project", "己渔业有限公司": "Company",
                       "鱼苗繁育基地": "Facility"})
    assert ("戊化工有限公司", "builds", "年产5万吨氯碱项目") in found
    assert ("己渔业有限公司", "owns", "鱼苗繁育基地") in found
    assert ("戊化工有限公司", "owns", "年产5万吨氯碱项目") not in found
    # signed: the company invests in the project named with it
    found = relations("现场签约了戊化工有限公司年产5万吨氯碱项目等11个项目。",
                      {"戊化工有限公司": "Company", "年产5万吨氯碱项目": "Project"})
    assert ("戊化工有限公司", "investsIn", "年产5万吨氯碱项目") in found
    assert ("戊化工有限公司", "builds", "年产5万吨氯碱项目") not in found


def test_joint_parties_are_partners_pairwise() -> None:
    found = relations("该项目由甲茶业公司、乙产投公司及丙建设集团共同合作打造。",
                      {"甲茶业公司": "Company", "乙产投公司": "Company", "丙建设集团": "Company"})
    pairs = {frozenset((s, o)) for s, p, o in found if p == "cooperatesWith"}
    assert pairs == {frozenset(("甲茶业公司", "乙产投公司")), frozenset(("甲茶业公司", "丙建设集团")),
                     frozenset(("乙产投公司", "丙建设集团"))}


def test_a_place_can_be_a_partner_where_it_signs_but_not_where_it_is_the_venue() -> None:
    found = relations("东湖县与庚科技有限公司签订合作协议。", {"东湖县": "County", "庚科技有限公司": "Company"})
    assert ("东湖县", "cooperatesWith", "庚科技有限公司") in found
    found = relations("辛集团在西湖市与壬科技有限公司签约。",
                      {"辛集团": "Company", "西湖市": "City", "壬科技有限公司": "Company"})
    assert ("西湖市", "cooperatesWith", "壬科技有限公司") not in found
    # two places that merely act together are no partners
    assert relations("东湖县和西湖县共同开展巡查。", {"东湖县": "County", "西湖县": "County"}) == set()


def test_posts_of_a_session_and_a_list_with_an_unmarked_name() -> None:
    text = ("甲市政协第五届委员会第二次会议开幕。乙市人大常委会派员列席。大会执行主席赵一、钱二在主席台就座。"
            "会上，孙三、李四、周五3名委员作大会发言。")
    view = build_view(extraction(text, {"甲市政协第五届委员会": "GovernmentBody", "乙市人大常委会": "GovernmentBody",
                                         "赵一": "Person", "钱二": "Person",
                                         "孙三": "Person", "周五": "Person"}))
    posts = {(r.subject_mention.text, r.attrs["title"], r.object_mention.text if r.object_mention else None)
             for r in relate_view(view) if r.predicate == "holdsPost"}
    assert {("赵一", "大会执行主席", "甲市政协第五届委员会"), ("钱二", "大会执行主席", "甲市政协第五届委员会"),
            ("孙三", "委员", "甲市政协第五届委员会"), ("周五", "委员", "甲市政协第五届委员会")} <= posts
    assert not any(org == "乙市人大常委会" for *_, org in posts)  # named later, but not the body that holds the session


def test_attendees_in_a_later_paragraph_that_points_back_at_the_meeting() -> None:
    text = "甲县举行2024年甲县春季项目推进大会。副县长赵一主持会议。另讯，钱二到乙村走访。"
    article = extraction(text, {"甲县": "County", "赵一": "Person", "钱二": "Person"})
    article.article.sentences = [Sentence(i, s.span, paragraph=i) for i, s in enumerate(article.article.sentences)]
    article.mentions.extend(named_events(article))
    found = {(r.subject_mention.text, r.predicate) for r in event_relations(build_view(article))}
    assert ("赵一", "attends") in found  # who presides over it is there
    assert ("赵一", "organizes") not in found  # for the body that holds it (主持召开 would convene it)
    assert not any(person == "钱二" for person, _ in found)  # a paragraph about something else


def test_builders_named_after_the_thing_or_jointly() -> None:
    found = relations("该服务区项目由甲商会旗下乙投资发展有限公司投资建设，计划总投资8亿元。",
                      {"该服务区项目": "Project", "甲商会": "Organization", "乙投资发展有限公司": "Company"})
    builder = "乙投资发展有限公司"
    assert {(builder, "builds", "该服务区项目"), (builder, "investsIn", "该服务区项目")} <= found
    assert ("甲商会", "builds", "该服务区项目") not in found  # the parent of the builder builds nothing here
    parties = {"甲茶业公司": "Company", "乙产投公司": "Company", "丁茶城": "Facility"}
    found = relations("由甲茶业公司、乙产投公司共同合作，拟在丙镇打造集展销于一体的丁茶城。",
                      {**parties, "丙镇": "TownshipLevelArea"})
    assert {("甲茶业公司", "builds", "丁茶城"), ("乙产投公司", "builds", "丁茶城")} <= found
    # a thing built by someone else is not the joint parties'
    assert not any(p == "builds" for _, p, _ in relations("甲茶业公司、乙产投公司共同考察了丁茶城。", parties))


def test_coordinated_places_of_one_level_share_the_head_before_them() -> None:
    found = relations("贵川省甲阳县、乙水县和丙山县等地政府参加签约，北京市海淀区也派员参加。", {
        "贵川省": "ProvinceLevelArea", "甲阳县": "County", "乙水县": "County", "丙山县": "County",
        "北京市": "ProvinceLevelArea", "海淀区": "District"})
    contained = {(s, o) for s, p, o in found if p == "containedIn"}
    assert {("甲阳县", "贵川省"), ("乙水县", "贵川省"), ("丙山县", "贵川省"), ("海淀区", "北京市")} <= contained
    # a place of another level after the list heads a chain of its own
    found = relations("东江市甲区、西江市乙区开展试点。", {
        "东江市": "City", "甲区": "District", "西江市": "City", "乙区": "District"})
    contained = {(s, o) for s, p, o in found if p == "containedIn"}
    assert contained == {("甲区", "东江市"), ("乙区", "西江市")}


def test_a_coordination_after_with_is_no_joint_party() -> None:
    found = relations("甲支队先后与乙大学、丙学院联合举办培训班。",
                      {"甲支队": "PoliceUnit", "乙大学": "University", "丙学院": "University"})
    pairs = {frozenset((s, o)) for s, p, o in found if p == "cooperatesWith"}
    assert frozenset(("乙大学", "丙学院")) not in pairs
    assert {frozenset(("甲支队", "乙大学")), frozenset(("甲支队", "丙学院"))} <= pairs


def test_a_body_coordinated_with_a_named_one_is_in_that_place_or_none() -> None:
    found = relations("苏南市帮扶黔北市。在江东省委、省政府的领导下推进。",
                      {"苏南市": "City", "黔北市": "City", "江东": "ProvinceLevelArea", "江东省委": "PartyBody",
                       "省政府": "GovernmentBody", "黔西省": "ProvinceLevelArea"})
    assert ("省政府", "locatedIn", "江东") in found
    found = relations("黔西省代表团到访。在江东省委、省政府的领导下推进。",
                      {"黔西省": "ProvinceLevelArea", "江东省委": "PartyBody", "省政府": "GovernmentBody"})
    assert not any(s == "省政府" for s, _, _ in found)  # the province of 江东省委 is not named: no guess


def test_who_convenes_a_meeting_organizes_it_who_chairs_it_attends_too() -> None:
    text = "副省长赵一主持召开2024年甲市重点项目推进会议。"
    article = extraction(text, {"赵一": "Person"})
    article.mentions.extend(named_events(article))
    found = {(r.subject_mention.text, r.predicate) for r in event_relations(build_view(article))}
    assert found == {("赵一", "organizes")}


def test_a_chain_of_posts_between_two_names_is_the_second_ones() -> None:
    text = "省委常委、宣传部部长张三，全国政协常委、江东省政协副主席李四出席活动。"
    view = build_view(extraction(text, {"张三": "Person", "李四": "Person", "全国政协": "GovernmentBody",
                                         "江东省政协": "GovernmentBody"}))
    posts = {(r.subject_mention.text, r.attrs["title"], r.object_mention.text if r.object_mention else None)
             for r in relate_view(view) if r.predicate == "holdsPost"}
    assert not any(person == "张三" and org in ("全国政协", "江东省政协") for person, _, org in posts)
    assert ("李四", "副主席", "江东省政协") in posts
    # with a verb the post after the name is the name's: 张三，现任甲公司总经理
    found = relations("张三，现任甲科技有限公司总经理。", {"张三": "Person", "甲科技有限公司": "Company"})
    assert ("张三", "holdsPost", "甲科技有限公司") in found


def test_a_national_body_named_before_a_title_holds_it_a_title_naming_its_own_body_does_not() -> None:
    view = build_view(extraction("国家能源局规划司副司长孙五、中共中央总书记、国家主席赵六出席。",
                                 {"国家能源局规划司": "GovernmentBody", "孙五": "Person", "中共中央": "PartyBody",
                                  "赵六": "Person"}))
    posts = {(r.subject_mention.text, r.attrs["title"], r.object_mention.text if r.object_mention else None)
             for r in relate_view(view) if r.predicate == "holdsPost"}
    assert ("孙五", "副司长", "国家能源局规划司") in posts and ("孙五", "副司长", None) not in posts
    assert ("赵六", "总书记", "中共中央") in posts and ("赵六", "国家主席", "中共中央") not in posts


def test_a_name_that_opens_with_a_chain_of_divisions_states_the_chain() -> None:
    found = relations("青川省东源州西河县光伏电站项目开工。", {
        "青川省东源州西河县光伏电站项目": "Project", "青川省": "ProvinceLevelArea", "东源州": "PrefectureLevelArea",
        "西河县": "County"})
    assert {("青川省东源州西河县光伏电站项目", "locatedIn", "西河县"), ("西河县", "containedIn", "东源州"),
            ("东源州", "containedIn", "青川省")} <= found
    assert ("青川省东源州西河县光伏电站项目", "locatedIn", "青川省") not in found  # the innermost only


def test_credits_after_their_outlet_and_a_title_after_a_name_with_its_organization_before() -> None:
    found = relations("快讯网·东江商报编辑:赵一", {"东江商报": "Organization", "赵一": "Person"})
    assert ("赵一", "holdsPost", "东江商报") in found
    found = relations("（南海网西江市通讯员 钱二）", {"南海网": "Organization", "西江市": "City", "钱二": "Person"})
    assert ("钱二", "holdsPost", "南海网") in found
    found = relations("随后听取了甲电力集团孙三总经理的汇报。", {"甲电力集团": "Company", "孙三": "Person"})
    assert ("孙三", "holdsPost", "甲电力集团") in found


def test_a_bare_company_after_according_to_is_the_company_of_the_article() -> None:
    text = "乙风电有限公司的项目开工。据公司总经理李四介绍，项目年底投产。"
    found = relations(text, {"乙风电有限公司": "Company", "李四": "Person"})
    assert ("李四", "holdsPost", "乙风电有限公司") in found


def test_a_list_title_that_names_a_region_holds_the_headings_the_gazetteer_puts_in_it() -> None:
    text = "潍坊市2030年度示范村名单(3个)奎文区(1个):甲镇乙村寿光市(1个):丙镇丁村市南区(1个):戊镇己村"
    classes = {"潍坊市": "City", "奎文区": "District", "寿光市": "CountyLevelCity", "市南区": "District"}
    codes = {"潍坊市": "370700", "奎文区": "370705", "寿光市": "370783", "市南区": "370202"}
    article = extraction(text, classes)
    for mention in article.mentions:
        mention.attrs["code"] = codes[mention.text]
    found = set(iter_pairs(relate_view(build_view(article))))
    assert {("奎文区", "containedIn", "潍坊市"), ("寿光市", "containedIn", "潍坊市")} <= found
    assert ("市南区", "containedIn", "潍坊市") not in found  # in the list, but the gazetteer puts it elsewhere


def test_a_correspondent_of_a_byline_holds_no_post_in_the_outlet(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text("西江晚报7月14日讯(记者 唐宁 通讯员 邓飞)7月13日，东湖新区举行重点项目集中开工仪式。\n",
                    encoding="utf-8")
    corpus = kg.extract([page], kg.Settings(date=dt.date(2023, 7, 14)))
    posts = {(corpus.entities[r.subject].label, r.attrs["title"], r.literal) for r in corpus.relations
             if r.predicate == "holdsPost" and r.extractor == "ingest.segment.bylines"}
    assert posts == {("唐宁", "记者", False), ("邓飞", "通讯员", True)}


def test_the_venue_of_a_meeting_is_no_host_and_another_meeting_ends_the_first() -> None:
    text = "甲委员会、乙办公室在东城召开2030年全国读书工作表彰大会。会后，赵一主持召开了3次推进会议。"
    article = extraction(text, {"甲委员会": "GovernmentBody", "乙办公室": "GovernmentBody", "东城": "District",
                                "赵一": "Person"})
    article.article.sentences = [Sentence(i, s.span, paragraph=i) for i, s in enumerate(article.article.sentences)]
    article.mentions.extend(named_events(article))
    found = {(r.subject_mention.text, r.predicate) for r in event_relations(build_view(article))}
    assert ("东城", "organizes") not in found
    assert not any(subject == "赵一" for subject, _ in found)  # 3次推进会议 in the next paragraph are other meetings


def test_a_school_named_after_its_county_stands_there_a_provincial_hospital_does_not_say_so() -> None:
    found = relations("西河县希望小学举行捐建仪式。", {"西河县希望小学": "School", "西河县": "County"})
    assert ("西河县希望小学", "locatedIn", "西河县") in found
    found = relations("青川省人民医院派出专家。", {"青川省人民医院": "Organization", "青川省": "ProvinceLevelArea"})
    assert not any(p == "locatedIn" for _, p, _ in found)
    found = relations("西河县某某有限公司投产。", {"西河县某某有限公司": "Company", "西河县": "County"})
    assert not any(p == "locatedIn" for _, p, _ in found)  # a company named after its county may be anywhere


def test_a_body_coordinated_with_a_named_one_finds_its_place_in_the_gazetteer() -> None:
    # 潍坊市 is written only inside 潍坊市委: the gazetteer knows it, and the body is placed there
    found = relations("区委、区政府向潍坊市委、市政府报告了工作。",
                      {"潍坊市委": "PartyBody", "市政府": "GovernmentBody"})
    assert ("市政府", "locatedIn", "潍坊市") in found


def test_places_that_open_the_clauses_of_a_among_sentence_lie_in_the_place_before() -> None:
    text = "潍坊市昨日集中签约项目30个。其中，奎文区签约11个；寿光市签约14个，市南区也派员观摩。"
    classes = {"潍坊市": "City", "奎文区": "District", "寿光市": "CountyLevelCity", "市南区": "District"}
    codes = {"潍坊市": "370700", "奎文区": "370705", "寿光市": "370783", "市南区": "370202"}
    article = extraction(text, classes)
    for mention in article.mentions:
        mention.attrs["code"] = codes[mention.text]
    found = set(iter_pairs(relate_view(build_view(article))))
    assert {("奎文区", "containedIn", "潍坊市"), ("寿光市", "containedIn", "潍坊市")} <= found
    assert ("市南区", "containedIn", "潍坊市") not in found  # the gazetteer puts it elsewhere


def test_a_place_said_to_lie_somewhere_and_an_unranked_division_written_inside_a_ranked_one() -> None:
    found = relations("东源州地处柴达木盆地，资源丰富。", {"东源州": "PrefectureLevelArea", "柴达木盆地": "Place"})
    assert ("东源州", "locatedIn", "柴达木盆地") in found
    found = relations("位于青川省的东源州举行仪式。", {"青川省": "ProvinceLevelArea", "东源州": "PrefectureLevelArea"})
    assert ("东源州", "locatedIn", "青川省") not in found  # 位于X的Y names a place, it does not state one
    found = relations("青川省东源州举行开工仪式。", {"青川省": "ProvinceLevelArea", "东源州": "Place"})
    assert ("东源州", "containedIn", "青川省") in found
    assert relations("青川省东源举行开工仪式。", {"青川省": "ProvinceLevelArea", "东源": "Place"}) == set()


def test_coordinated_hosts_and_a_later_paragraph_that_points_back_after_another_topic() -> None:
    text = ("4月1日，甲州委、甲州政府举行2030年甲州春季项目集中开工活动。赵一强调要抓好安全。"
            "副州长钱二主持开工活动。孙三等负责同志在分会场参加开工活动。")
    article = extraction(text, {"甲州委": "PartyBody", "甲州政府": "GovernmentBody", "赵一": "Person",
                                "钱二": "Person", "孙三": "Person"})
    article.article.sentences = [Sentence(i, s.span, paragraph=i) for i, s in enumerate(article.article.sentences)]
    article.mentions.extend(named_events(article))
    found = {(r.subject_mention.text, r.predicate) for r in event_relations(build_view(article))}
    assert {("甲州委", "organizes"), ("甲州政府", "organizes"), ("钱二", "attends"), ("孙三", "attends")} <= found
    assert ("赵一", "attends") not in found  # a paragraph of remarks that does not point back at the event


def test_a_place_is_a_party_only_right_before_with() -> None:
    found = relations("甲国旅游机构和乙国国家旅游局签订了合作协定。",
                      {"甲国": "Country", "乙国国家旅游局": "GovernmentBody"})
    assert not any(p == "cooperatesWith" for _, p, _ in found)
    found = relations("甲国与乙国签署了合作协议。", {"甲国": "Country", "乙国": "Country"})
    assert ("甲国", "cooperatesWith", "乙国") in found


def test_a_level_named_body_resolved_to_another_places_body_is_not_placed() -> None:
    from kg.model import Corpus, Entity, Evidence, Mention, Relation
    from kg.nlp.relate import attach_keys

    body = Mention("a1", 0, 3, "省政府", "GovernmentBody", 0.9, "test", entity="GovernmentBody/甲省政府")
    place = Mention("a1", 5, 8, "乙省", "ProvinceLevelArea", 0.9, "test", entity="place/2")
    entities = {"GovernmentBody/甲省政府": Entity("GovernmentBody/甲省政府", "GovernmentBody", "甲省政府"),
                "place/1": Entity("place/1", "ProvinceLevelArea", "甲省"),
                "place/2": Entity("place/2", "ProvinceLevelArea", "乙省", {"乙"})}

    def stated(object_mention: Mention) -> list[Relation]:
        relation = Relation("", "locatedIn", "", Evidence("a1", 0, 9, "省政府…", 0), "test",
                            subject_mention=body, object_mention=object_mention)
        corpus = Corpus(relations=[relation])
        attach_keys(corpus, entities)
        return corpus.relations

    assert stated(place) == []  # resolution says 甲省's government; the sentence pointed to 乙省: not stated
    home = Mention("a1", 5, 7, "甲省", "ProvinceLevelArea", 0.9, "test", entity="place/1")
    assert [r.object for r in stated(home)] == ["place/1"]


def test_a_shareholder_stated_with_is() -> None:
    found = relations("甲电器目前为乙电子第一大股东。", {"甲电器": "Company", "乙电子": "Company"})
    assert ("甲电器", "investsIn", "乙电子") in found
    assert relations("甲电器是乙电子的供应商。", {"甲电器": "Company", "乙电子": "Company"}) == set()


def test_settled_in_and_the_site_of_a_project() -> None:
    park = {"东岭工业园": "IndustrialPark"}
    found = relations("落户东岭工业园的甲纸业有限公司加大投资。", {**park, "甲纸业有限公司": "Company"})
    assert ("甲纸业有限公司", "locatedIn", "东岭工业园") in found
    found = relations("乙锂电项目所在地——东岭工业园地处运河经济带。", {**park, "乙锂电项目": "Project"})
    assert ("乙锂电项目", "locatedIn", "东岭工业园") in found
    assert relations("甲纸业有限公司的代表参观了东岭工业园。",
                     {"东岭工业园": "IndustrialPark", "甲纸业有限公司": "Company"}) == set()


def test_the_body_whose_session_an_event_is_holds_it() -> None:
    text = "1月12日，政协第五届东江市委员会第二次会议举行全体会议。"
    article = extraction(text, {"政协第五届东江市委员会": "GovernmentBody"})
    article.mentions.extend(named_events(article))
    found = {(r.subject_mention.text, r.predicate, r.object_mention.text)
             for r in event_relations(build_view(article))}
    assert ("政协第五届东江市委员会", "organizes", "政协第五届东江市委员会第二次会议") in found


def test_the_parties_of_a_signing_on_the_day_of_a_signing_meeting_attend_it() -> None:
    text = ("甲市举行2031年甲市项目合作签约会。另讯，乙公司到丙县考察。"
            "丁投资有限公司、戊建设集团等本地企业当天分别与己能源集团和庚农垦集团签署合作项目5个。")
    companies = {"丁投资有限公司": "Company", "戊建设集团": "Company", "己能源集团": "Company", "庚农垦集团": "Company"}
    article = extraction(text, {"甲市": "City", "乙公司": "Company", "丙县": "County", **companies})
    article.article.sentences = [Sentence(i, s.span, paragraph=i) for i, s in enumerate(article.article.sentences)]
    article.mentions.extend(named_events(article))
    found = {(r.subject_mention.text, r.predicate) for r in event_relations(build_view(article))}
    assert {(name, "attends") for name in companies} <= found
    assert not any(who == "乙公司" for who, _ in found)  # a paragraph about something else
    # a signing told of as a past one (与…签署的项目) is no party at the event
    text = "甲市举行2031年甲市项目合作签约会。辛公司与壬公司去年签署的项目已投产。"
    article = extraction(text, {"甲市": "City", "辛公司": "Company", "壬公司": "Company"})
    article.mentions.extend(named_events(article))
    assert not any(r.predicate == "attends" for r in event_relations(build_view(article)))


def test_a_person_at_a_venue_of_the_event_attends_it() -> None:
    text = ("2031年甲市首批项目集中签约活动举行。乙市委书记赵一在甲市主会场与相关企业进行现场签约。"
            "钱二在分会场参加会议。")
    article = extraction(text, {"甲市": "City", "赵一": "Person", "钱二": "Person", "乙市委": "PartyBody"})
    article.article.sentences = [Sentence(i, s.span, paragraph=1) for i, s in enumerate(article.article.sentences)]
    article.article.sentences[0] = Sentence(0, article.article.sentences[0].span, paragraph=0)
    article.mentions.extend(named_events(article))
    found = {(r.subject_mention.text, r.predicate) for r in event_relations(build_view(article))}
    assert {("赵一", "attends"), ("钱二", "attends")} <= found
    assert ("乙市委", "attends") not in found  # the body of a post is not a party


def test_a_line_of_places_under_a_heading_that_counts_them_lies_in_the_heading_region(tmp_path: Path) -> None:
    page = tmp_path / "list.txt"
    page.write_text("江西这3个村入选示范名单\n\n近日，示范名单公布。\n\n江西入选3个村\n\n赣州市瑞金市叶坪乡\n\n"
                    "图源某某网\n\n吉安市井冈山市茅坪乡\n\n南昌市新建区\n", encoding="utf-8")
    corpus = kg.extract([page], kg.Settings())
    named = {(corpus.entities[r.subject].label, corpus.entities[r.object].label)
             for r in corpus.relations if r.predicate == "containedIn"}
    assert {("赣州市", "江西省"), ("吉安市", "江西省"), ("南昌市", "江西省")} <= named
    assert ("瑞金市", "江西省") not in named  # the first place of each line only
    # a sentence that ends with 。 is no heading, and a line after it is not listed under it
    page.write_text("江西入选3个村，名单如下。\n\n赣州市瑞金市叶坪乡\n", encoding="utf-8")
    corpus = kg.extract([page], kg.Settings())
    placed = {corpus.entities[r.object].label for r in corpus.relations if r.predicate == "containedIn"}
    assert "江西省" not in placed


def test_a_topic_meeting_a_named_place_holds_is_named_and_those_who_speak_later_attend_it() -> None:
    text = "日前，东川市召开茶产业招商引资洽谈会。市长赵一出席会议并讲话。另讯，钱二到乙村走访。副市长孙三作了发言。"
    article = extraction(text, {"东川市": "City", "赵一": "Person", "钱二": "Person", "孙三": "Person"})
    article.article.sentences = [Sentence(i, s.span, paragraph=i) for i, s in enumerate(article.article.sentences)]
    events = named_events(article)
    assert [m.text for m in events] == ["茶产业招商引资洽谈会"]
    article.mentions.extend(events)
    found = {(r.subject_mention.text, r.predicate) for r in event_relations(build_view(article))}
    assert {("东川市", "organizes"), ("赵一", "attends"), ("孙三", "attends")} <= found
    assert ("钱二", "attends") not in found
    # a ceremony named by a period only, a short meeting word, a meeting held at a venue: no name
    for text in ("东川镇举行四季度重大项目集中开工仪式。", "东川市委召开常委会议。",
                 "在东川市召开产业招商引资洽谈会。"):
        assert named_events(extraction(text, {"东川镇": "TownshipLevelArea", "东川市委": "PartyBody",
                                              "东川市": "City"})) == []


def test_a_department_named_by_its_level_word_is_in_the_place_of_that_level() -> None:
    found = relations("会议在西阳县举行，成都领导出席。市发改委、市经信局负责同志和县公安局民警参加。",
                      {"西阳县": "County", "成都": "City", "市发改委": "GovernmentBody", "市经信局": "GovernmentBody",
                       "县公安局": "GovernmentBody"})
    assert {("市发改委", "locatedIn", "成都"), ("市经信局", "locatedIn", "成都")} <= found
    assert ("县公安局", "locatedIn", "西阳县") in found
    # a body listed before the departments names their city, whatever city the article named before
    found = relations("省领导到绵阳市看望群众。德阳市政府办公厅、市民政局、市粮食局分赴各地。",
                      {"绵阳市": "City", "德阳市政府办公厅": "GovernmentBody", "市民政局": "GovernmentBody",
                       "市粮食局": "GovernmentBody"})
    assert {(s, o) for s, p, o in found if p == "locatedIn" and s.startswith("市")} == {
        ("市民政局", "德阳市"), ("市粮食局", "德阳市")}
    # a unit of the party committee is no department of the place; with no place of that level named, no guess
    found = relations("西阳县召开会议，市委宣传部、市发改委负责同志参加。",
                      {"西阳县": "County", "市委宣传部": "PartyBody", "市发改委": "GovernmentBody"})
    assert not any(p == "locatedIn" for _, p, _ in found)


def test_a_post_in_a_department_whose_name_opens_with_its_body_is_the_departments() -> None:
    view = build_view(extraction("西阳网讯(通讯员 钱二)5月13日，国家林草局规划司副司长赵一率队来到西阳县。",
                                 {"西阳网": "NewsMedia", "钱二": "Person", "国家林草局": "GovernmentBody",
                                  "国家林草局规划司": "GovernmentBody", "赵一": "Person", "西阳县": "County"}))
    posts = {(r.subject_mention.text, r.attrs["title"], r.object_mention.text if r.object_mention else None)
             for r in relate_view(view) if r.predicate == "holdsPost"}
    assert ("赵一", "副司长", "国家林草局规划司") in posts
    assert not any(org == "国家林草局" for *_, org in posts)


def test_a_body_named_by_its_level_is_in_the_division_written_inside_another_name() -> None:
    text = "政协第十届绵阳市委员会第二次会议开幕。市委、市中级人民法院负责同志出席。"
    found = relations(text, {"政协第十届绵阳市委员会": "GovernmentBody", "市委": "PartyBody",
                             "市中级人民法院": "GovernmentBody"})
    assert {("市委", "locatedIn", "绵阳市"), ("市中级人民法院", "locatedIn", "绵阳市")} <= found
    # no known division of that level inside the names: no guess
    found = relations("政协第十届东湖委员会第二次会议开幕。市委负责同志出席。",
                      {"政协第十届东湖委员会": "GovernmentBody", "市委": "PartyBody"})
    assert not any(p == "locatedIn" for _, p, _ in found)


def test_the_place_a_named_event_is_held_in() -> None:
    for text in ("4月1日，2031年东川茶产业推介会在西阳市召开。",
                 "4月1日，东川集团在西阳市召开2031年东川茶产业推介会。"):
        article = extraction(text, {"西阳市": "City", "东川集团": "Company"})
        article.mentions.extend(named_events(article))
        found = {(r.subject_mention.text, r.predicate, r.object_mention.text)
                 for r in event_relations(build_view(article))}
        assert ("2031年东川茶产业推介会", "locatedIn", "西阳市") in found
    # a venue that is no area, and a place the delegation travels to, hold nothing
    for text in ("东川集团在西阳大厦召开2031年东川茶产业推介会。", "赵一赴西阳市参加2031年东川茶产业推介会。"):
        article = extraction(text, {"西阳市": "City", "东川集团": "Company", "西阳大厦": "Facility",
                                    "赵一": "Person"})
        article.mentions.extend(named_events(article))
        assert not any(r.predicate == "locatedIn" for r in event_relations(build_view(article)))


def test_a_quoted_slogan_inside_a_meeting_name_and_not_a_campaigns_ceremony() -> None:
    article = extraction("4月29日，2031年“东茶西进·香飘四海”甲省茶产业推介会举办。赵一出席了活动并讲话。",
                         {"甲省": "ProvinceLevelArea", "赵一": "Person"})
    events = named_events(article)
    assert [m.text for m in events] == ["2031年“东茶西进·香飘四海”甲省茶产业推介会"]
    article.mentions.extend(events)
    assert ("赵一", "attends") in {(r.subject_mention.text, r.predicate) for r in event_relations(build_view(article))}
    article = extraction("5月6日，甲市“开春即开工”项目建设集中启动仪式举行。", {"甲市": "City"})
    assert named_events(article) == []


def test_a_pairing_of_aid_joins_the_helping_and_the_helped_place() -> None:
    places = {"东海市": "City", "西川省": "ProvinceLevelArea", "南山州": "PrefectureLevelArea"}
    found = relations("东海市对口帮扶西川省南山州，实施帮扶项目20个。", places)
    assert ("东海市", "cooperatesWith", "南山州") in found
    assert ("东海市", "cooperatesWith", "西川省") not in found  # the helped side is the innermost place
    assert not any(p == "cooperatesWith" for _, p, _ in relations("在东海市的帮扶下，南山州发展茶产业。", places))


def test_the_reporter_of_a_dateline_does_not_attend_and_a_list_and_is_no_party() -> None:
    text = "东川网西阳3月9日电(记者 赵一)3月9日，甲集团在西阳举行2031年西阳春季项目集中开工仪式，钱二出席。"
    article = extraction(text, {"东川网": "NewsMedia", "西阳": "City", "赵一": "Person", "甲集团": "Company",
                                "钱二": "Person"})
    article.mentions.extend(named_events(article))
    found = {(r.subject_mention.text, r.predicate) for r in event_relations(build_view(article))}
    assert ("钱二", "attends") in found and ("赵一", "attends") not in found
    text = "甲公司当天分别与乙集团、丙集团和丁集团签署合作协议。"
    article = extraction(text, {n: "Company" for n in ("甲公司", "乙集团", "丙集团", "丁集团")})
    pairs = {frozenset((r.subject_mention.text, r.object_mention.text)) for r in signing_partners(build_view(article))}
    assert {frozenset(("甲公司", "乙集团")), frozenset(("甲公司", "丁集团"))} <= pairs
    assert frozenset(("丙集团", "丁集团")) not in pairs


def test_a_name_may_join_two_activities_with_a_pause_mark() -> None:
    article = extraction("3月26日，甲县隆重举行2031年第一季度重点产业项目集中开工、集中签约活动。", {"甲县": "County"})
    assert [m.text for m in named_events(article)] == ["2031年第一季度重点产业项目集中开工、集中签约活动"]
    # a pause mark between other words still ends a name; a list of kinds of occasion names none
    article = extraction("3月26日，甲县举行2031年项目观摩、集中签约活动。", {"甲县": "County"})
    assert not any("观摩、" in m.text for m in named_events(article))
    assert named_events(extraction("3月26日，甲县举行开工、签约等活动。", {"甲县": "County"})) == []


def test_a_chain_of_places_runs_on_into_a_name() -> None:
    found = relations("捐赠仪式在西川县东岭乡中心小学举行。", {"西川县": "County", "东岭乡中心小学": "School"})
    assert ("东岭乡", "containedIn", "西川县") in found
    found = relations("捐赠仪式在西川县东岭集团举行。", {"西川县": "County", "东岭集团": "Company"})
    assert not any(p == "containedIn" for _, p, _ in found)
    found = relations("东岭乡西川县中心小学开学。", {"东岭乡": "TownshipLevelArea", "西川县中心小学": "School"})
    assert not any(p == "containedIn" for _, p, _ in found)  # a county is not held by a township


def test_places_that_sign_at_the_scene_of_the_event_attend_it() -> None:
    text = ("4月29日，2031年东川茶产业推介会举办。近年来，东川茶产业规模逐年攀升。"
            "现场，甲县、乙县等地政府，分别和一批企业签订了合作协议。")
    places = {"甲县": "County", "乙县": "County", "东川": "Place"}
    article = extraction(text, places)
    article.article.sentences = [Sentence(i, s.span, paragraph=i) for i, s in enumerate(article.article.sentences)]
    article.mentions.extend(named_events(article))
    found = {(r.subject_mention.text, r.predicate) for r in event_relations(build_view(article))}
    assert {("甲县", "attends"), ("乙县", "attends")} <= found
    # without 现场 the later paragraph does not point back; a place that is the venue signs nothing
    article = extraction(text.replace("现场，", ""), places)
    article.article.sentences = [Sentence(i, s.span, paragraph=i) for i, s in enumerate(article.article.sentences)]
    article.mentions.extend(named_events(article))
    assert not any(r.predicate == "attends" for r in event_relations(build_view(article)))


def test_bodies_that_hold_an_event_on_a_day_written_before_the_venue() -> None:
    text = "甲省委、省政府2日在乙市举行2031年全省重大项目推进会议。"
    article = extraction(text, {"甲省委": "PartyBody", "省政府": "GovernmentBody", "乙市": "City"})
    article.mentions.extend(named_events(article))
    found = {(r.subject_mention.text, r.predicate) for r in event_relations(build_view(article))}
    assert {("甲省委", "organizes"), ("省政府", "organizes")} <= found
    assert ("乙市", "organizes") not in found


def test_a_body_coordinated_with_a_party_committee_written_with_zhonggong() -> None:
    found = relations("北湖县开展调研，围绕中共南岭市委、市政府中心工作推进。",
                      {"北湖县": "County", "南岭市": "City", "中共南岭市委": "PartyBody", "市政府": "GovernmentBody"})
    assert ("市政府", "locatedIn", "南岭市") in found


def test_two_acts_joined_by_and_make_no_name_unless_dated() -> None:
    text = "12月20日，甲县人民医院举行新址启用和乙医院医疗集团甲县人民医院挂牌仪式。"
    article = extraction(text, {"甲县人民医院": "Hospital", "乙医院医疗集团": "Organization"})
    assert named_events(article) == []
    article = extraction("3月1日，甲县举行2031年甲县项目开工和签约仪式。", {"甲县": "County"})
    assert [m.text for m in named_events(article)] == ["2031年甲县项目开工和签约仪式"]


def test_a_division_skipping_a_level_the_article_states_is_not_restated() -> None:
    places = {"乙县": "County", "丙镇": "TownshipLevelArea", "丁村": "VillageLevelArea", "戊村": "VillageLevelArea"}
    found = relations("乙县丙镇丁村入选名单。乙县丁村以茶叶为主，乙县戊村以竹编为主。", places)
    contained = {(s, o) for s, p, o in found if p == "containedIn"}
    assert {("丙镇", "乙县"), ("丁村", "丙镇"), ("戊村", "乙县")} <= contained  # 戊村's town is not stated
    assert ("丁村", "乙县") not in contained


def test_a_body_that_speaks_at_the_meeting_attends_it() -> None:
    text = "日前，全省法院审判管理工作调研会在乙市召开。甲县法院在会上作题为《提升审判质效》的交流发言。"
    article = extraction(text, {"乙市": "City", "甲县法院": "GovernmentBody"})
    article.mentions.extend(named_events(article))
    found = {(r.subject_mention.text, r.predicate) for r in event_relations(build_view(article))}
    assert ("甲县法院", "attends") in found


def test_a_phase_of_a_project_is_part_of_it_but_another_project_named_after_it_is_not() -> None:
    mentions = {"光明工程": "Project", "光明工程二期项目": "Project"}
    assert ("光明工程二期项目", "partOf", "光明工程") in relations("光明工程二期项目今日开工，光明工程已完工。", mentions)
    mentions = {"光明工程": "Project", "光明工程新材料项目": "Project"}
    found = relations("光明工程新材料项目今日开工，光明工程已完工。", mentions)
    assert not any(p == "partOf" for _, p, _ in found)
