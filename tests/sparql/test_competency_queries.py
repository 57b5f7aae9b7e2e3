"""The competency queries in queries/, asked through the HTTP endpoint with SPARQLWrapper.

Each expected set below was derived by reading the data files (data/municipalities/…) and the seed lines they
cite, not by running the query; the comments say where each row comes from. Large answers are checked by counts
per city plus spot-checked rows.
"""

from collections import Counter
from pathlib import Path

import pytest
from SPARQLWrapper import GET, JSON, POST, SPARQLWrapper

from server.paths import QUERIES_DIR

ID = "https://w3id.org/fukushi-kg/id/"
MUNI = ID + "municipality/"
OMITAMA, SAGAMIHARA, ODAWARA, MINE, KURUME = "小美玉市", "相模原市", "小田原市", "美祢市", "久留米市"
CONTRACT = {
    "evacuation-support-measures": ["city", "cityLabel", "measure", "measureLabel"],
    "plans": ["city", "cityLabel", "plan", "planLabel", "planType", "planTypeLabel", "startYear", "endYear"],
    "integrated-plans": ["cityLabel", "document", "integratedPlan", "integratedPlanLabel", "provisionLabel"],
    "basic-philosophy": ["cityLabel", "philosophy"],
    "plan-structure": ["cityLabel", "goalCount", "policyCount", "measureCount"],
    "measures": ["cityLabel", "measure", "measureLabel", "actorLabel", "departmentLabel", "source"],
    "measures-by-department": ["cityLabel", "departmentLabel", "measureCount"],
    "multilayered-support-coverage": ["cityLabel", "functionLabel", "measureCount"],
    "recidivism-measures": ["cityLabel", "priorityLabel", "measure", "measureLabel"],
    "guardianship-measures": ["cityLabel", "measure", "measureLabel"],
    "indicators": ["cityLabel", "indicatorLabel", "target", "actual", "unit", "achieved"],
    "spheres": ["cityLabel", "sphere", "sphereLabel", "broaderSphereLabel"],
    "plans-in-force": ["cityLabel", "plan", "planLabel"],
    "compliance/reviewer-judgements": [
        "cityLabel",
        "requirementId",
        "requirementLabel",
        "automaticVerdict",
        "verdict",
        "reviewerLabel",
        "date",
        "reason",
    ],
    "compliance/requirement-verdicts": ["city", "cityLabel", "verdict", "severity", "cells"],
}


@pytest.fixture(scope="module")
def ask(live):
    cache = {}

    def run(name: str, method=GET, edit=lambda text: text) -> list[dict]:
        """The query's rows as {variable: value} (unbound variables absent); `edit` changes the text first
        (a VALUES block's parameter)."""
        text = edit((QUERIES_DIR / f"{name}.rq").read_text(encoding="utf-8"))
        key = (text, method)
        if key not in cache:
            client = SPARQLWrapper(live.endpoint)
            client.setQuery(text)
            client.setReturnFormat(JSON)
            client.setMethod(method)
            doc = client.query().convert()
            assert set(CONTRACT[name]) <= set(doc["head"]["vars"]), doc["head"]["vars"]
            cache[key] = [{k: v["value"] for k, v in b.items()} for b in doc["results"]["bindings"]]
        return cache[key]

    return run


def test_every_query_states_its_question():
    files = sorted(Path(QUERIES_DIR).glob("*.rq")) + sorted(Path(QUERIES_DIR).glob("compliance/*.rq"))
    assert {str(f.relative_to(QUERIES_DIR).with_suffix("")) for f in files} == set(CONTRACT)
    for f in files:
        assert f.read_text(encoding="utf-8").startswith("# Question: "), f.name


@pytest.mark.parametrize("name", sorted(CONTRACT))
def test_sparqlwrapper_sees_a_select(name):
    """SPARQLWrapper guesses the query form by searching for a keyword anywhere in the text left after it strips
    comments (it strips only every other line of a comment block): a header comment word such as "addresses"
    makes it send the query as an ADD update."""
    client = SPARQLWrapper("http://127.0.0.1:9/sparql")
    client.setQuery((QUERIES_DIR / f"{name}.rq").read_text(encoding="utf-8"))
    assert client.queryType == "SELECT"


def test_evacuation_support_measures(ask):
    rows = ask("evacuation-support-measures", POST)
    got = {(r["cityLabel"], r["measure"].removeprefix(ID)) for r in rows}
    assert got == {
        # seed 000 line 108 「(2) 要支援者の避難支援体制づくり」 (tg:persons-requiring-support, 要支援者)
        (OMITAMA, "082368/cwp4-g3-p2-d2"),
        # seed 003 line 110 「避難に配慮が必要な人の避難支援の充実」 (要配慮者)
        (KURUME, "402036/cwp4-p5-d2"),
        # seed 004: 施策① 災害時の地域防災体制の充実, lines 1594-1596 (避難行動要支援者 named directly)
        (MINE, "352136/cwp3-g2-p2-d1"),
        # line 1644 避難行動要支援者名簿の整備, line 1645 個別避難計画の作成 (directly)
        (MINE, "352136/cwp3-g2-p2-d1-a05"),
        (MINE, "352136/cwp3-g2-p2-d1-a06"),
        # line 1646 福祉避難所の充実 (要配慮者)
        (MINE, "352136/cwp3-g2-p2-d1-a07"),
        # line 1618 role: 災害時の要援護者情報の共有化; line 1632 role: 災害時要援護者登録制度 (災害時要援護者)
        (MINE, "352136/cwp3-g2-p2-d1-r09"),
        (MINE, "352136/cwp3-g2-p2-d1-r14"),
        # line 1538 民生委員・児童委員の活動支援 (要援護者台帳); line 1783 role 要援護者情報の共有化を支援;
        # line 1789 要援護者マップの充実 (災害時要援護者)
        (MINE, "352136/cwp3-g2-p1-d2-a06"),
        (MINE, "352136/cwp3-g2-p3-d2-r12"),
        (MINE, "352136/cwp3-g2-p3-d2-a02"),
        # Not line 1009 (コミュニティソーシャルワーカー…「制度の狭間にある相談者や要支援者の見守り」): there
        # 要支援者 means people the welfare system misses, not people who need help to evacuate.
    }
    # 相模原市 and 小田原市 have no element for the group (小田原市 names 災害時要配慮者 only on 基本目標4,
    # seed 001 line 48), so they return no rows.
    assert {r["city"] for r in rows} == {MUNI + "082368", MUNI + "402036", MUNI + "352136"}
    labels = {r["measure"].removeprefix(ID): r["measureLabel"] for r in rows}
    assert labels["352136/cwp3-g2-p2-d1-a05"] == "避難行動要支援者名簿の整備"


def test_plans(ask):
    rows = ask("plans")
    got = {
        (r["plan"].removeprefix(ID), r.get("planType", "").rsplit("#")[-1], r.get("startYear"), r.get("endYear"))
        for r in rows
    }
    assert got == {
        # 小美玉市: 令和8年度–令和12年度 (seed 000 line 35), shared by the three plans made with it (lines 41-48)
        ("082368/cwp4", "CommunityWelfarePlan", "2026", "2030"),
        ("082368/gpp", "GuardianshipPromotionPlan", "2026", "2030"),
        ("082368/rpp", "RecidivismPreventionPlan", "2026", "2030"),
        ("082368/msp", "MultilayeredSupportPlan", "2026", "2030"),
        # 相模原市: 令和6年度–令和11年度 (seed 002 line 95); the 第10次 活動計画 states no period (line 89)
        ("141500/cwp5", "CommunityWelfarePlan", "2024", "2029"),
        ("141500/gpp", "GuardianshipPromotionPlan", "2024", "2029"),
        ("141500/rpp", "RecidivismPreventionPlan", "2024", "2029"),
        ("141500/cwap10", "CommunityWelfareActivityPlan", None, None),
        # 小田原市: the text states neither the plan's kind nor its period (seed 001 lines 28, 53, 59: it
        # speaks as the 市社協 and calls itself only 「第4期計画」): a plain fk:Plan, listed with its kind not stated
        ("142069/cwp4", "", None, None),
        # 久留米市: R8~R12 (seed 003 line 38) for the plan and what it contains; 第1期 R2~R7 (line 40)
        ("402036/cwp4", "CommunityWelfarePlan", "2026", "2030"),
        ("402036/cwap7", "CommunityWelfareActivityPlan", "2026", "2030"),
        ("402036/msp", "MultilayeredSupportPlan", "2026", "2030"),
        ("402036/rpp", "RecidivismPreventionPlan", "2026", "2030"),
        ("402036/gpp", "GuardianshipPromotionPlan", "2026", "2030"),
        ("402036/plan1", "CommunityWelfarePlan", "2020", "2025"),
        # 美祢市: 令和7年度–令和11年度 (seed 004 line 254); the 第2次 plan (line 48) is both kinds, no period
        ("352136/cwp3", "CommunityWelfarePlan", "2025", "2029"),
        ("352136/cwap3", "CommunityWelfareActivityPlan", "2025", "2029"),
        ("352136/rpp", "RecidivismPreventionPlan", "2025", "2029"),
        ("352136/cwp2", "CommunityWelfarePlan", None, None),
        ("352136/cwp2", "CommunityWelfareActivityPlan", None, None),
    }
    assert len(rows) == 20
    assert {r["cityLabel"] for r in rows} == {OMITAMA, SAGAMIHARA, ODAWARA, MINE, KURUME}
    # a plan of unknown kind is still a plan: its kind shows as not stated; a typed one shows its class's label
    labels = {(r["plan"].removeprefix(ID), r["planTypeLabel"]) for r in rows}
    assert ("142069/cwp4", "記載なし") in labels and ("141500/rpp", "再犯防止推進計画") in labels


def test_integrated_plans(ask):
    rows = ask("integrated-plans")
    got = {(r["cityLabel"], r["integratedPlan"].removeprefix(ID), r["provisionLabel"]) for r in rows}
    gpp, rpp, msp = "成年後見制度の利用の促進に関する法律", "再犯の防止等の推進に関する法律", "社会福祉法 第106条の5"
    assert got == {
        # seed 000 lines 41-48: the plan and the three statutory plans made with it
        (OMITAMA, "082368/cwp4", "社会福祉法 第107条"),
        (OMITAMA, "082368/gpp", gpp + " 第14条"),
        (OMITAMA, "082368/rpp", rpp + " 第8条"),
        (OMITAMA, "082368/msp", msp),
        # seed 002 lines 28-30, 48-50: 成年後見 and 再犯防止 as new 重点 items of the same plan
        (SAGAMIHARA, "141500/cwp5", "社会福祉法 第107条"),
        (SAGAMIHARA, "141500/gpp", gpp + " 第14条"),
        (SAGAMIHARA, "141500/rpp", rpp + " 第8条"),
        # seed 001: one plan whose legal basis the text does not state (lines 28, 53, 59): no row
        # seed 003 lines 25-31: 地域福祉計画 and 活動計画 together, containing three statutory plans
        (KURUME, "402036/cwp4", "社会福祉法 第107条"),
        # 402036/cwap7: line 25 calls it only 「市社協の計画」, no article: legal basis unstated, no row
        (KURUME, "402036/msp", msp),
        (KURUME, "402036/rpp", rpp + " 第8条"),
        (KURUME, "402036/gpp", gpp + " 第14条第1項"),
        # seed 004 lines 232-243: 地域福祉計画・活動計画, with the 再犯防止推進計画 (第8条第1項) inside
        (MINE, "352136/cwp3", "社会福祉法 第107条"),
        (MINE, "352136/cwap3", "社会福祉法 第109条"),
        (MINE, "352136/rpp", rpp + " 第8条第1項"),
    }
    assert {r["document"].removeprefix(ID) for r in rows} == {
        # 142069/document: its one plan has no stated legal basis (seed 001 lines 28, 53, 59)
        f"{c}/document"
        for c in ("082368", "141500", "402036", "352136")
    }


def test_basic_philosophy(ask):
    got = {(r["cityLabel"], r["philosophy"]) for r in ask("basic-philosophy")}
    assert got == {
        (OMITAMA, "ぬくもりあふれるまちづくり"),  # seed 000 line 9
        (SAGAMIHARA, "みんなで支えあい 地域の力が育む 人にやさしいまち さがみはら"),  # seed 002 lines 140-143
        (ODAWARA, "すべての人が安心して暮らせるまちづくり"),  # seed 001 lines 5-17
        (KURUME, "みんなでつくる 支え合うこころあふれるまち くるめ"),  # めざす姿, seed 003 line 90
        (KURUME, "支え合うこころあふれるまち くるめ"),  # the first plan's, seed 003 line 43
        (MINE, "共に支えあい、共に生きる福祉のまちづくり"),  # seed 004 lines 742-752
    }


def test_plan_structure(ask):
    got = {
        r["plan"].removeprefix(ID): (int(r["goalCount"]), int(r["policyCount"]), int(r["measureCount"]))
        for r in ask("plan-structure")
    }
    assert got == {
        # 小美玉市: 3 基本目標, 12 基本施策, measures none (the summary stops at 施策の方向, lines 92-109); 基本施策
        # 1, 5 and 6 of goal 2 make up the 重層 / 成年後見 / 再犯防止 plans (lines 75, 79, 80)
        "082368/cwp4": (3, 12, 0),
        "082368/msp": (0, 1, 0),
        "082368/gpp": (0, 1, 0),
        "082368/rpp": (0, 1, 0),
        # 相模原市: 3 基本目標, 10 施策の方向性 + 2 重点的な取組事項 (policies); 6 measures under 重点 (1) and
        # 3 + 4 + 3 主な取組 (lines 160, 176, 194); 成年後見: 3 重点的な取組 with 7 主な取組 (lines 34-46);
        # 再犯防止: 3 主な取組内容 (lines 55-57)
        "141500/cwp5": (3, 12, 16),
        "141500/gpp": (0, 3, 7),
        "141500/rpp": (0, 0, 3),
        # 小田原市: 4 基本目標, 9 行動計画, 32 numbered 取組 (①…) in the 役割・取組 tables (lines 67-92)
        "142069/cwp4": (4, 9, 32),
        # 久留米市: 6 取組項目, directions only; the first plan has only its philosophy
        "402036/cwp4": (0, 6, 0),
        "402036/plan1": (0, 0, 0),
        # the 地域福祉活動計画 made together with it as one プラン (line 25) shares the whole structure
        "402036/cwap7": (0, 6, 0),
        # 美祢市: 3 基本目標, 8 基本施策, 208 具体的取組 (goal1 91, goal2 73, goal3 44); the 再犯防止推進計画 is
        # 施策③ of 基本施策3 (line 1243) with its 22 具体的取組 (2 社協 + 20 行政)
        "352136/cwp3": (3, 8, 208),
        "352136/rpp": (0, 0, 22),
        # the 地域福祉活動計画 is made together with it in one structure (lines 232-234: 「2つの計画を一体的につくる」)
        "352136/cwap3": (3, 8, 208),
    }


def test_measures(ask):
    rows = ask("measures")
    per_city = Counter()
    for measure in {(r["cityLabel"], r["measure"]) for r in rows}:
        per_city[measure[0]] += 1
    # 相模原市 26 (16 + 7 + 3, see test_plan_structure), 小田原市 32, 美祢市 208; 小美玉市 and 久留米市 have none.
    assert per_city == {SAGAMIHARA: 26, ODAWARA: 32, MINE: 208}
    # Rows: 相模原市 names no actor (one row each); 小田原市's 取組 are 市社協's and the partners' (two rows each);
    # 美祢市's 社協 rows have one actor, its 行政 rows one row per 担当課 (a06 has 福祉課 and 総務課).
    assert Counter(r["cityLabel"] for r in rows) == {SAGAMIHARA: 26, ODAWARA: 64, MINE: 230}
    by_measure = {}
    for r in rows:
        by_measure.setdefault(r["measure"].removeprefix(ID), set()).add(
            (r.get("actorLabel"), r.get("departmentLabel"), r["source"])
        )
    source = "004_cbbcddac45a49502.txt"
    assert by_measure["352136/cwp3-g2-p2-d1-a06"] == {  # seed 004 line 1645, 担当課 福祉課・総務課
        (MINE, "福祉課", f"{source}:1645-1645"),
        (MINE, "総務課", f"{source}:1645-1645"),
    }
    assert by_measure["352136/cwp3-g1-p1-d1-s01"] == {(MINE + "社会福祉協議会", None, f"{source}:895-895")}
    assert by_measure["142069/cwp4-g1-p2-mg1-m04"] == {  # seed 001 line 68 ④成年後見制度中核機関の設置運営
        ("小田原市社会福祉協議会", None, "001_555f581b915578d9.txt:68-68"),
        ("福祉施設・団体、企業など", None, "001_555f581b915578d9.txt:68-68"),
    }
    assert by_measure["141500/gpp-pi3-m02"] == {(None, None, "002_2eda7bc2a2056d9b.txt:46-46")}


def test_measures_by_department(ask):
    got = {(r["cityLabel"], r["departmentLabel"]): int(r["measureCount"]) for r in ask("measures-by-department")}
    # Counted from the fk:responsibleDepartment values in data/municipalities/352136-mine/goal*.ttl (the 担当課
    # column of the 行政 tables, seed 004 lines 908-2129).
    assert got == {
        (MINE, "福祉課"): 68,
        (MINE, "子育て支援課"): 13,
        (MINE, "総務課"): 11,
        (MINE, "健康増進課"): 10,
        (MINE, "地域振興課"): 9,
        (MINE, "学校教育課"): 9,
        (MINE, "生涯学習スポーツ推進課"): 9,
        (MINE, "商工労働課"): 5,
        (MINE, "建設課"): 4,
        (MINE, "関係各課"): 4,
        (MINE, "消防本部"): 2,
        (MINE, "農林課"): 2,
        (MINE, "関係課"): 2,
        (MINE, "デジタル推進課"): 1,
        (MINE, "地方創生推進室"): 1,
        (MINE, "市民課"): 1,
    }


def test_multilayered_support_coverage(ask):
    rows = ask("multilayered-support-coverage")
    got = {(r["cityLabel"], r["functionLabel"]): int(r["measureCount"]) for r in rows}
    assert len(got) == 25  # every city × the five functions
    consultation, participation, community, outreach, multi = (
        "包括的相談支援",
        "参加支援",
        "地域づくりに向けた支援",
        "アウトリーチ等を通じた継続的支援",
        "多機関協働",
    )
    # Derived from data/annotations/decisions.tsv (the annotator's proposals as decided), element by element.
    expected = {
        # 小美玉市 (seed 000): the five 施策の方向 of line 100, one per function; 基本施策「情報提供体制の充実・
        # 包括的な相談支援」 (line 101) reaches neither child: 情報提供の充実 is the other half of the
        # two-part heading and 民生委員・児童委員等との連携 has no consultation word of its own (a function's
        # heading reaches a child only with support in the child's words); 基本施策「地域でのふれあい、
        # 交流の場づくり」 (line 97) files its three directions under 交流の場 (地域づくり).
        OMITAMA: {consultation: 1, participation: 1, community: 4, outreach: 1, multi: 1},
        # 相模原市 (seed 002): 重点 (1) ①相談支援 (line 9, the three 重層 supports of line 7) and line 11 (相談+多機関);
        # ②地域づくりへの支援 (line 14) and its measures (16, 17); ③参加支援 (19) and measures 21-22 (21 also names
        # 地域づくり支援); line 160 多機関が連携した支援の充実; 福祉コミュニティ (cwp5-g1-m02, on its own words).
        SAGAMIHARA: {consultation: 2, participation: 3, community: 5, outreach: 0, multi: 2},
        # 小田原市 (seed 001): under 行動計画 (1)「多機関協働による包括的な支援体制の推進」 (line 62) the directions
        # d1 (多機関協働), d2 (重層的支援会議) on their words (d5, d6 have no word of it, so the heading does not
        # reach them); measures
        # ① (各種相談機関の連携) and ③ (相談支援包括化推進会議) of line 67 on their words. d3 (総合相談),
        # d4 (伴走支援 → アウトリーチ) and ② (アウトリーチ) name another function, so the heading does not
        # reach them; the residents' roles of
        # line 67 are rejected with their reason. 包括的相談支援: 総合相談体制 (62), 福祉まるごと相談 (67);
        # アウトリーチ: d1, d4, ② (62, 67); 参加支援事業 (67); 交流の場 (77), 居場所づくり (82), 住民交流活動 (82),
        # 交流できる場 (89), 生活支援体制整備事業 (89, 90: a 地域づくり事業 of the 重層 project),
        # サロン活動 (77, 89, 92).
        ODAWARA: {consultation: 2, participation: 1, community: 9, outreach: 3, multi: 4},
        # 美祢市 (seed 004): 重層的支援体制の整備 (857-869: 相談支援・参加支援・地域づくりに向けた支援); 総合相談
        # (895, 909, 911, 914), 包括的な相談窓口 (1222), 総合相談 (1014); 相談支援包括化推進員 / 多機関協働 (895-917,
        # 1009) and 重層的支援体制整備事業における支援会議 (a05); アウトリーチ (898, 918, 1009, 1111); 参加支援
        # (1023, 1446); 交流の場・居場所・地域づくりに向けた支援・地域づくり事業 (1001, 1416-1488); 交流の機会・
        # 交流できる機会・交流できる場・集いの場・地域交流 (992, 1430, 1437, 1458, 1464, 1864, 1999); 生活支援体制
        # 整備事業 (1015, 1176, 1559, 1571); サロン活動 (1451, 1474, 1475); 自立相談支援機関 (896, 916: 包括的相談支援
        # 事業の一つ); 相談内容の多分野間での共有化 (888, 903: 多機関協働); 地域包括支援センターに
        # 相談窓口 (910, 1125) and 総合的な相談 (1317): consultation at a service of 包括的相談支援事業;
        # 地域子育て支援拠点 (1481: a 地域づくり事業); 寄り添う支援 / 伴走 (outreach; アウトリーチの在り方 as
        # a training topic is not outreach); チームアプローチ (1111: 多機関協働).
        MINE: {consultation: 12, participation: 3, community: 26, outreach: 5, multi: 9},
        # 久留米市 (seed 003): 施策「見守り活動・交流の場や居場所づくりの推進」 files line 108 (交流) under 交流の場,
        # not line 107 (多様な見守り活動: the other half of the heading); 施策「包括的な相談支援の推進」
        # does not reach line 111 (its words 地域住民等と協働した支援体制整備 name no consultation), while
        # line 112 names 伴走型支援 (アウトリーチ等を通じた継続的支援) on its own words.
        KURUME: {consultation: 0, participation: 0, community: 1, outreach: 1, multi: 0},
    }
    assert got == {(city, fn): n for city, counts in expected.items() for fn, n in counts.items()}


def test_recidivism_measures(ask):
    rows = ask("recidivism-measures")
    got = Counter((r["cityLabel"], r["priorityLabel"]) for r in rows)
    assert got == {
        # 小美玉市: 基本施策6 (1)(2)(3), seed 000 line 105
        (OMITAMA, "就労・住居の確保等"): 1,
        (OMITAMA, "民間協力者の活動の促進等"): 1,
        (OMITAMA, "地域による包摂の推進"): 1,
        # 相模原市: the three 【】 headings, seed 002 lines 58-59
        (SAGAMIHARA, "就労・住居の確保等"): 1,
        (SAGAMIHARA, "保健医療・福祉サービスの利用の促進等"): 1,
        (SAGAMIHARA, "学校等と連携した修学支援の実施等"): 1,
        # 美祢市: 施策③ 再犯防止のための支援 (seed 004 lines 1243-1398), as decided in data/annotations/decisions.tsv.
        # The イ–オ headings (fk:MeasureGroup gb–ge, e.g. line 1306 就労・住居の確保支援) are not action elements.
        # Every item naming 保護司・更生保護・協力雇用主 is 民間協力者 (e.g. 1266 r07 更生保護に係る情報提供, 1273 s01
        # 協力雇用主制度, 1286 r13 保護司会や更生保護女性会), and every item naming 包摂 is 地域による包摂. The role
        # r09 (1268, 「保健・医療・福祉の支援を必要とする人に…適切なサービス利用」) is 保健医療・福祉サービス.
        (MINE, "就労・住居の確保等"): 7,
        (MINE, "保健医療・福祉サービスの利用の促進等"): 5,
        # r11 (1284, 非行の未然防止…立ち直りを支える) is 修学支援の実施等 too, and r02 (1258,
        # 地域全体で…立ち直りを支える) is 地域による包摂.
        (MINE, "学校等と連携した修学支援の実施等"): 6,
        (MINE, "民間協力者の活動の促進等"): 14,
        (MINE, "地域による包摂の推進"): 4,
    }
    pairs = {(r["measure"].removeprefix(ID), r["priorityLabel"]) for r in rows}
    assert ("352136/cwp3-g1-p3-d3-a15", "民間協力者の活動の促進等") in pairs  # 保護司の確保への支援
    assert ("352136/cwp3-g1-p3-d3-a17", "地域による包摂の推進") in pairs  # 地域福祉による包摂の推進: both
    assert ("352136/cwp3-g1-p3-d3-a17", "民間協力者の活動の促進等") in pairs
    # 久留米市's plan is contained in its プラン but no element is part of it: no rows.
    assert KURUME not in {r["cityLabel"] for r in rows}


def test_guardianship_measures(ask):
    rows = ask("guardianship-measures")
    got = {(r["cityLabel"], r["measure"].removeprefix(ID)) for r in rows}
    per_city = Counter(city for city, _ in got)
    # 小美玉市 基本施策5 (1)-(4), seed 000 line 104; 相模原市 the 7 主な取組 of its 成年後見 plan (lines 34-46);
    # 小田原市 行動計画(2) directions (line 63) and 取組 ①②③④ (line 68: ① 日常生活自立支援事業 serves people
    # whose judgement is not sufficient, as 美祢市's plan says of the same project, seed 004); 久留米市 権利擁護支援
    # (line 103);
    # 美祢市 施策① 権利擁護や成年後見制度 (lines 1035-1080: the direction itself, which names 権利擁護 and 成年後見,
    # and its items) and the 権利擁護 role under 施策② (虐待).
    assert per_city == {OMITAMA: 4, SAGAMIHARA: 7, ODAWARA: 6, KURUME: 1, MINE: 15}
    assert (ODAWARA, "142069/cwp4-g1-p2-mg1-m04") in got  # 成年後見制度中核機関の設置運営 (tp:core-agency)
    assert (ODAWARA, "142069/cwp4-g1-p2-mg1-m01") in got  # 日常生活自立支援事業 (判断能力が不十分な人), as in 美祢市
    assert (MINE, "352136/cwp3-g1-p2-d1-a02") in got  # 成年後見制度市長申立の実施
    assert (OMITAMA, "082368/cwp4-g2-p5-d4") in got  # 地域連携ネットワークづくり (topic only)
    assert (KURUME, "402036/cwp4-p2-d1") in got


def test_indicators(ask):
    got = {
        r["indicatorLabel"]: (float(r["target"]), float(r["actual"]), r["unit"], r["achieved"])
        for r in ask("indicators")
    }
    # 久留米市's first plan, seed 003 lines 59-64 (line 57: most were not achieved).
    assert got == {
        "地域での支え合いや助け合いが充実していると感じる市民の割合": (70.0, 61.3, "%", "false"),
        "地域での見守り訪問活動件数(ふれあいの会による訪問活動件数)": (296000.0, 248933.0, "件", "false"),
        "生活自立支援センターの新規相談受付件数": (1020.0, 1181.0, "件", "true"),
        "助けを求めることができる人がいる市民の割合": (87.0, 82.8, "%", "false"),
        "困っている人の相談にのることができる市民の割合": (29.0, 23.8, "%", "false"),
    }


def test_spheres(ask):
    got = {(r["cityLabel"], r["sphereLabel"], r.get("broaderSphereLabel")) for r in ask("spheres")}
    assert got == {
        (ODAWARA, "日常生活圏域", None),  # seed 001 line 33
        (KURUME, "圏域", None),  # seed 003 line 121: nesting not stated
        (KURUME, "校区", None),  # seed 003 line 34
        # 美祢市 圏域のイメージ (seed 004 lines 786-806) and the series of line 782
        (MINE, "市全域", None),
        (MINE, "福祉圏域", "市全域"),
        (MINE, "住民主体地域活動圏域", "福祉圏域"),
        (MINE, "共助活動圏域", "住民主体地域活動圏域"),
        (MINE, "隣近所", "共助活動圏域"),
        (MINE, "隣近所", "行政区"),
        (MINE, "行政区", "校区"),
        (MINE, "校区", "市全域"),
    }


def in_year(year):
    return lambda text: text.replace("VALUES ?fiscalYear { UNDEF }", f"VALUES ?fiscalYear {{ {year} }}")


def test_plans_in_force(ask):
    got = {(r["cityLabel"], r["plan"].removeprefix(ID)) for r in ask("plans-in-force", edit=in_year(2025))}
    # FY2025 = 令和7年度: 相模原市 R6-R11, 美祢市 R7-R11, 久留米市's first plan R2-R7; 小美玉市 and the second
    # 久留米 plan start in R8.
    assert got == {
        (SAGAMIHARA, "141500/cwp5"),
        (SAGAMIHARA, "141500/gpp"),
        (SAGAMIHARA, "141500/rpp"),
        (MINE, "352136/cwp3"),
        (MINE, "352136/cwap3"),
        (MINE, "352136/rpp"),
        (KURUME, "402036/plan1"),
    }


def test_plans_in_force_asks_about_this_fiscal_year_by_default(ask):
    """No year fixed in the query: without a VALUES year it is today's fiscal year (April to March)."""
    import datetime

    today = datetime.datetime.now(datetime.UTC)
    fiscal = today.year - (1 if today.month < 4 else 0)
    default = ask("plans-in-force")
    assert {r["year"] for r in default} <= {str(fiscal)}
    assert [r["plan"] for r in default] == [r["plan"] for r in ask("plans-in-force", edit=in_year(fiscal))]
    assert {r["plan"] for r in ask("plans-in-force", edit=in_year(2026))} != {
        r["plan"] for r in ask("plans-in-force", edit=in_year(2025))
    }


def test_reviewer_judgements(ask):
    """data/compliance/judgements.tsv holds one judgement, of the plan's type: 小田原市's document speaks as the
    市社協 (seed 001 line 28 names 「小田原市及び法律専門職等」 as a partner; lines 59 and 66: a role table with no
    行政 column), so it is a 社協 地域福祉活動計画 that the municipal duties do not bind. It governs every one of
    the document's cells: each requirement once, automatically undeterminable, not applicable after review."""
    from server.compliance.requirements import requirements

    rows = ask("compliance/reviewer-judgements")
    assert {r["requirementId"] for r in rows} == {r.key for r in requirements()}
    assert len(rows) == len(requirements())
    for row in rows:
        assert (row["cityLabel"], row["automaticVerdict"], row["verdict"]) == (
            ODAWARA,
            "undeterminable",
            "not-applicable",
        )
        assert row["date"] == "2026-12-04"
        assert "（28行）" in row["reason"] and "（66行）" in row["reason"]


def test_requirement_verdicts(ask, published_dir):
    """The cells per municipality, verdict and severity are the tally of the compliance matrix evaluated from the
    published graph (server.compliance.graphs.published_matrix, what /compliance shows), and every municipality
    with a plan document has one cell per requirement. 小田原市's 28 cells are all not applicable (the judgement
    above)."""
    from server.compliance.graphs import published_matrix
    from server.compliance.requirements import requirements

    rows = ask("compliance/requirement-verdicts")
    got = {(r["city"], r["verdict"], r["severity"]): int(r["cells"]) for r in rows}
    tally = Counter()
    for row in published_matrix(published_dir).rows:
        for cell in row.cells.values():
            tally[(row.municipality, cell.verdict, cell.severity)] += 1
    assert got == dict(tally)
    per_city = Counter()
    for (city, _, _), n in got.items():
        per_city[city] += n
    assert set(per_city.values()) == {len(requirements())}
    assert {k: n for k, n in got.items() if k[0] == MUNI + "142069"} == {
        (MUNI + "142069", "not-applicable", "info"): len(requirements())
    }
