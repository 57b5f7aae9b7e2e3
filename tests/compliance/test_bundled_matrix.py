"""The bundled plans' matrix, cell by cell, against an expected matrix re-derived from the seeds.

Each expected cell gives (verdict, severity) and, in its comment, the seed lines that decide it:
the lines the evidence quotes for present/partial, and for undeterminable the line that shows the
document is a summary, outline or excerpt. The JSON contract and the quotes are checked here too.
"""

import re

import pytest
from compliance_cases import CONTRACT_IDS

from server.compliance.evaluate import SEVERITIES, VERDICTS
from server.compliance.render import to_dict
from server.paths import SOURCES_DIR

EXPECTED = {
    "082368": {
        "swa-107-1-2": ("present", "info"),  # seed 000: 76 情報提供, 77 福祉サービス, 101 情報提供, 102 福祉サービス …
        "swa-107-1-3": ("present", "info"),  # seed 000: 98 介護人材, 109 社会福祉法人
        "swa-107-1-4": ("present", "info"),  # seed 000: 84 住民主体, 98 ボランティア
        # seed 000: 70 包括的な支援体制, 75 重層的支援, 76 包括的な相談, 100 包括的相談 …
        "swa-107-1-5": ("present", "info"),
        "swa-107-2": ("undeterminable", "info"),  # summary: 「（案）【概要版】」 (seed 000 line 3) does not mention it
        "swa-107-3": ("undeterminable", "info"),  # summary: 「（案）【概要版】」 (seed 000 line 3) does not mention it
        "swa-107-gl-disaster": ("present", "info"),  # seed 000: 108 要支援者の避難
        # seed 000: 76 包括的な相談支援, 100 包括的相談支援, 100 参加支援, 64 居場所 …
        "swa-106-5": ("present", "info"),
        # summary: 「（案）【概要版】」 (seed 000 line 3) mentions neither how views were heard nor publication
        "swa-106-5-2": ("undeterminable", "info"),
        "swa-106-5-4": ("undeterminable", "info"),
        "rpa-8-np-employment-housing": ("present", "info"),  # seed 000: 105 住居
        # summary: 「（案）【概要版】」 (seed 000 line 3) does not mention it
        "rpa-8-np-health-welfare": ("undeterminable", "info"),
        # summary: 「（案）【概要版】」 (seed 000 line 3) does not mention it
        "rpa-8-np-schooling": ("undeterminable", "info"),
        "rpa-8-np-private-cooperators": ("present", "info"),  # seed 000: 105 民間協力者
        "rpa-8-np-community-inclusion": ("present", "info"),  # seed 000: 105 包括的な支援体制
        "gpa-14": ("present", "info"),  # seed 000: 79 成年後見, 104 成年後見
        "gpa-14-2": ("undeterminable", "info"),  # summary: 「（案）【概要版】」 (seed 000 line 3) does not mention it
        "gpa-14-np-network": ("present", "info"),  # seed 000: 104 地域連携ネットワーク
        # summary: 「（案）【概要版】」 (seed 000 line 3) does not mention it
        "gpa-14-np-core-agency": ("undeterminable", "info"),
        # summary: 「（案）【概要版】」 (seed 000 line 3) does not mention it
        "gpa-14-np-guardian-supply": ("undeterminable", "info"),
        # summary: 「（案）【概要版】」 (seed 000 line 3) does not mention it
        "gpa-14-np-mayor-petition": ("undeterminable", "info"),
        "dca-49-14": ("partial", "info"),  # seed 000: 108 避難支援; not shown: 個別避難計画
        # issue 20: seed 000: 73 分野を超え is the only passage: a single signal is a point to confirm
        "swa-107-1-1": ("present", "warning"),
        # issue 20: seed 000: 80 再犯 (the heading 6. 再犯防止の推進) is the only passage: a single signal
        "rpa-8": ("present", "warning"),
        # issue 20: seed 000: 108 要支援者の避難支援体制づくり counts in part for 49-10 as for 49-14 (same words)
        "dca-49-10": ("partial", "info"),
        # issue 20: seed 000: 41, 47 the 実施計画 is made as one with the welfare plan (一体的に策定)
        "swa-106-5-3": ("present", "info"),
        # summary: 「（案）【概要版】」 (seed 000 line 3) does not mention it
        "gpa-14-1-2": ("undeterminable", "info"),
        # summary: publication can only be shown once the plan is made (seed 000 line 3)
        "rpa-8-2": ("undeterminable", "info"),
    },
    "141500": {
        "swa-107-1-1": ("present", "info"),  # seed 002: 12 横断的, 182 世代や分野
        "swa-107-1-3": ("present", "info"),  # seed 002: 172 福祉人材, 176 専門職, 184 福祉施設
        "swa-107-1-4": ("present", "info"),  # seed 002: 26 参画, 43 担い手, 164 参画, 171 担い手 …
        "swa-107-1-5": ("present", "info"),  # seed 002: 5 包括的な支援体制, 11 包括的な相談
        "swa-107-2": ("undeterminable", "info"),  # summary: 「…の概要」 (seed 002 lines 75-77) does not mention it
        # summary: 「…の概要」 (seed 002 lines 75-77) does not mention it
        "swa-107-gl-disaster": ("undeterminable", "info"),
        "swa-106-5": ("not-applicable", "info"),  # no plan of this kind in the document
        "swa-106-5-2": ("not-applicable", "info"),  # no 重層 plan in the document
        "swa-106-5-4": ("not-applicable", "info"),  # no 重層 plan in the document
        "rpa-8": ("present", "info"),  # seed 002: 48 再犯, 55 立ち直り
        "rpa-8-np-employment-housing": ("present", "info"),  # seed 002: 58 住居
        "rpa-8-np-health-welfare": ("present", "info"),  # seed 002: 58 保健医療
        "rpa-8-np-schooling": ("present", "info"),  # seed 002: 59 学校
        # summary: 「…の概要」 (seed 002 lines 75-77) does not mention it
        "rpa-8-np-private-cooperators": ("undeterminable", "info"),
        "rpa-8-np-community-inclusion": ("present", "info"),  # seed 002: 50 地域の理解
        "gpa-14": ("present", "info"),  # seed 002: 28 成年後見, 34 成年後見, 36 成年後見
        "gpa-14-2": ("undeterminable", "info"),  # summary: 「…の概要」 (seed 002 lines 75-77) does not mention it
        # summary: 「…の概要」 (seed 002 lines 75-77) does not mention it
        "gpa-14-np-network": ("undeterminable", "info"),
        "gpa-14-np-core-agency": ("present", "info"),  # seed 002: 38 中核機関
        "gpa-14-np-guardian-supply": ("present", "info"),  # seed 002: 43 担い手, 45 市民後見, 46 後見人
        # summary: 「…の概要」 (seed 002 lines 75-77) does not mention it
        "gpa-14-np-mayor-petition": ("undeterminable", "info"),
        "dca-49-10": ("undeterminable", "info"),  # summary: 「…の概要」 (seed 002 lines 75-77) does not mention it
        "dca-49-14": ("undeterminable", "info"),  # summary: 「…の概要」 (seed 002 lines 75-77) does not mention it
        # issue 20: seed 002: 147, 156 「福祉サービスを充実」 is supply, not appropriate use; 58 is the 再犯
        # plan's heading
        "swa-107-1-2": ("partial", "info"),
        # issue 20: seed 002: 98 「※3年ごとに見直し」 shows the review limb; evaluation not in the summary
        "swa-107-3": ("partial", "info"),
        # no 重層 plan in the document
        "swa-106-5-3": ("not-applicable", "info"),
        # summary: 「…の概要」 (seed 002 lines 75-77) does not mention it
        "gpa-14-1-2": ("undeterminable", "info"),
        # summary: publication can only be shown once the plan is made (seed 002 lines 75-77)
        "rpa-8-2": ("undeterminable", "info"),
    },
    "142069": {
        # issue 20: the reviewer reads seed 001 as the 市社協's 地域福祉活動計画 (lines 28, 59, 66; data/compliance/
        # judgements.tsv): no municipal duty binds it, every cell is not applicable
        "swa-107-1-1": ("not-applicable", "info"),
        "swa-107-1-2": ("not-applicable", "info"),
        "swa-107-1-3": ("not-applicable", "info"),
        "swa-107-1-4": ("not-applicable", "info"),
        "swa-107-1-5": ("not-applicable", "info"),
        "swa-107-2": ("not-applicable", "info"),
        "swa-107-3": ("not-applicable", "info"),
        "swa-107-gl-disaster": ("not-applicable", "info"),
        "swa-106-5": ("not-applicable", "info"),
        "swa-106-5-2": ("not-applicable", "info"),
        "swa-106-5-4": ("not-applicable", "info"),
        "rpa-8": ("not-applicable", "info"),
        "rpa-8-np-employment-housing": ("not-applicable", "info"),
        "rpa-8-np-health-welfare": ("not-applicable", "info"),
        "rpa-8-np-schooling": ("not-applicable", "info"),
        "rpa-8-np-private-cooperators": ("not-applicable", "info"),
        "rpa-8-np-community-inclusion": ("not-applicable", "info"),
        "gpa-14": ("not-applicable", "info"),
        "gpa-14-2": ("not-applicable", "info"),
        "gpa-14-np-network": ("not-applicable", "info"),
        "gpa-14-np-core-agency": ("not-applicable", "info"),
        "gpa-14-np-guardian-supply": ("not-applicable", "info"),
        "gpa-14-np-mayor-petition": ("not-applicable", "info"),
        "dca-49-10": ("not-applicable", "info"),
        "dca-49-14": ("not-applicable", "info"),
        "swa-106-5-3": ("not-applicable", "info"),
        "gpa-14-1-2": ("not-applicable", "info"),
        "rpa-8-2": ("not-applicable", "info"),
    },
    "352136": {
        "swa-107-1-1": ("present", "info"),  # seed 004: 861 横断的, 1009 制度の狭間, 1211 制度の狭間, 1230 分野横断 …
        # seed 004: 760 福祉サービス, 922 福祉サービス, 933 福祉サービス, 941 サービスの利用 …
        "swa-107-1-2": ("present", "info"),
        "swa-107-1-3": ("present", "info"),  # seed 004: 1015 専門職, 1051 事業者, 1052 事業者, 1062 専門職 …
        # seed 004: 776 地域福祉活動, 867 ボランティア, 946 ボランティア, 955 ボランティア …
        "swa-107-1-4": ("present", "info"),
        # seed 004: 863 包括的な支援体制, 890 重層的支援, 895 総合相談, 897 重層的支援 …
        "swa-107-1-5": ("present", "info"),
        "swa-107-2": ("present", "info"),  # seed 004: 497 アンケート, 632 座談会; 2089 「本計画について周知し」
        "swa-107-3": ("present", "info"),  # seed 004: 2089 点検, 2109 点検, 2115 進捗, 2116 PDCA …
        # seed 004: 1538 要援護者, 1596 避難行動要支援者, 1618 要援護者, 1632 要援護者 …
        "swa-107-gl-disaster": ("present", "info"),
        "swa-106-5": ("not-applicable", "info"),  # no plan of this kind in the document
        "swa-106-5-2": ("not-applicable", "info"),  # no 重層 plan in the document (its own plan: seed 004 277-282)
        "swa-106-5-4": ("not-applicable", "info"),  # no 重層 plan in the document (its own plan: seed 004 277-282)
        "rpa-8": ("present", "info"),  # seed 004: 1183 再犯, 1211 再犯, 1243 再犯, 1258 再犯 …
        "rpa-8-np-employment-housing": ("present", "info"),  # seed 004: 1223 就労, 1224 住居, 1235 就労, 1236 就労 …
        # seed 004: 1267 福祉サービス, 1268 医療, 1290 保健医療, 1314 保健医療 …
        "rpa-8-np-health-welfare": ("present", "info"),
        "rpa-8-np-schooling": ("present", "info"),  # seed 004: 1291 修学, 1322 修学, 1325 学校, 1330 学校 …
        # seed 004: 1275 保護司, 1285 保護司, 1286 保護司, 1292 民間協力者 …
        "rpa-8-np-private-cooperators": ("present", "info"),
        # seed 004: 1195 包括的な支援体制, 1247 包摂, 1258 社会を明るくする運動, 1261 社会を明るくする運動 …
        "rpa-8-np-community-inclusion": ("present", "info"),
        "gpa-14": ("not-applicable", "info"),  # no plan of this kind in the document
        "gpa-14-2": ("not-applicable", "info"),  # no plan of this kind in the document
        "gpa-14-np-network": ("not-applicable", "info"),  # no plan of this kind in the document
        "gpa-14-np-core-agency": ("not-applicable", "info"),  # no plan of this kind in the document
        "gpa-14-np-guardian-supply": ("not-applicable", "info"),  # no plan of this kind in the document
        "gpa-14-np-mayor-petition": ("not-applicable", "info"),  # no plan of this kind in the document
        "dca-49-10": ("present", "info"),  # seed 004: 1632 名簿, 1644 名簿, 1645 名簿
        "dca-49-14": ("present", "info"),  # seed 004: 1645 個別避難計画
        # no 重層 plan in the document (its own plan: seed 004 277-282)
        "swa-106-5-3": ("not-applicable", "info"),
        # no plan of this kind in the document
        "gpa-14-1-2": ("not-applicable", "info"),
        # issue 20: seed 004: 2089 「本計画について周知し」 is the only passage: a single signal
        "rpa-8-2": ("present", "warning"),
    },
    "402036": {
        # seed 003: 103 権利擁護, 111 相談支援; not shown: 福祉サービスの適切な利用の推進
        "swa-107-1-2": ("partial", "info"),
        "swa-107-1-3": ("present", "info"),  # seed 003: 105 社会福祉法人
        "swa-107-1-4": ("present", "info"),  # seed 003: 105 参画, 106 参加機会
        # seed 003: 117 アンケート, 118 アンケート, 121 ワークショップ, 122 意識調査 …; publication only after adoption
        "swa-107-2": ("partial", "info"),
        "swa-107-gl-disaster": ("present", "info"),  # seed 003: 110 避難支援
        # seed 003: 111 包括的な相談支援, 107 居場所; not shown: 参加支援、アウトリーチ等を通じた継続的支援、多機関協働
        "swa-106-5": ("partial", "info"),
        # seed 003: 117 アンケート, 118 アンケート, 121 ワークショップ, 122 意識調査, 124 パブリックコメント; the
        # embodied 重層 plan (line 28) is drafted in the same process
        "swa-106-5-2": ("present", "info"),
        "swa-106-5-4": ("undeterminable", "info"),  # outline: publication can only be shown once the plan is made
        # outline: 「骨子(案)」 (seed 003 line 1) does not mention it
        "rpa-8-np-employment-housing": ("undeterminable", "info"),
        # outline: 「骨子(案)」 (seed 003 line 1) does not mention it
        "rpa-8-np-health-welfare": ("undeterminable", "info"),
        "rpa-8-np-schooling": ("undeterminable", "info"),  # outline: 「骨子(案)」 (seed 003 line 1) does not mention it
        # outline: 「骨子(案)」 (seed 003 line 1) does not mention it
        "rpa-8-np-private-cooperators": ("undeterminable", "info"),
        # outline: 「骨子(案)」 (seed 003 line 1) does not mention it
        "rpa-8-np-community-inclusion": ("undeterminable", "info"),
        "gpa-14-2": ("undeterminable", "info"),  # outline: 「骨子(案)」 (seed 003 line 1) does not mention it
        # outline: 「骨子(案)」 (seed 003 line 1) does not mention it
        "gpa-14-np-guardian-supply": ("undeterminable", "info"),
        # outline: 「骨子(案)」 (seed 003 line 1) does not mention it
        "gpa-14-np-mayor-petition": ("undeterminable", "info"),
        "dca-49-14": ("partial", "info"),  # seed 003: 110 避難支援; not shown: 個別避難計画
        # issue 20: seed 003: 33 「福祉の各分野に共通する事項」 (a statement about the plan); a single signal
        "swa-107-1-1": ("present", "warning"),
        # issue 20: seed 003: 111 包括的な相談 is the only passage: a single signal
        "swa-107-1-5": ("present", "warning"),
        # issue 20: seed 003: 14 評価; the review limb (見直し・変更) is not in the outline
        "swa-107-3": ("partial", "info"),
        # issue 20: seed 003: 30 says the プラン contains the 再犯防止推進計画, none of 98-112 serves it
        "rpa-8": ("undeterminable", "warning"),
        # issue 20: seed 003: 72 (an issue the review sets for the second plan, 66) is the only passage
        "gpa-14": ("present", "warning"),
        # issue 20: seed 003: 72 「地域連携ネットワーク」の整備検討, set for the second plan (66)
        "gpa-14-np-network": ("present", "info"),
        # issue 20: seed 003: 51 中核機関の設置, already set up in the first plan
        "gpa-14-np-core-agency": ("present", "info"),
        # issue 20: seed 003: 110 避難支援 counts in part for 49-10 as for 49-14 (same words)
        "dca-49-10": ("partial", "info"),
        # issue 20: seed 003: 27, 29 the 実施計画 is contained in the プラン with the welfare plan
        "swa-106-5-3": ("present", "info"),
        # outline: 「骨子(案)」 (seed 003 line 1) does not mention it
        "gpa-14-1-2": ("undeterminable", "info"),
        # outline: publication can only be shown once the plan is made
        "rpa-8-2": ("undeterminable", "info"),
    },
}

REQUIREMENT_IDS = CONTRACT_IDS
CELL_KEYS = {
    "municipality",
    "document",
    "requirement",
    "provision",
    "source",
    "addressee",
    "duty",
    "verdict",
    "severity",
    "reason_ja",
    "reason_en",
    "evidence",
    "missing",
    "fix_ja",
}


@pytest.fixture(scope="module")
def data(bundled_matrix):
    return to_dict(bundled_matrix)


def test_every_cell_as_expected(data):
    got = {}
    for cell in data["cells"]:
        got.setdefault(cell["municipality"], {})[cell["requirement"]] = (cell["verdict"], cell["severity"])
    assert got == EXPECTED


def test_json_contract(data):
    ids = {c["requirement"] for c in data["cells"]}
    assert REQUIREMENT_IDS <= ids
    extra = ids - REQUIREMENT_IDS
    allowed = r"(rpa-8-np-|gpa-14-np-)[a-z-]+|gpa-14-2|gpa-14-1-2|rpa-8-2|swa-106-5-[234]|swa-107-gl-[a-z]+"
    assert all(re.fullmatch(allowed, i) for i in extra), extra
    assert len(data["cells"]) == len(data["documents"]) * len(ids)
    for cell in data["cells"]:
        assert CELL_KEYS <= set(cell), cell["requirement"]
        assert re.fullmatch(r"[0-9]{6}", cell["municipality"])
        assert cell["document"].startswith("https://w3id.org/fukushi-kg/id/")
        assert cell["provision"].startswith("https://w3id.org/fukushi-kg/id/law/")
        assert cell["source"] in ("statute", "national-plan", "guideline")
        assert cell["addressee"] in ("plan-content", "plan-process", "municipality")
        assert cell["duty"] in ("mandatory", "statutory-content", "effort", "take-into-account", "recommendation")
        assert cell["verdict"] in VERDICTS and cell["severity"] in SEVERITIES
        assert cell["reason_ja"] and cell["reason_en"]
        for ev in cell["evidence"]:
            assert {"element", "source_file", "start_line", "end_line", "quote"} <= set(ev)
        if cell["verdict"] in ("present", "partial"):
            assert cell["evidence"], cell
        if cell["verdict"] in ("partial", "absent"):
            assert cell["fix_ja"], cell  # what the plan would add, with provision and guideline named
            assert "第" in cell["fix_ja"] and "法" in cell["fix_ja"]
        if cell["verdict"] == "absent" or (cell["verdict"] == "partial" and cell["severity"] != "info"):
            assert cell["missing"], cell
        assert (cell["severity"] == "violation") == (
            cell["duty"] == "mandatory" and cell["addressee"] == "plan-content" and cell["verdict"] == "absent"
        )


def test_effort_duties_and_municipal_duties_are_never_violations(data):
    for cell in data["cells"]:
        if cell["duty"] != "mandatory" or cell["addressee"] == "municipality":
            assert cell["severity"] != "violation"
        if cell["addressee"] == "municipality":
            assert cell["severity"] == "info"


def test_every_quote_is_at_its_cited_lines(data):
    seen = 0
    for cell in data["cells"]:
        for ev in cell["evidence"]:
            lines = (SOURCES_DIR / ev["source_file"]).read_text(encoding="utf-8").splitlines()
            cited = "".join(lines[ev["start_line"] - 1 : ev["end_line"]])
            assert re.sub(r"\s+", "", ev["quote"]) in re.sub(r"\s+", "", cited), ev
            # Signals match on normalised words: the words of the text that matched stand in the quote.
            assert ev["matched"] and re.sub(r"\s+", "", ev["matched"]) in re.sub(r"\s+", "", ev["quote"]), ev
            seen += 1
    assert seen > 100


def test_every_provision_links_to_e_gov(data):
    for r in data["requirements"]:
        assert re.fullmatch(r"[0-9]{3}[A-Z]{2}[0-9]{10}", r["egov_law_id"]), r["id"]
        assert r["egov_url"].startswith(f"https://laws.e-gov.go.jp/law/{r['egov_law_id']}#Mp-At_"), r["id"]
