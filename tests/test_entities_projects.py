"""Named projects, bases and parks as regional news prints them, and list lines the tagger runs together
(kg.nlp.rules.project_names, kg.nlp.rules.facilities, kg.nlp.gazetteer). Every sentence is written for these tests."""

from __future__ import annotations

from kg.model import Article, ArticleExtraction, Mention, Token
from kg.nlp import gazetteer as gz
from kg.run import Settings, get_stage

from .entities_helpers import extract


def found(text: str) -> dict[str, str]:
    return {m.text: m.type for m in extract(text).mentions}


def test_a_companys_project_is_named_without_the_company() -> None:
    names = found("其中，东岭化工科技有限公司年产8万吨硫酸钾项目、北川集团2号地块综合开发项目同日开工。")
    assert names.get("东岭化工科技有限公司") == "Company"
    assert names.get("年产8万吨硫酸钾项目") == "Project"
    assert names.get("北川集团") == "Company" and names.get("2号地块综合开发项目") == "Project"
    assert "东岭化工科技有限公司年产8万吨硫酸钾项目" not in names


def test_a_company_stays_in_the_name_when_the_rest_is_a_kind_of_project() -> None:
    names = found("西岭集团片区综合开发项目同日开工。")
    assert names.get("西岭集团片区综合开发项目") == "Project"  # 片区综合开发项目 alone names nothing


def test_process_verbs_and_measures_in_words_belong_to_the_name() -> None:
    names = found("记者参观了该公司建设的5兆瓦分布式光伏发电示范项目和百万千瓦风光储一体化项目。")
    assert names.get("5兆瓦分布式光伏发电示范项目") == "Project"
    assert names.get("百万千瓦风光储一体化项目") == "Project"


def test_the_sentences_verb_does_not_open_a_project() -> None:
    names = found("甲公司在当地投资建设光伏项目。")
    assert not any(name.endswith("光伏项目") for name in names)


def test_a_conjunction_and_a_quotation_inside_a_name() -> None:
    names = found("签约项目包括南山电气氢能及燃料电池基地、“一湖两岸”景观提升工程。")
    assert names.get("南山电气氢能及燃料电池基地") == "Facility"
    assert names.get("“一湖两岸”景观提升工程") == "Project"


def test_joined_activities_without_a_place_body_or_number_are_no_name() -> None:
    names = found("某镇推出篝火晚会互动体验及冰雪娱乐旅游项目，吸引游客。")
    assert not any(name.endswith("旅游项目") for name in names)


def test_a_parks_key_projects_are_a_category_and_the_park_is_named() -> None:
    names = found("青川港产业园重点产业项目集中签约，青川港产业园基础设施项目同步推进。")
    assert names.get("青川港产业园") == "IndustrialPark"
    assert not any(name.endswith("项目") for name in names)


def test_projects_counted_after_their_head_are_a_category() -> None:
    names = found("今年已储备“三新”产业项目52个，总投资8亿元。")
    assert not any(name.endswith("项目") for name in names)


def test_a_park_named_after_a_firms_short_name_is_the_park() -> None:
    names = found("项目以宏盛堂医药产业园、德润康药业产业园为代表。")
    assert names.get("宏盛堂医药产业园") == "IndustrialPark"
    assert names.get("德润康药业产业园") == "IndustrialPark"
    assert "宏盛堂医药" not in names


def test_glued_division_names_are_cut_where_a_known_division_ends() -> None:
    gaz = gz.gazetteer()
    assert gz._glued_cut(gaz, "石桥镇东坡崖村") == 3  # a town of the table, then a village
    assert gz._glued_cut(gaz, "杏花岭村红旗镇") == 4
    assert gz._glued_cut(gaz, "美丽乡村示范村") is None  # no division of the table: a kind of village
    assert gz._glued_cut(gaz, "东坡崖村") is None


def test_a_list_line_run_together_is_two_places() -> None:
    text = "名单：石桥镇东坡崖村。"
    article = Article(id="t", document_id="d", index=0, text=text)
    start = text.index("石桥镇")
    glued = Mention("t", start, start + 7, "石桥镇东坡崖村", "Place", 0.9, "nlp.tag.test")
    extraction = gz.link(ArticleExtraction(article=article, mentions=[glued]))
    names = {m.text: m.type for m in extraction.mentions}
    assert names.get("东坡崖村") == "VillageLevelArea"
    assert "石桥镇" in names and "石桥镇东坡崖村" not in names


def test_a_body_after_its_divisions_whose_words_the_tagger_read_as_a_verb() -> None:
    names = found("表彰名单如下:\n青川市白河县关心下一代工作委员会\n")
    assert names.get("青川市白河县关心下一代工作委员会") == "GovernmentBody"
    assert names.get("白河县") == "County"  # the division stays a mention of its own


def test_a_groups_legal_name_names_no_second_group() -> None:
    names = found("并签约东海和平集团有限公司。北岭职业学院护理学院揭牌。")
    assert names.get("东海和平集团有限公司") == "Company" and "东海和平集团" not in names
    assert names.get("北岭职业学院") == "University"  # a school inside a school's name is still mentioned


def test_a_branch_named_without_its_national_prefix_and_branch_word_refers_to_it() -> None:
    from .entities_helpers import resolve

    extraction = extract("本报讯 中国东岭能源北海分公司积极推动项目落地。这两个项目是东岭能源北海与北海市政府签署的。")
    short = next(m for m in extraction.mentions if m.text == "东岭能源北海")
    assert short.attrs.get("ref") and short.type == "Company"
    corpus = resolve(extraction)
    branch = next(e for e in corpus.entities.values() if e.label == "中国东岭能源北海分公司")
    assert "东岭能源北海" in branch.alt_labels
    assert not any(e.label in ("东岭", "北海") for e in corpus.entities.values() if e.mentions)


def test_the_project_of_a_named_built_thing_is_that_thing() -> None:
    from .entities_helpers import resolve

    corpus = resolve(extract("3月5日,北岭县石门水库项目开建。"))
    reservoir = next(e for e in corpus.entities.values() if e.label == "北岭县石门水库")
    assert reservoir.type == "Facility" and "北岭县石门水库项目" in reservoir.alt_labels


def test_a_build_verb_makes_a_bodys_project_a_name_and_the_body_stays() -> None:
    names = found("新建南岭县委党校项目等9个项目开工。")
    assert names.get("新建南岭县委党校项目") == "Project"
    assert "南岭县委党校" in names
    names = found("宏远项目和某市项目、东坡集团项目签约。")
    assert names.get("宏远项目") == "Project"  # one firm's project, named by its short name
    assert "某市项目" not in names and "东坡集团项目" not in names  # a place's projects; a group's, by its legal name


def test_a_place_in_brackets_inside_a_project_name() -> None:
    assert found("青川(东岭)绿色食品产业基地项目签约。").get("青川(东岭)绿色食品产业基地项目") == "Project"


def test_a_firms_headquarters_is_a_built_thing_named_after_it() -> None:
    names = found("加速推进东方银行总部、宏达集团机床总部、通达集团总部。公司总部设在北京。")
    assert {names.get(n) for n in ("东方银行总部", "宏达集团机床总部", "通达集团总部")} == {"Facility"}
    assert names.get("东方银行") == "Company"  # the firm stays a mention of its own
    assert "公司总部" not in names


def test_a_word_the_tagger_ran_into_a_divisions_name_is_left_out() -> None:
    gaz = gz.gazetteer()
    text = "该集团对天津发展做出贡献，南宁东部新城和咸阳市区。"
    mentions = [
        Mention("t", text.index(word), text.index(word) + len(word), word, "Place", 0.9, "nlp.tag.test")
        for word in ("天津发展", "南宁东部新城", "咸阳市区")
    ]
    index = gz.MentionIndex(mentions)
    gz._trim_trailing_words(gaz, index, None, text)
    assert sorted(m.text for m in index) == ["南宁东部新城", "咸阳市区", "天津"]


def test_a_county_short_name_a_landmark_or_one_character_after_a_short_name_is_no_word_run_in() -> None:
    gaz = gz.gazetteer()
    text = "在和平共处的基础上，登上岳阳楼，来到四川盆地，中卫国脉公司，对天津发展做出贡献。"
    mentions = [
        Mention("t", text.index(word), text.index(word) + len(word), word, "Place", 0.9, "nlp.tag.test")
        for word in ("和平共", "岳阳楼", "四川盆地", "中卫国", "天津发展")
    ]
    index = gz.MentionIndex(mentions)
    gz._trim_trailing_words(gaz, index, None, text)
    # 和平 is a district's short form, 楼 and 盆地 end landmarks, 国 goes on with the name: all left as they were
    assert sorted(m.text for m in index) == ["中卫国", "和平共", "四川盆地", "天津", "岳阳楼"]


def test_a_name_after_a_post_followed_by_a_verb_of_attending() -> None:
    extraction = extract("州委副书记、州长洪明出席并讲话。北坡区政府副区长门立兴陪同考察。")
    persons = {m.text: m.attrs.get("post") for m in extraction.mentions if m.type == "Person"}
    assert persons.get("门立兴") == "副区长"  # a name the tagger did not mark, before 陪同
    assert persons.get("洪明") and "州长" in persons["洪明"]  # 洪 is a family name, 州长 a post


def test_a_prefectures_party_committee() -> None:
    from kg.nlp.rules import class_by_suffix

    assert class_by_suffix("延川州委", "Organization") == "PartyBody"


def test_counted_or_ranked_parks_are_kinds_and_an_ordinal_is_no_count() -> None:
    names = found("建设蔬菜、预制菜2个省级农业产业园。建设配套产业园。国内首座民用液氢工厂投产。")
    assert not any(name.endswith("产业园") for name in names)
    assert names.get("民用液氢工厂") == "Facility"  # 首座: the first of its kind, one named plant


def test_three_provinces_run_together_are_also_their_region() -> None:
    names = found("京津冀协同发展取得新进展，京蒙协作不断深化，苏、浙、沪三地联动。")
    assert names.get("京津冀") == "Region"
    assert names.get("冀") == "ProvinceLevelArea"  # each province stays a mention of its own
    assert "京蒙" not in names and not any(name.startswith("苏、") for name in names)


def test_an_unmarked_name_in_a_list_of_persons() -> None:
    names = found("会上，赵丽文、尚自强、牛金山、边卡、牛华平等委员先后发言。")
    assert names.get("边卡") == "Person"
    assert not any(n in names for n in ("石油", "高新区"))
    names = found("参会企业有张明、李强、石油化工、高新区管委会。")
    assert "石油化工" not in names  # four characters: no name


def test_a_grid_of_names_with_a_spaced_two_character_name() -> None:
    from kg.nlp.rules import _Mentions, listed_persons

    text = "先进工作者\n兰玉明 李金宝 章后华 陈 忠\n"
    article = Article(id="t", document_id="d", index=0, text=text)
    mentions = [Mention("t", text.index(n), text.index(n) + 3, n, "Person", 0.9, "nlp.tag.test") for n in ("兰玉明", "李金宝")]
    ms = _Mentions(ArticleExtraction(article=article, mentions=mentions))
    listed_persons(ms)
    assert sorted(m.text for m in ms.all) == ["兰玉明", "李金宝", "章后华", "陈 忠"]


def test_a_department_of_this_city_cut_before_its_class_character() -> None:
    assert found("按照要求,市农业农村局积极动员。").get("市农业农村局") == "GovernmentBody"
    assert found("王立平带领市投促办、东坡区政府冒雨赴北京。").get("市投促办") == "GovernmentBody"
    names = found("优化区域路网布局，稳定市场格局。")
    assert not any(name.endswith("局") for name in names)


def test_two_bodies_the_tagger_kept_as_one_name() -> None:
    names = found("县文旅局和县市场监管局联合检查。")
    assert names.get("县文旅局") == "GovernmentBody" and names.get("县市场监管局") == "GovernmentBody"
    assert "县文旅局和县市场监管局" not in names


def test_a_family_name_the_tagger_left_on_the_titles_side() -> None:
    from kg.nlp.rules import _family_name_cut_off

    def cut(text: str, name: str) -> bool:
        start = text.index(name)
        return _family_name_cut_off(text, Mention("t", start, start + len(name), name, "Person"))

    assert cut("工委主任盛邱明出席。", "邱明")  # 盛 is the family name, 主任 the title before it
    assert not cut("工委主任王明出席。", "王明")  # 任 ends the title
    assert not cut("会上盛邱明发言。", "邱明")  # no title before


def test_a_quoted_name_before_an_activity_or_a_drive_is_the_event() -> None:
    names = found("代表团赴上海参加“东北—珠三角招商引资促进周”活动。该局“清源·护苗”专项行动开展以来成效明显。")
    assert names.get("东北—珠三角招商引资促进周") == "Event"
    assert names.get("清源·护苗") == "Event"
    assert not any(t == "Event" and len(n) < 4 for n, t in found("举行产业链招商“云签约”活动。").items())


def test_a_direction_before_a_place_in_brackets_opens_the_name() -> None:
    from kg.model import Token
    from kg.nlp.rules import _Mentions, bracketed_names

    text = "与西部(东川)融资担保有限公司签约。"
    words = [("与", "p"), ("西部", "f"), ("(", "w"), ("东川", "LOC"), (")", "w"), ("融资担保有限公司", "ORG"),
             ("签约", "v"), ("。", "w")]
    tokens, at = [], 0
    for word, pos in words:
        tokens.append(Token.at(at, word, pos))
        at += len(word)
    start = text.index("融资")
    article = Article("a", "d", 0, text)
    extraction = ArticleExtraction(article, [Mention("a", start, start + 8, "融资担保有限公司", "Company")])
    ms = _Mentions(extraction)
    bracketed_names(ms, tokens)
    ms.finish()
    assert [m.text for m in extraction.mentions] == ["西部(东川)融资担保有限公司"]


def test_a_japanese_legal_form_shares_no_suffix_and_no_name_runs_over_a_line() -> None:
    names = found("安科罗工程材料有限公司、水素动力株式会社、光隆精密股份有限公司签约。")
    assert names.get("水素动力株式会社") == "Company"
    names = found("民生实事项目。\n\n宏图科技产业项目\n\n青岭科技产业园项目\n\n近年来发展迅速。")
    assert not any("\n" in name for name in names)


def test_a_towns_first_character_cut_off_by_the_tagger_and_its_chamber_of_commerce() -> None:
    from kg.model import Token

    text = "调研外冈镇商会。"
    words = [("调研", "v"), ("外", "f"), ("冈镇", "LOC"), ("商会", "n"), ("。", "w")]
    tokens, at = [], 0
    for word, pos in words:
        tokens.append(Token.at(at, word, pos))
        at += len(word)
    start = text.index("冈镇")
    article = Article("a", "d", 0, text, place="嘉定")
    extraction = ArticleExtraction(article, [Mention("a", start, start + 2, "冈镇", "Place")], tokens=tokens)
    extraction = gz.link(extraction)
    assert "外冈镇" in {m.text for m in extraction.mentions} and "冈镇" not in {m.text for m in extraction.mentions}
    names = found("北坡县、东岭镇商会和北坡县工商联联合举办。")
    assert names.get("东岭镇商会") == "Organization" and names.get("东岭镇") == "TownshipLevelArea"


def test_outlets_quoted_or_opening_a_story() -> None:
    names = found("据东方晨报报道,24日,南岭省召开会议。")
    assert names.get("东方晨报") == "NewsMedia"
    assert found("东岭在线北坡频道消息(杨明):2月10日,北坡举行签约。").get("东岭在线") == "NewsMedia"
    assert found("(图片来源:某网)青岭网2月24日北川消息 会议召开。").get("青岭网") == "NewsMedia"
    assert found("南山新媒体了解到,此次集中开工项目共计100个。").get("南山新媒体") == "NewsMedia"
    assert not any(t == "NewsMedia" for t in found("据统计,全市共有企业100家。据当地媒体报道,会议召开。").values())


def test_a_direction_the_tagger_cut_off_a_village_name() -> None:
    from kg.nlp.rules import fix_tagger_mentions, _Mentions

    text = "名单：石桥镇北王家庄、东岭村。"
    at = text.index("北王家庄")
    mentions = [Mention("a", at, at + 1, "北", "Place"), Mention("a", at + 1, at + 4, "王家庄", "Place")]
    ms = _Mentions(ArticleExtraction(Article("a", "d", 0, text), mentions))
    fix_tagger_mentions(ms)
    assert [m.text for m in ms.all] == ["北王家庄"]


def test_a_documents_issuer_code_and_a_person_who_represents() -> None:
    from kg.nlp.rules import fix_tagger_mentions, _Mentions

    text = "根据通知(东农社字〔2021〕15号)，王立罡代表区委讲话。"
    code, person = text.index("东农社"), text.index("王立罡代表")
    mentions = [Mention("a", code, code + 3, "东农社", "Organization"),
                Mention("a", person, person + 5, "王立罡代表", "Organization")]
    ms = _Mentions(ArticleExtraction(Article("a", "d", 0, text), mentions))
    fix_tagger_mentions(ms)
    assert [(m.text, m.type) for m in ms.all] == [("王立罡", "Person")]


def test_kinds_of_firms_and_an_activity_run_into_a_body() -> None:
    from kg.nlp.rules import fix_tagger_mentions, _Mentions

    text = "16家中央企业参与，落实中央政府投资3亿元。"
    firms, body = text.index("中央企业"), text.index("中央政府投资")
    mentions = [Mention("a", firms, firms + 4, "中央企业", "Organization"),
                Mention("a", body, body + 6, "中央政府投资", "Organization")]
    ms = _Mentions(ArticleExtraction(Article("a", "d", 0, text), mentions))
    fix_tagger_mentions(ms)
    assert [(m.text, m.type) for m in ms.all] == [("中央政府", "GovernmentBody")]


def test_a_places_industries_listed_are_no_firm() -> None:
    names = found("将推动东川新材料、新能源、新食品加工产业发展。园区引进了华通重工、金源食品和德信新材料等企业。")
    assert "东川新材料" not in names
    assert names.get("金源食品") == "Company" and names.get("德信新材料") == "Company"


def test_counted_divisions_are_no_names() -> None:
    from kg.nlp.rules import is_category

    assert is_category("北三县") and is_category("千镇万村") and is_category("三县一区")
    assert not any(is_category(name) for name in ("五河县", "六安市", "四会市", "万宁市", "三亚市"))


def test_a_firms_short_name_before_wei_daibiao() -> None:
    from kg.model import Token
    from kg.nlp.rules import _Mentions, trade_names

    words = [("以", "p"), ("宏曼", "ORG"), ("汽配", "n"), ("为", "v"), ("代表", "n"), ("的", "u"), ("产业", "n")]
    tokens, at = [], 0
    for word, pos in words:
        tokens.append(Token.at(at, word, pos))
        at += len(word)
    text = "".join(word for word, _ in words)
    ms = _Mentions(ArticleExtraction(Article("a", "d", 0, text), [Mention("a", 1, 3, "宏曼", "Organization")]))
    trade_names(ms, tokens)
    assert [(m.text, m.type) for m in ms.all] == [("宏曼汽配", "Company")]


def test_projects_counted_before_or_after_are_kinds() -> None:
    names = found("南江已经有4个“深蓝牧场”项目开工建设。全市累计引进在沪企业投资项目超600个。“蓝色粮仓”项目开工。")
    assert names.get("“蓝色粮仓”项目") == "Project"  # one quoted project, not counted
    assert not any(name.endswith("项目") and name != "“蓝色粮仓”项目" for name in names)


def test_a_category_word_after_what_qualifies_it_names_no_place() -> None:
    from kg.nlp.rules import _not_a_name

    assert _not_a_name("美丽乡村示范村", frozenset()) and _not_a_name("省级贫困县", frozenset())
    assert not any(_not_a_name(name, frozenset()) for name in ("团结民族村", "李家大村", "杨柳青镇", "张家口市"))


def test_a_lines_extension_and_its_phase_are_one_name() -> None:
    names = found("青山市轨道交通2号线二期东延段年底通车，滨江大道西延段同日开工。")
    assert names.get("青山市轨道交通2号线二期东延段") == "Facility"
    assert names.get("滨江大道西延段") == "Facility"
    assert "东延段" not in names


def test_a_roads_extension_is_a_built_thing_not_a_place() -> None:
    names = found("运河东大街东延等道路工程将于今年内基本完工。")
    assert names.get("运河东大街东延") == "Facility"


def test_a_phase_word_inside_a_project_name() -> None:
    names = found("东山化工公司二期项目将于年底投产。")
    assert names.get("东山化工公司二期项目") == "Project"
    names = found("据悉，投资3亿元的一期工程完工后水深达到8米。J区为该油田二期工程开发的卫星油田。")
    assert not any(name.endswith("期工程") for name in names)  # a phase of something the phrase does not name


def _tagged(words: list[tuple[str, str]]) -> ArticleExtraction:
    """An article cut into ``words`` (word, part of speech) as a tagger might have cut it; LOC words are places."""
    text = "".join(word for word, _ in words)
    article = Article(id="t", document_id="d", index=0, text=text)
    extraction = ArticleExtraction(article=article)
    at = 0
    for word, pos in words:
        extraction.tokens.append(Token(at, at + len(word), word, pos))
        if pos == "LOC":
            extraction.mentions.append(Mention("t", at, at + len(word), word, "Place", 0.8, "nlp.tag.lac"))
        at += len(word)
    return extraction


def test_a_character_the_tagger_cut_off_after_a_county_opens_the_name() -> None:
    """The tagger read the 下 of a name as a verb between a county and the rest of the name."""
    words = [("即", "v"), ("青石县", "LOC"), ("下", "v"), ("天河水利枢纽", "LOC"), ("二期", "m"), ("工程", "n"),
             ("初步", "a"), ("设计", "vn"), ("获批", "v"), ("。", "w")]
    names = {m.text: m.type for m in get_stage("nlp.rules.newspaper")(_tagged(words), Settings()).mentions}
    assert names.get("青石县下天河水利枢纽二期工程") == "Project"
    assert names.get("青石县") == "County"
    # a verb that is no name's first character stays the sentence's (在青石县|看|某某项目)
    words = [("他", "r"), ("在", "p"), ("青石县", "LOC"), ("看", "v"), ("天河水利枢纽", "LOC"), ("项目", "n")]
    names = {m.text: m.type for m in get_stage("nlp.rules.newspaper")(_tagged(words), Settings()).mentions}
    assert not any(name.startswith("青石县看") for name in names)


def test_a_title_places_are_given_is_no_place() -> None:
    """“某某村”/“某某镇” quoted alone, or counted (3000多个某某村), is a title a list gives places; a village named
    in the same text stays a place."""
    names = found("农业农村部公布了2023年“直播村”和“直播镇”名单，全国共有3000多个直播村、200多个直播镇，"
                  "我省桐溪县新河村入选。")
    assert "直播镇" not in names and "直播村" not in names
    assert names.get("新河村") == "VillageLevelArea"


def test_a_works_project_is_the_works_under_one_more_name() -> None:
    extraction = extract("青石县大河水利枢纽二期工程项目总投资7亿元。")
    project = next(m for m in extraction.mentions if m.text == "青石县大河水利枢纽二期工程项目")
    start, end = map(int, project.attrs["ref"].split(":"))
    assert extraction.article.text[start:end] == "青石县大河水利枢纽二期工程"


def test_a_store_that_preserves_is_named_with_its_verb() -> None:
    names = found("东川省国家作物种质资源保存库二期建设项目初步设计获批。")
    assert names.get("东川省国家作物种质资源保存库二期建设项目") == "Project"


def test_parks_named_after_their_places() -> None:
    names = found("调研组来到桑林镇工业集中区、南岗物流园和东川台湾农民创业园。以青川-中关村科技园为例，企业超4000家。")
    assert names.get("桑林镇工业集中区") == "IndustrialPark"
    assert names.get("南岗物流园") == "IndustrialPark"
    assert names.get("东川台湾农民创业园") == "IndustrialPark"
    assert names.get("中关村科技园") == "IndustrialPark"


def test_a_park_word_without_a_name_is_a_kind() -> None:
    names = found("全省建成农民创业园12个，各县都有工业集中区。")
    assert not any(name.endswith(("创业园", "工业集中区")) for name in names)


def test_a_citys_new_town_named_by_its_direction() -> None:
    names = found("项目投产将带动柳州东部新城经济发展，推动青州西部新区建设。")
    assert names.get("柳州东部新城") == "Place" and names.get("青州西部新区") == "Place"
    assert "柳州" in names and "新城" not in names


def test_outlets_opening_a_credit() -> None:
    names = found("2月13日，东江新区举行开工仪式。\n（东江广电-第2眼TV记者杨文霖 特约记者龚明）")
    assert names.get("东江广电") == "NewsMedia" and names.get("第2眼TV") == "NewsMedia"
    assert names.get("杨文霖") == "Person"
    names = found("2月13日，东江新区举行开工仪式。（记者 张强）")
    assert not any(kind == "NewsMedia" for kind in names.values())
    names = found("2月13日，东江新区举行开工仪式。（王永兵东江日报融媒体记者李勇）")  # a name before the outlet
    assert names.get("王永兵") == "Person" and names.get("东江日报") == "NewsMedia"
