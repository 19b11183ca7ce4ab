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
    assert events("预计到5月底，全县项目可开复工30个。", {}) == []
    assert events("下一步，北湖区将继续赴各镇开展调研。", {"北湖区": "District"}) == []
    found = events("5月2日，市农业局组织调研组，赴青山县进行调研。", {"市农业局": "GovernmentBody", "青山县": "County"})
    assert [(e.type, e.trigger, [m.text for m in e.place_mentions]) for e in found] == [("Inspection", "调研", ["青山县"])]


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


def test_a_named_event_held_with_le_starts_after_it_and_a_place_chain_after_zai_is_the_venue() -> None:
    from kg.nlp.events import event_relations, named_events

    text = "3月2日，青山学会与东湖公司在北湖市联合举办了2024年青山产业发展研讨会。南岭党3日在北湖省东湖市举行2024年度党代表大会。"
    article = extraction(text, {"青山学会": "Organization", "东湖公司": "Company", "北湖市": "City",
                                "南岭党": "Organization", "北湖省": "ProvinceLevelArea", "东湖市": "City"})
    names = named_events(article)
    assert [m.text for m in names] == ["2024年青山产业发展研讨会", "2024年度党代表大会"]
    article.mentions.extend(names)
    found = {(r.subject_mention.text, r.predicate, r.object_mention.text) for r in event_relations(build_view(article))}
    assert ("青山学会", "organizes", "2024年青山产业发展研讨会") in found
    assert ("东湖市", "organizes", "2024年度党代表大会") not in found  # the venue of 在北湖省东湖市, no host
    assert ("南岭党", "organizes", "2024年度党代表大会") in found


def test_the_reporters_a_byline_names_take_no_part() -> None:
    # the clause of the meeting names no body (a body the tagger missed): the byline's clause opens the sentence
    found = events("本报南湖讯记者李明、王芳报道：全区扶贫办今日召开座谈会，各界代表展开讨论。副区长张伟出席会议并讲话。", {
        "南湖": "District", "李明": "Person", "王芳": "Person", "张伟": "Person"})
    assert len(found) == 1
    people = {m.text for m in found[0].participant_mentions}
    assert "张伟" in people and not people & {"李明", "王芳"}


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


def test_persons_who_attend_or_accompany_in_a_later_clause_take_part() -> None:
    found = events("4月8日，青山区举行重点项目开工仪式，区委书记王强出席开工仪式并讲话，区长刘军致辞。", {
        "青山区": "District", "王强": "Person", "刘军": "Person"})
    assert [e.type for e in found] == ["ConstructionStart"]
    assert {("attendee", "王强"), ("attendee", "刘军")} <= roles(found[0])
    found = events("3月2日，县长王平带队调研，副县长李明，县发改局局长赵华陪同调研。", {
        "王平": "Person", "李明": "Person", "赵华": "Person"})
    assert {m.text for _, m in found[0].role_mentions} == {"王平", "李明", "赵华"}
    # a clause that names a happening of another class speaks of that one
    found = events("5月1日，东岭县举行项目开工仪式，县长王平出席签约仪式。", {"东岭县": "County", "王平": "Person"})
    start = next(e for e in found if e.type == "ConstructionStart")
    assert "王平" not in {m.text for _, m in start.role_mentions}


def test_who_opens_the_clause_after_at_the_meeting_attends_it() -> None:
    found = events("座谈会上，县长张平、副县长李明听取了汇报。", {"张平": "Person", "李明": "Person"})
    assert roles(found[0]) == {("attendee", "张平"), ("attendee", "李明")}
    found = events("在签约仪式上，东岭县县长张平代表县政府致欢迎辞。", {"东岭县": "County", "张平": "Person"})
    assert ("attendee", "张平") in roles(found[0])
    # a verb before an object is no title: the object opening that clause is no subject
    found = events("座谈会上，听取北湖商会汇报。", {"北湖商会": "Organization"})
    assert roles(found[0]) == set()


def test_a_clause_without_subject_shares_it_and_a_visit_takes_in_whom_it_went_to() -> None:
    text = "活动期间，市长周平先后主持召开推进会议，考察了东方机械有限公司、南山食品有限公司，拜访了北湖商会。"
    found = events(text, {"周平": "Person", "东方机械有限公司": "Company", "南山食品有限公司": "Company",
                          "北湖商会": "Organization"})
    inspection = next(e for e in found if e.type == "Inspection")
    assert ("agent", "周平") in roles(inspection)
    assert {"周平", "东方机械有限公司", "南山食品有限公司"} <= {m.text for m in inspection.participant_mentions}
    visit = next(e for e in found if e.type == "OfficialVisit")
    assert {"周平", "北湖商会"} <= {m.text for m in visit.participant_mentions}


def test_a_gathering_without_place_or_day_takes_them_from_the_sentences_before_as_evidence() -> None:
    mentions = {"孙文": "Person", "石门镇": "TownshipLevelArea"}
    found = events("5月6日，副市长孙文在石门镇调研。活动期间，孙文主持召开座谈会。", mentions)
    meeting = next(e for e in found if e.type == "Meeting")
    assert ([m.text for m in meeting.place_mentions], meeting.date) == (["石门镇"], "2020-05-06")
    assert [e.sentence for e in meeting.more_evidence] == [0]
    # another day is another happening: its place is not carried over
    found = events("5月6日，副市长孙文在石门镇调研。5月9日，孙文主持召开座谈会。", mentions)
    assert next(e for e in found if e.type == "Meeting").place_mentions == []


def test_an_undated_article_dates_a_day_by_the_one_year_its_sentence_names() -> None:
    def undated(text: str) -> list:
        article = extraction(text, {"东岭县": "County"})
        article.article.date = None
        return events_view(build_view(article))

    assert [e.date for e in undated("3月30日，东岭县举行2025年春季项目集中开工活动。")] == ["2025-03-30"]
    # two years named: which one the day is in is not told
    found = undated("1月30日，东岭县召开会议，总结2017年工作、部署2018年工作。")
    assert [(e.type, e.date) for e in found] == [("Meeting", None)]  # nor the year of the work it reviewed


def test_a_year_a_figure_is_compared_with_is_no_date_and_a_repeat_with_it_folds() -> None:
    text = "2月6日，西岭市重点项目集中开工。全市145个项目开复工92个，完成投资8亿元，较去年增加2亿元。"
    found = events(text, {"西岭市": "City"})
    assert [(e.type, e.date, [m.sentence for m in e.more_evidence]) for e in found] == [
        ("ConstructionStart", "2021-02-06", [1])
    ]


def test_the_goal_of_a_visit_and_the_object_of_a_study_do_not_act() -> None:
    found = events("5月2日，县委书记王平赴青山镇调研。", {"王平": "Person", "青山镇": "TownshipLevelArea"})
    assert roles(found[0]) == {("agent", "王平")}
    found = events("调研组对南山合作社的经营情况进行了调研。", {"南山合作社": "Organization"})
    assert roles(found[0]) == set()


def test_a_body_whose_premises_a_visit_goes_to_takes_part_and_titles_may_be_listed() -> None:
    found = events("5月2日，省发改委副主任王平到东方光伏有限公司调研。", {
        "省发改委": "GovernmentBody", "王平": "Person", "东方光伏有限公司": "Company"})
    assert ("agent", "王平") in roles(found[0]) and ("agent", "东方光伏有限公司") not in roles(found[0])
    assert "东方光伏有限公司" in {m.text for m in found[0].participant_mentions}
    found = events("6月5日，县供销社党组书记、主任徐平带领业务人员一行5人，到石门村调研。", {
        "县供销社": "Organization", "徐平": "Person", "石门村": "Village"})
    assert roles(found[0]) == {("agent", "县供销社"), ("agent", "徐平")}  # the person, and the body through them


def test_a_later_sentence_that_names_who_attended_or_accompanied_adds_them_with_its_evidence() -> None:
    text = ("3月6日，东岭县举行重点项目集中开工活动。市长王平、市政府秘书长赵亮，县委书记李强、县长刘军等出席活动。"
            "县长刘军主持活动。项目建成后年产值可达5亿元。")
    found = events(text, {"东岭县": "County", "王平": "Person", "赵亮": "Person", "李强": "Person", "刘军": "Person"})
    assert [e.type for e in found] == ["ConstructionStart"]
    assert {("attendee", name) for name in ("王平", "赵亮", "李强", "刘军")} <= roles(found[0])
    assert [e.sentence for e in found[0].more_evidence] == [1, 2]  # not the sentence that names no one
    text = "5月2日，副市长孙文到石门镇调研。镇党委书记陈立、镇长吕明等陪同。"
    found = events(text, {"孙文": "Person", "石门镇": "TownshipLevelArea", "陈立": "Person", "吕明": "Person"})
    assert {("attendee", "陈立"), ("attendee", "吕明")} <= roles(found[0])
    # someone who joined something else is no attendee
    found = events("5月2日，副市长孙文到石门镇调研。陈立参加工作以来一直在基层。", {
        "孙文": "Person", "石门镇": "TownshipLevelArea", "陈立": "Person"})
    assert "陈立" not in {m.text for _, m in found[0].role_mentions}
    # who attended a meeting attended the meeting told last, not a signing told after it
    text = "4月3日，东岭县在石门镇召开产业协作会，并签订了合作协议。县长刘军出席会议并讲话。"
    found = events(text, {"东岭县": "County", "石门镇": "TownshipLevelArea", "刘军": "Person"})
    by_type = {e.type: {m.text for _, m in e.role_mentions} for e in found}
    assert "刘军" in by_type["Meeting"] and "刘军" not in by_type["Signing"]


def test_a_meeting_named_for_a_place_took_place_there_but_not_an_activity_named_for_an_area() -> None:
    found = events("4月29日，2019年青山茶产业东岭推介会举办。", {
        "2019年青山茶产业东岭推介会": "Event", "东岭": "City", "青山": "Province"})
    assert [(e.type, [m.text for m in e.place_mentions]) for e in found] == [("Meeting", ["东岭"])]
    found = events("3月30日，2025年西岭州春季项目集中开工活动举行。", {
        "2025年西岭州春季项目集中开工活动": "Event", "西岭州": "City"})
    assert [(e.type, e.place_mentions) for e in found] == [("ConstructionStart", [])]


def test_a_gathering_whose_sentence_names_no_time_takes_the_day_of_the_one_before() -> None:
    mentions = {"东岭县": "County", "刘军": "Person"}
    found = events("5月6日，东岭县举行项目开工仪式。县长刘军为新园区揭牌。", mentions)
    unveiling = next(e for e in found if e.type == "Unveiling")
    assert (unveiling.date, [e.sentence for e in unveiling.more_evidence]) == ("2020-05-06", [0])
    found = events("5月6日，东岭县举行项目开工仪式。近日，县长刘军为新园区揭牌。", mentions)
    assert next(e for e in found if e.type == "Unveiling").date is None  # a time of its own, however vague


def test_every_person_before_an_attendance_in_the_sentence_attends() -> None:
    text = ("3月6日，东岭县举行重点项目集中开工活动。副县长王平，县直有关部门主要负责同志，"
            "东岭镇主要负责同志在主会场参加开工活动。县长刘军，县人民法院院长应邀在主席台就座，听取发言。")
    found = events(text, {"东岭县": "County", "王平": "Person", "刘军": "Person", "东岭镇": "TownshipLevelArea"})
    assert [e.type for e in found] == ["ConstructionStart"]
    assert {("attendee", "王平"), ("attendee", "刘军")} <= roles(found[0])
    found = events("调研组先后来到南山种植专业合作社的种植基地，对合作社的经营情况进行了调研。", {
        "南山种植专业合作社": "Organization"})
    assert "南山种植专业合作社" in {m.text for m in found[0].participant_mentions}


def test_the_bodies_and_places_on_both_sides_of_a_signing_sign() -> None:
    text = "现场，石门县、青山县、东岭县等地政府，分别和北湖市、南湖市等地的一批企业签订了合作协议。"
    found = events(text, {"石门县": "County", "青山县": "County", "东岭县": "County", "北湖市": "City", "南湖市": "City"})
    signing = next(e for e in found if e.type == "Signing")
    assert {("signatory", n) for n in ("石门县", "青山县", "东岭县")} <= roles(signing)


def test_what_is_done_at_a_meeting_is_done_by_those_who_held_it() -> None:
    text = "4月3日，东方集团和石门县在青山县召开产业协作会。会上，双方进行了座谈交流，并签订了战略合作协议。"
    found = events(text, {"东方集团": "Company", "石门县": "County", "青山县": "County"})
    signing = next(e for e in found if e.type == "Signing")
    assert roles(signing) == {("signatory", "东方集团"), ("signatory", "石门县")}
    assert [e.sentence for e in signing.more_evidence] == [0]


def test_where_a_ceremony_is_held_may_follow_in_the_next_clause_and_a_side_of_a_signing_is_no_venue() -> None:
    text = "6日上午，东岭县重点项目集中启动仪式，在东岭县石门镇产业项目现场举行。"
    found = events(text, {"东岭县": "County", "石门镇": "TownshipLevelArea"})
    start = next(e for e in found if e.type == "ConstructionStart")
    assert [m.text for m in start.place_mentions] == ["石门镇"]
    text = "现场，石门县、青山县等地政府，分别和北湖市、南湖市等地的一批企业签订了合作协议。"
    found = events(text, {"石门县": "County", "青山县": "County", "北湖市": "City", "南湖市": "City"})
    assert next(e for e in found if e.type == "Signing").place_mentions == []


def test_a_year_before_the_trigger_gives_way_to_a_day_of_that_year_after_it() -> None:
    found = events("东岭县举行2021年第一季度重点项目集中开工活动，2月6日上午，各项目同步开工。", {"东岭县": "County"})
    assert [e.date for e in found if e.type == "ConstructionStart"] == ["2021-02-06"]
    found = events("东岭县举行2020年第一季度重点项目集中开工活动，2月6日上午，各项目同步开工。", {"东岭县": "County"})
    assert [e.date for e in found if e.type == "ConstructionStart"] == ["2020"]  # a day of another year: no
    found = events("2月6日，东岭县光明风电场项目开建，这是去年东岭县政府与远景公司签署的项目。", {
        "东岭县光明风电场项目": "Project", "东岭县政府": "GovernmentBody", "远景公司": "Company"})
    assert {e.type: e.date for e in found} == {"ConstructionStart": "2021-02-06", "Signing": "2020"}


def test_who_accompanies_receives_or_speaks_for_a_body_takes_part() -> None:
    text = "5月13日，副司长何明在省发改委副主任刘洪的陪同下到东方光伏有限公司调研。东方光伏有限公司总经理刘斌接待来宾。"
    found = events(text, {"何明": "Person", "刘洪": "Person", "省发改委": "GovernmentBody", "东方光伏有限公司": "Company",
                          "刘斌": "Person"})
    assert {("agent", "何明"), ("attendee", "刘洪"), ("attendee", "刘斌")} <= roles(found[0])
    text = "3月6日，东岭县举行重点项目集中开工活动。远景能源有限公司负责人代表开工项目致辞。"
    found = events(text, {"东岭县": "County", "远景能源有限公司": "Company"})
    assert ("attendee", "远景能源有限公司") in roles(found[0])


def test_the_bodies_the_name_of_the_event_names_take_part() -> None:
    found = events("2月13日，远景新材料有限公司二期项目奠基仪式举行。", {
        "远景新材料有限公司二期项目奠基仪式": "Event", "远景新材料有限公司": "Company"})
    assert [(e.type, [m.text for m in e.participant_mentions]) for e in found] == [
        ("ConstructionStart", ["远景新材料有限公司"])
    ]


def test_a_body_a_later_sentence_says_the_visitors_went_to_takes_part() -> None:
    text = "5月2日，副市长孙文到石门镇调研。孙文一行首先来到东方鞋业有限公司生产车间，了解生产情况。"
    found = events(text, {"孙文": "Person", "石门镇": "TownshipLevelArea", "东方鞋业有限公司": "Company"})
    assert "东方鞋业有限公司" in {m.text for m in found[0].participant_mentions}
    assert [e.sentence for e in found[0].more_evidence] == [1]


def test_a_place_that_opens_an_earlier_clause_acts_and_a_report_at_the_meeting_attends_it() -> None:
    text = "3月27日上午，东岭县在开局之年，抢抓机遇，在东岭县石门街道远景公司项目区集中签约了一批重大项目。"
    found = events(text, {"东岭县": "County", "石门街道": "TownshipLevelArea", "远景公司": "Company"})
    signing = next(e for e in found if e.type == "Signing")
    assert ("signatory", "东岭县") in roles(signing) and ("signatory", "远景公司") not in roles(signing)
    text = "5月2日，东岭县召开产业座谈会。座谈会上，县长刘军提出意见。副镇长余明就产业发展情况进行汇报。"
    found = events(text, {"东岭县": "County", "刘军": "Person", "余明": "Person"})
    assert ("attendee", "余明") in roles(next(e for e in found if e.type == "Meeting"))


def test_a_ceremony_named_for_a_park_took_place_there() -> None:
    name = "东岭新材料产业园暨远景公司二期项目奠基仪式"
    found = events(f"2月13日，{name}举行。", {name: "Event", "东岭新材料产业园": "IndustrialPark", "远景公司": "Company"})
    assert [(e.type, [m.text for m in e.place_mentions]) for e in found] == [("ConstructionStart", ["东岭新材料产业园"])]


def test_a_project_named_later_folds_into_a_first_mention_that_named_none() -> None:
    text = "2月10日，北川市举行项目集中签约活动。其中，北川光伏发电项目现场签约。"
    found = events(text, {"北川市": "City", "北川光伏发电项目": "Project"})
    assert [e.type for e in found] == ["Signing"]
    assert ("project", "北川光伏发电项目") in roles(found[0])
    text = "3月1日，青山县光明新材料项目开工。3月1日，青山县蓝天化工项目开工。"
    found = events(text, {"青山县光明新材料项目": "Project", "青山县蓝天化工项目": "Project"})
    assert len(found) == 2  # two projects named: two happenings
