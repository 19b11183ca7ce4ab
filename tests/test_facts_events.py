"""Typed events from the trigger lexicon: class, trigger, roles, place, date and amounts, on sentences written for
these tests (none is taken from the sample page or from news_dev)."""

from __future__ import annotations

from decimal import Decimal

from kg.nlp.events import events_view
from kg.nlp.frames import build_view
from kg.nlp.quantities import quantities_view
from tests.test_relations_units import extraction


def events(text: str, mentions: dict[str, str]) -> list:
    """The events of ``text`` with the given mentions, after the quantity stage (events take their sums from it)."""
    article = extraction(text, mentions)
    article.quantities.extend(quantities_view(build_view(article)))
    return events_view(build_view(article))


def roles(event) -> set[tuple[str, str]]:
    return {(role, mention.text) for role, mention in event.role_mentions}


def test_construction_start_with_project_place_and_date() -> None:
    found = events("3月12日，青山县光明新材料项目在青山县工业园开工建设。", {
        "青山县光明新材料项目": "Project", "青山县工业园": "IndustrialPark"})
    assert [(e.type, e.trigger, e.date) for e in found] == [("ConstructionStart", "开工建设", "2021-03-12")]
    assert ("project", "青山县光明新材料项目") in roles(found[0])
    assert [m.text for m in found[0].place_mentions] == ["青山县工业园"]


def test_signing_parties_and_amount() -> None:
    found = events("河口市人民政府与东方远景能源有限公司签订投资协议，总投资12亿元。", {
        "河口市人民政府": "GovernmentBody", "东方远景能源有限公司": "Company"})
    signing = [e for e in found if e.type == "Signing"]
    assert len(signing) == 1
    assert {("signatory", "河口市人民政府"), ("signatory", "东方远景能源有限公司")} <= roles(signing[0])
    assert [q.value for q in signing[0].amounts] == [Decimal(1200000000)]


def test_traditional_script_trigger() -> None:
    found = events("北嶺縣委書記陳明在北嶺縣調研。", {"陳明": "Person", "北嶺縣": "County"})
    assert [(e.type, e.trigger) for e in found] == [("Inspection", "調研")]
    assert ("agent", "陳明") in roles(found[0])


def test_donation_donor_and_recipient() -> None:
    found = events("红星公司向石桥小学捐赠图书2000册。", {"红星公司": "Company", "石桥小学": "School"})
    assert [e.type for e in found] == ["Donation"]
    assert roles(found[0]) == {("donor", "红星公司"), ("recipient", "石桥小学")}


def test_ceremony_decides_the_class_and_attendees_are_attendees() -> None:
    found = events("5月8日，南湖区举行重点项目签约仪式。副区长张伟出席签约仪式。", {
        "南湖区": "District", "张伟": "Person"})
    assert [e.type for e in found] == ["Signing"]  # no bare meeting, and the second sentence is the same signing
    assert ("attendee", "张伟") in roles(found[0])


def test_goals_negations_counts_and_references_are_no_events() -> None:
    assert events("力争项目年底前建成投产。", {}) == []
    assert events("该项目尚未开工。", {}) == []
    assert events("全年召开推进会议12次。", {}) == []
    assert events("会议指出，要做好安全生产。", {}) == []
    assert events("建立联席会议制度。", {}) == []


def test_later_mention_without_actors_folds_into_the_first() -> None:
    text = "4月2日，西岭市重点项目集中开工。本次集中开工项目共35个。"
    found = events(text, {"西岭市": "City"})
    assert [(e.type, e.evidence.sentence) for e in found] == [("ConstructionStart", 0)]


def test_trigger_without_arguments_still_gives_a_bare_event() -> None:
    found = events("开工。", {})
    assert [(e.type, e.role_mentions, e.place_mentions, e.date) for e in found] == [("ConstructionStart", [], [], None)]


def test_named_event_with_organizer_and_attendees() -> None:
    from kg.nlp.events import event_relations, named_events

    text = "6月3日，南湖区举行2024年南湖区秋季项目集中签约活动，区长钱江出席并讲话。"
    article = extraction(text, {"南湖区": "District", "钱江": "Person"})
    names = named_events(article)
    assert [m.text for m in names] == ["2024年南湖区秋季项目集中签约活动"]
    article.mentions.extend(names)
    found = {(r.subject_mention.text, r.predicate, r.object_mention.text) for r in event_relations(build_view(article))}
    assert found == {("南湖区", "organizes", "2024年南湖区秋季项目集中签约活动"),
                     ("钱江", "attends", "2024年南湖区秋季项目集中签约活动")}


def test_unnamed_meetings_are_no_named_events() -> None:
    from kg.nlp.events import named_events

    assert named_events(extraction("会议由县长主持。座谈会在村部举行，此次会议开得很好。", {})) == []


def test_named_events_after_de_zai_and_kaizhan_and_held_for_a_whole_province() -> None:
    from kg.nlp.events import named_events

    def names(text: str, mentions: dict[str, str]) -> list[str]:
        return [m.text for m in named_events(extraction(text, mentions))]

    assert names("在近日召开的青山县第三届人民代表大会第二次会议上，县长作报告。", {"青山县": "County"}) == [
        "青山县第三届人民代表大会第二次会议"
    ]
    assert names("王刚在省十四届人大二次会议第三次全体会议上发言。", {"王刚": "Person"}) == ["省十四届人大二次会议"]
    assert names("该县自主开展河口陶瓷产业招商推介会、文旅招商座谈会。", {"河口": "City"}) == ["河口陶瓷产业招商推介会"]
    assert names("省政府在南湖举行全省重大项目建设现场推进会议，省领导出席。", {"南湖": "Place"}) == [
        "全省重大项目建设现场推进会议"
    ]
    assert names("2023年南湖区首批项目集中签约活动于3月1日举行。", {"南湖区": "District"}) == [
        "2023年南湖区首批项目集中签约活动"
    ]
    # a count makes a kind of occasion, not a name
    assert names("南湖区举行2023年首批36个项目集中开工仪式。", {"南湖区": "District"}) == []


def test_signing_parties_cooperate_pairwise_across_with() -> None:
    from kg.nlp.events import signing_partners

    text = "签约活动中，东湖区设3个分会场，与远景材料有限公司、北辰动力有限公司集中签约。"
    article = extraction(text, {"东湖区": "District", "远景材料有限公司": "Company", "北辰动力有限公司": "Company"})
    found = {(r.subject_mention.text, r.object_mention.text) for r in signing_partners(build_view(article))}
    assert found == {("东湖区", "远景材料有限公司"), ("东湖区", "北辰动力有限公司")}  # the two firms signed with the district


def test_plans_aims_and_tallies_are_no_events() -> None:
    assert events("这座电站计划明年年底投产发电。", {}) == []
    assert events("该园区拟于下月签约一批项目。", {}) == []
    assert events("新厂房将开工。", {}) == []
    assert events("要求落地项目抓开工、续建项目促竣工。", {}) == []
    assert events("截至目前，全县已签约光伏项目9个。", {}) == []
    assert events("今年以来，景区累计接待游客参观12万人次。", {}) == []
    assert events("工作队走访目标企业20家。", {}) == []


def test_plan_word_elsewhere_in_the_sentence_does_not_hide_a_happening() -> None:
    found = events("5月6日，北山镇举行项目开工仪式，该项目计划明年投产。", {"北山镇": "TownshipLevelArea"})
    assert [e.type for e in found] == ["ConstructionStart"]
    found = events("5月7日，北山镇围绕年度目标召开项目推进会。", {"北山镇": "TownshipLevelArea"})  # 目标 hides visits only
    assert [e.type for e in found] == ["Meeting"]


def test_attendance_announcement_and_speech_fold_into_one_event_with_further_evidence() -> None:
    text = ("3月9日，东岭县举行春季重点项目集中开工仪式。县委书记赵明出席开工仪式并宣布项目开工。"
            "副县长钱亮在开工仪式上致辞。")
    found = events(text, {"东岭县": "County", "赵明": "Person", "钱亮": "Person"})
    assert [e.type for e in found] == ["ConstructionStart"]
    assert [e.sentence for e in found[0].more_evidence] == [1, 2]
    assert {"赵明", "钱亮"} <= {m.text for _, m in found[0].role_mentions}


def test_the_same_visitors_again_fold_but_other_actors_stay_apart() -> None:
    text = "6月2日，副市长孙文在南坪镇调研。孙文一行察看了河道整治现场。7月3日，市长周平在北坪镇调研。"
    found = events(text, {"孙文": "Person", "南坪镇": "TownshipLevelArea", "周平": "Person", "北坪镇": "TownshipLevelArea"})
    assert [(e.type, e.evidence.sentence, [m.sentence for m in e.more_evidence]) for e in found] == [
        ("Inspection", 0, [1]),
        ("Inspection", 2, []),
    ]


def test_a_new_meeting_convened_is_not_folded_into_one_attended_before() -> None:
    text = "4月1日，市长李平主持召开项目推进会。4月8日，副市长王成主持召开安全生产会议。"
    found = events(text, {"李平": "Person", "王成": "Person"})
    assert [e.evidence.sentence for e in found if e.type == "Meeting"] == [0, 1]


def test_the_day_before_the_trigger_wins_over_a_year_that_qualifies_the_activity() -> None:
    found = events("3月26日，东岭县举行2023年第一季度重点项目集中开工活动。", {"东岭县": "County"})
    assert [(e.type, e.date) for e in found] == [("ConstructionStart", "2021-03-26")]


def test_a_sentence_opening_at_a_meeting_tells_of_one_and_a_repeat_folds() -> None:
    found = events("座谈会上，县长张平听取了汇报。", {"张平": "Person"})
    assert [e.type for e in found] == ["Meeting"]
    found = events("3月1日，青山县召开产业发展座谈会。座谈会上，县长张平听取了汇报。", {"青山县": "County", "张平": "Person"})
    assert [(e.type, [m.sentence for m in e.more_evidence]) for e in found] == [("Meeting", [1])]


def test_every_person_of_a_list_that_runs_into_the_trigger_clause_acts() -> None:
    text = "副县长张道明，县人大副主任汤小银，县台办主任陈双红等陪同调研。"
    found = events(text, {"张道明": "Person", "汤小银": "Person", "陈双红": "Person"})
    assert {m.text for _, m in found[0].role_mentions} == {"张道明", "汤小银", "陈双红"}
    # a clause that is no list item (a date, a place) ends the list
    found = events("3月2日，县长王平调研。", {"王平": "Person"})
    assert {m.text for _, m in found[0].role_mentions} == {"王平"}


def test_the_place_is_the_most_precise_of_a_chain() -> None:
    found = events("4月1日，副市长孙文在青山县石门镇调研。", {"孙文": "Person", "青山县": "County", "石门镇": "TownshipLevelArea"})
    assert [m.text for m in found[0].place_mentions] == ["石门镇"]
    found = events("4月2日，东岭县重点项目在东岭县光明产业园开工。", {
        "东岭县": "County", "东岭县光明产业园": "IndustrialPark"})
    assert [m.text for m in found[0].place_mentions] == ["东岭县光明产业园"]
    found = events("5月3日，青山县石门镇举行项目开工仪式。", {"青山县": "County", "石门镇": "TownshipLevelArea"})
    assert [m.text for m in found[0].place_mentions] == ["石门镇"]  # the place that acts, to the end of its chain


def test_a_project_named_later_folds_into_a_first_mention_that_named_none() -> None:
    text = "2月10日，北川市举行项目集中签约活动。其中，北川光伏发电项目现场签约。"
    found = events(text, {"北川市": "City", "北川光伏发电项目": "Project"})
    assert [e.type for e in found] == ["Signing"]
    assert ("project", "北川光伏发电项目") in roles(found[0])
    text = "3月1日，青山县光明新材料项目开工。3月1日，青山县蓝天化工项目开工。"
    found = events(text, {"青山县光明新材料项目": "Project", "青山县蓝天化工项目": "Project"})
    assert len(found) == 2  # two projects named: two happenings
