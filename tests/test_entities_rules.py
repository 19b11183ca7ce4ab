"""Newspaper rules on real sentences: classes by suffix, posts, bylines, quoted names, works, coordinations, anaphora."""

from __future__ import annotations

from kg.nlp.rules import class_by_suffix, is_category, shared_suffix, split_names, work_class

from .entities_helpers import extract, resolve, spans


def test_classes_by_suffix() -> None:
    assert class_by_suffix("鸿达兴业股份有限公司", "Organization") == "Company"
    assert class_by_suffix("锡林郭勒边境管理支队", "Organization") == "PoliceUnit"
    assert class_by_suffix("洪格尔边境派出所", "Organization") == "PoliceUnit"
    assert class_by_suffix("锡林郭勒职业学院", "Organization") == "University"
    assert class_by_suffix("赤峰市委", "Organization") == "PartyBody"
    assert class_by_suffix("呼和浩特市市场监管局", "Organization") == "GovernmentBody"
    assert class_by_suffix("某某专业合作社", "Organization") == "Cooperative"
    assert work_class("鄂尔多斯市中小学校幼儿园规划建设条例") == "Regulation"
    assert work_class("中华人民共和国环境保护法") == "Law"
    assert work_class("全领域基层党建融合发展规范") == "Standard"
    assert work_class("政府工作报告") == "Report"
    assert work_class("人民日报") == "NewsMedia"
    assert is_category("盟市") and is_category("嘎查村") and not is_category("赤峰市")


def test_posts_before_names() -> None:
    extraction = extract("“项目建成后将提供有力支撑。”乌海海易通银隆新能源汽车有限公司副总经理王刚说。")
    mentions = {m.text: m for m in extraction.mentions}
    assert mentions["王刚"].attrs["post"] == "副总经理"
    org = mentions["王刚"].attrs["post_org"]
    assert org == f"{mentions['乌海海易通银隆新能源汽车有限公司'].start}:{mentions['乌海海易通银隆新能源汽车有限公司'].end}"

    extraction = extract("“政治功能与服务功能是融合党建的魂和根。”赤峰市委常委、组织部长李炯表示。")
    person = next(m for m in extraction.mentions if m.text == "李炯")
    assert person.attrs["post"] == "常委、组织部长"
    org_start, org_end = map(int, person.attrs["post_org"].split(":"))
    assert extraction.article.text[org_start:org_end] == "赤峰市委"


def test_bare_company_before_a_post_refers_to_the_company() -> None:
    text = "位于乌达工业园的乌海海易通银隆新能源汽车有限公司建设产业园。“项目建成后将提供支撑。”公司副总经理王刚说。"
    extraction = extract(text)
    corpus = resolve(extraction)
    company = corpus.entities["Organization/乌海海易通银隆新能源汽车有限公司"]
    assert len(company.mentions) == 2  # the full name and 公司
    assert "公司" not in company.alt_labels
    person = next(m for m in extraction.mentions if m.text == "王刚")
    assert person.attrs["post"] == "副总经理"


def test_bylines_in_text() -> None:
    assert split_names("于海东郝飚") == ["于海东", "郝飚"]
    assert split_names("巴依斯古楞") == ["巴依斯古楞"]
    assert split_names("从近日召开的") == []
    extraction = extract("□本报记者王塔娜实习生李文清2020年12月31日，一场发布会在赤峰召开。")
    found = spans(extraction)
    assert found["王塔娜"] == ("Person", {"role": "reporter"})
    assert found["李文清"] == ("Person", {"role": "intern"})
    extraction = extract("本报记者巴依斯古楞摄影报道测量、加油、调试、升空。")
    assert spans(extraction)["巴依斯古楞"][0] == "Person"
    # a paragraph opening with 记者 and what the reporter did is no byline: the verbs are no name
    assert not any(m.type == "Person" for m in extract("记者采访看到，会场一片火热。").mentions)


def test_quoted_names_and_units() -> None:
    extraction = extract("这是刚刚成立的全区首支无人机警航队——锡林郭勒边境管理支队“鹰巡”警航队首次试飞的场景。")
    found = spans(extraction)
    assert found["“鹰巡”警航队"][0] == "PoliceUnit"
    assert found["锡林郭勒边境管理支队"][0] == "PoliceUnit"
    assert "警航队" not in found


def test_coordinated_names_share_their_class_words() -> None:
    extraction = extract("分别选择在全盟边境线中段和距离边境线最近的那仁宝拉格、洪格尔边境派出所进行试飞。")
    corpus = resolve(extraction)
    assert corpus.entities["Organization/那仁宝拉格边境派出所"].type == "PoliceUnit"
    assert corpus.entities["Organization/洪格尔边境派出所"].type == "PoliceUnit"
    assert shared_suffix("洪格尔边境派出所") == "边境派出所"


def test_abbreviations_and_works() -> None:
    text = (
        "班列缓缓驶入二连浩特站。这趟班列是二连浩特口岸的第6000趟班列。\n二连站积极发挥站区运输组织的龙头作用。"
        "《鄂尔多斯市中小学校幼儿园规划建设条例》（以下简称《条例》）公布。《条例》共五章。"
    )
    extraction = extract(text)
    corpus = resolve(extraction)
    station = corpus.entities["Place/二连浩特站"]
    assert station.type == "Station" and "二连站" in station.alt_labels
    assert corpus.entities["Place/二连浩特口岸"].type == "Port"
    law = corpus.entities["Work/鄂尔多斯市中小学校幼儿园规划建设条例"]
    assert law.type == "Regulation" and len(law.mentions) == 3
    assert not any(m.text == "站区" for m in extraction.mentions)


def test_relative_body_names_are_qualified() -> None:
    extraction = extract("按照自治区市场监管局和呼和浩特市委、市政府的部署安排开展工作。", place="呼和浩特")
    corpus = resolve(extraction)
    assert "Organization/呼和浩特市政府" in corpus.entities
    assert "Organization/内蒙古自治区市场监管局" in corpus.entities
    assert "Organization/市政府" not in corpus.entities


def test_non_entities_are_dropped() -> None:
    extraction = extract("■盟市·速览\n盟市·风景线\n■镜观\n乌海市建成3座加氢站。")
    texts = {m.text for m in extraction.mentions}
    assert not texts & {"盟市", "镜观", "加氢站"}
    assert "乌海市" in texts


def test_facilities_named_by_modifiers() -> None:
    extraction = extract("在海南区，由鸿达兴业股份有限公司投资建设的国内首座民用液氢工厂也于去年投入运营。")
    found = spans(extraction)
    assert found["民用液氢工厂"][0] == "Facility"
    assert found["鸿达兴业股份有限公司"][0] == "Company"


def test_organizations_named_after_countries_and_agencies_stay_whole() -> None:
    """中国共产党 is one organization (not 中国 + 共产党), 新华社 is kept, and 欧盟 is no Inner Mongolia league."""
    from kg.nlp.evaluate import recognition_steps
    from kg.run import Settings
    from kg.model import Article, ArticleExtraction, text_hash

    text = "据新华社报道，欧盟代表出席了中国共产党成立100周年的活动，中国女篮随后抵达。"
    for ner in ("lac", "crf"):
        settings = Settings(ner=ner)
        extraction = ArticleExtraction(article=Article(id=text_hash(text), document_id="t", index=0, text=text))
        for step in recognition_steps(ner, settings, with_rules=True):
            extraction = step(extraction, settings)
        found = {(m.text, m.type) for m in extraction.mentions}
        assert ("新华社", "NewsMedia") in found, (ner, found)
        assert ("中国共产党", "PartyBody") in found or ("中国共产党", "Organization") in found, (ner, found)
        assert not any(m.type == "League" for m in extraction.mentions), (ner, found)
        assert ("中国", "Country") not in found, (ner, found)
