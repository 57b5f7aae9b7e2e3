"""The bundled plans' matrix, cell by cell, against an expected matrix re-derived from the seeds.

Each expected cell gives (verdict, severity) and, in its comment, the seed lines that decide it:
the lines the evidence quotes for present/partial, and for undeterminable the line that shows the
document is a summary, outline or excerpt. The JSON contract and the quotes are checked here too.
"""

import re

import pytest

from server.compliance.evaluate import SEVERITIES, VERDICTS
from server.compliance.render import to_dict
from server.paths import SOURCES_DIR

EXPECTED = {
    "082368": {
        "swa-107-1-1": ("undeterminable", "info"),  # summary (概要版, seed 000 line 3): silence proves nothing
        "swa-107-1-2": ("present", "info"),  # seed 000 lines 76, 77, 101, 102: 情報提供; 福祉サービス; 苦情
        "swa-107-1-3": ("present", "info"),  # seed 000 lines 98, 109: 介護人材; 社会福祉法人
        "swa-107-1-4": ("present", "info"),  # seed 000 lines 98: ボランティア
        "swa-107-1-5": (
            "present",
            "info",
        ),  # seed 000 lines 70, 75, 76, 100, 105: 包括的な支援体制; 包括的な相談; 包括的相談; 重層的支援
        "swa-107-2": ("undeterminable", "info"),  # summary (概要版, seed 000 line 3): silence proves nothing
        "swa-107-3": ("undeterminable", "info"),  # summary (概要版, seed 000 line 3): silence proves nothing
        "swa-107-gl-disaster": ("present", "info"),  # seed 000 lines 108: 要支援者の避難
        "swa-106-5": (
            "present",
            "info",
        ),  # seed 000 lines 76, 100: アウトリーチ; 包括的な相談支援; 包括的相談支援; 参加支援
        "rpa-8": ("present", "info"),  # seed 000 lines 80: 再犯
        "rpa-8-np-employment-housing": ("present", "info"),  # seed 000 lines 105: 住居
        "rpa-8-np-health-welfare": (
            "undeterminable",
            "info",
        ),  # summary (概要版, seed 000 line 3): silence proves nothing
        "rpa-8-np-schooling": ("undeterminable", "info"),  # summary (概要版, seed 000 line 3): silence proves nothing
        "rpa-8-np-private-cooperators": ("present", "info"),  # seed 000 lines 105: 民間協力者
        "rpa-8-np-community-inclusion": ("present", "info"),  # seed 000 lines 105: 包括的な支援体制
        "gpa-14": ("present", "info"),  # seed 000 lines 79, 104: 成年後見
        "gpa-14-2": ("undeterminable", "info"),  # summary (概要版, seed 000 line 3): silence proves nothing
        "gpa-14-np-network": ("present", "info"),  # seed 000 lines 104: 地域連携ネットワーク
        "gpa-14-np-core-agency": (
            "undeterminable",
            "info",
        ),  # summary (概要版, seed 000 line 3): silence proves nothing
        "gpa-14-np-guardian-supply": (
            "undeterminable",
            "info",
        ),  # summary (概要版, seed 000 line 3): silence proves nothing
        "gpa-14-np-mayor-petition": (
            "undeterminable",
            "info",
        ),  # summary (概要版, seed 000 line 3): silence proves nothing
        "dca-49-10": ("undeterminable", "info"),  # summary (概要版, seed 000 line 3): silence proves nothing
        "dca-49-14": ("partial", "info"),  # seed 000 lines 108: 避難支援 — not found: 個別避難計画
    },
    "141500": {
        "swa-107-1-1": ("present", "info"),  # seed 002 lines 12, 182: 世代や分野; 横断的
        "swa-107-1-2": ("present", "info"),  # seed 002 lines 58, 147, 156: サービスの利用; 福祉サービス
        "swa-107-1-3": ("present", "info"),  # seed 002 lines 172, 176, 184: 専門職; 福祉人材; 福祉施設
        "swa-107-1-4": ("present", "info"),  # seed 002 lines 26, 43, 164, 171, 176: 担い手
        "swa-107-1-5": ("present", "info"),  # seed 002 lines 5, 11: 包括的な支援体制; 包括的な相談
        "swa-107-2": ("undeterminable", "info"),  # summary (の概要, seed 002 lines 75-77): silence proves nothing
        "swa-107-3": ("undeterminable", "info"),  # summary (の概要, seed 002 lines 75-77): silence proves nothing
        "swa-107-gl-disaster": (
            "undeterminable",
            "info",
        ),  # summary (の概要, seed 002 lines 75-77): silence proves nothing
        "swa-106-5": ("not-applicable", "info"),  # the document embodies no plan of this kind
        "rpa-8": ("present", "info"),  # seed 002 lines 48, 55: 再犯; 立ち直り
        "rpa-8-np-employment-housing": ("present", "info"),  # seed 002 lines 58: 住居
        "rpa-8-np-health-welfare": ("present", "info"),  # seed 002 lines 58: 保健医療
        "rpa-8-np-schooling": ("present", "info"),  # seed 002 lines 59: 学校
        "rpa-8-np-private-cooperators": (
            "undeterminable",
            "info",
        ),  # summary (の概要, seed 002 lines 75-77): silence proves nothing
        "rpa-8-np-community-inclusion": ("present", "info"),  # seed 002 lines 50: 地域の理解
        "gpa-14": ("present", "info"),  # seed 002 lines 28, 34, 36: 成年後見
        "gpa-14-2": ("undeterminable", "info"),  # summary (の概要, seed 002 lines 75-77): silence proves nothing
        "gpa-14-np-network": (
            "undeterminable",
            "info",
        ),  # summary (の概要, seed 002 lines 75-77): silence proves nothing
        "gpa-14-np-core-agency": ("present", "info"),  # seed 002 lines 38: 中核機関
        "gpa-14-np-guardian-supply": ("present", "info"),  # seed 002 lines 43, 45, 46: 市民後見; 後見人; 担い手
        "gpa-14-np-mayor-petition": (
            "undeterminable",
            "info",
        ),  # summary (の概要, seed 002 lines 75-77): silence proves nothing
        "dca-49-10": ("undeterminable", "info"),  # summary (の概要, seed 002 lines 75-77): silence proves nothing
        "dca-49-14": ("undeterminable", "info"),  # summary (の概要, seed 002 lines 75-77): silence proves nothing
    },
    "142069": {
        "swa-107-1-1": ("undeterminable", "info"),  # the plan's kind is not in the text (seed 001 lines 28, 53, 59)
        "swa-107-1-2": ("undeterminable", "info"),  # the plan's kind is not in the text (seed 001 lines 28, 53, 59)
        "swa-107-1-3": ("undeterminable", "info"),  # the plan's kind is not in the text (seed 001 lines 28, 53, 59)
        "swa-107-1-4": ("undeterminable", "info"),  # the plan's kind is not in the text (seed 001 lines 28, 53, 59)
        "swa-107-1-5": ("undeterminable", "info"),  # the plan's kind is not in the text (seed 001 lines 28, 53, 59)
        "swa-107-2": ("undeterminable", "info"),  # the plan's kind is not in the text (seed 001 lines 28, 53, 59)
        "swa-107-3": ("undeterminable", "info"),  # the plan's kind is not in the text (seed 001 lines 28, 53, 59)
        "swa-107-gl-disaster": (
            "undeterminable",
            "info",
        ),  # the plan's kind is not in the text (seed 001 lines 28, 53, 59)
        "swa-106-5": ("undeterminable", "info"),  # the plan's kind is not in the text (seed 001 lines 28, 53, 59)
        "rpa-8": ("undeterminable", "info"),  # the plan's kind is not in the text (seed 001 lines 28, 53, 59)
        "rpa-8-np-employment-housing": (
            "undeterminable",
            "info",
        ),  # the plan's kind is not in the text (seed 001 lines 28, 53, 59)
        "rpa-8-np-health-welfare": (
            "undeterminable",
            "info",
        ),  # the plan's kind is not in the text (seed 001 lines 28, 53, 59)
        "rpa-8-np-schooling": (
            "undeterminable",
            "info",
        ),  # the plan's kind is not in the text (seed 001 lines 28, 53, 59)
        "rpa-8-np-private-cooperators": (
            "undeterminable",
            "info",
        ),  # the plan's kind is not in the text (seed 001 lines 28, 53, 59)
        "rpa-8-np-community-inclusion": (
            "undeterminable",
            "info",
        ),  # the plan's kind is not in the text (seed 001 lines 28, 53, 59)
        "gpa-14": ("undeterminable", "info"),  # the plan's kind is not in the text (seed 001 lines 28, 53, 59)
        "gpa-14-2": ("undeterminable", "info"),  # the plan's kind is not in the text (seed 001 lines 28, 53, 59)
        "gpa-14-np-network": (
            "undeterminable",
            "info",
        ),  # the plan's kind is not in the text (seed 001 lines 28, 53, 59)
        "gpa-14-np-core-agency": (
            "undeterminable",
            "info",
        ),  # the plan's kind is not in the text (seed 001 lines 28, 53, 59)
        "gpa-14-np-guardian-supply": (
            "undeterminable",
            "info",
        ),  # the plan's kind is not in the text (seed 001 lines 28, 53, 59)
        "gpa-14-np-mayor-petition": (
            "undeterminable",
            "info",
        ),  # the plan's kind is not in the text (seed 001 lines 28, 53, 59)
        "dca-49-10": ("undeterminable", "info"),  # the plan's kind is not in the text (seed 001 lines 28, 53, 59)
        "dca-49-14": ("undeterminable", "info"),  # the plan's kind is not in the text (seed 001 lines 28, 53, 59)
    },
    "352136": {
        "swa-107-1-1": ("present", "info"),  # seed 004 lines 861, 1009, 1211, 1230, 1241: 分野横断; 制度の狭間; 横断的
        "swa-107-1-2": (
            "present",
            "info",
        ),  # seed 004 lines 760, 922, 933, 941, 945 …: サービスの利用; 情報提供; 福祉サービス; 苦情
        "swa-107-1-3": (
            "present",
            "info",
        ),  # seed 004 lines 1015, 1051, 1052, 1062, 1100 …: 事業者; 介護人材; 専門職; 社会福祉法人
        "swa-107-1-4": (
            "present",
            "info",
        ),  # seed 004 lines 776, 867, 946, 955, 958 …: ボランティア; 住民主体; 地域活動; 地域福祉活動
        "swa-107-1-5": (
            "present",
            "info",
        ),  # seed 004 lines 863, 890, 895, 897, 909 …: 包括的な支援体制; 包括的な相談; 総合相談; 重層的支援
        "swa-107-2": (
            "partial",
            "warning",
        ),  # views gathered, publication not stated (公表 only in the Act quoted at line 216); seed 004 lines 497, 632, 984, 999, 1007 …: アンケート; ワークショップ; 座談会; 意見交換 — not found: 計画の内容の公表
        "swa-107-3": ("present", "info"),  # seed 004 lines 2089, 2109, 2115, 2116, 2122 …: PDCA; 点検; 進捗
        "swa-107-gl-disaster": (
            "present",
            "info",
        ),  # seed 004 lines 1538, 1596, 1618, 1632, 1644 …: 要援護者; 要配慮者; 避難行動要支援者
        "swa-106-5": ("not-applicable", "info"),  # the document embodies no plan of this kind
        "rpa-8": (
            "present",
            "info",
        ),  # seed 004 lines 1183, 1211, 1243, 1258, 1261 …: 再犯; 更生保護; 犯罪をした; 立ち直り
        "rpa-8-np-employment-housing": (
            "present",
            "info",
        ),  # seed 004 lines 1223, 1224, 1235, 1236, 1273 …: 住居; 協力雇用主; 就労
        "rpa-8-np-health-welfare": (
            "present",
            "info",
        ),  # seed 004 lines 1267, 1268, 1290, 1314, 1318 …: 保健医療; 医療; 福祉サービス
        "rpa-8-np-schooling": ("present", "info"),  # seed 004 lines 1291, 1322, 1325, 1330, 1468 …: 修学; 学校
        "rpa-8-np-private-cooperators": (
            "present",
            "info",
        ),  # seed 004 lines 1275, 1285, 1286, 1292, 1330 …: 保護司; 民間協力者
        "rpa-8-np-community-inclusion": (
            "present",
            "info",
        ),  # seed 004 lines 1195, 1247, 1258, 1261, 1267 …: 包括的な支援体制; 包摂; 理解促進; 社会を明るくする運動
        "gpa-14": ("not-applicable", "info"),  # the document embodies no plan of this kind
        "gpa-14-2": ("not-applicable", "info"),  # the document embodies no plan of this kind
        "gpa-14-np-network": ("not-applicable", "info"),  # the document embodies no plan of this kind
        "gpa-14-np-core-agency": ("not-applicable", "info"),  # the document embodies no plan of this kind
        "gpa-14-np-guardian-supply": ("not-applicable", "info"),  # the document embodies no plan of this kind
        "gpa-14-np-mayor-petition": ("not-applicable", "info"),  # the document embodies no plan of this kind
        "dca-49-10": ("present", "info"),  # seed 004 lines 1632, 1644, 1645: 名簿
        "dca-49-14": ("present", "info"),  # seed 004 lines 1645: 個別避難計画
    },
    "402036": {
        "swa-107-1-1": ("undeterminable", "info"),  # outline (骨子(案), seed 003 line 1): silence proves nothing
        "swa-107-1-2": ("undeterminable", "info"),  # outline (骨子(案), seed 003 line 1): silence proves nothing
        "swa-107-1-3": ("present", "info"),  # seed 003 lines 105: 社会福祉法人
        "swa-107-1-4": ("undeterminable", "info"),  # outline (骨子(案), seed 003 line 1): silence proves nothing
        "swa-107-1-5": ("present", "info"),  # seed 003 lines 111: 包括的な相談
        "swa-107-2": (
            "present",
            "info",
        ),  # seed 003 lines 117, 118, 121, 122, 124: アンケート; パブリックコメント; ワークショップ; 意識調査
        "swa-107-3": ("present", "info"),  # seed 003 lines 14: 評価
        "swa-107-gl-disaster": ("present", "info"),  # seed 003 lines 110: 避難支援
        "swa-106-5": (
            "partial",
            "info",
        ),  # seed 003 lines 107, 111: 包括的な相談支援; 居場所 — not found: 参加支援、アウトリーチ等を通じた継続的支援、多機関協働
        "rpa-8": ("undeterminable", "info"),  # outline (骨子(案), seed 003 line 1): silence proves nothing
        "rpa-8-np-employment-housing": (
            "undeterminable",
            "info",
        ),  # outline (骨子(案), seed 003 line 1): silence proves nothing
        "rpa-8-np-health-welfare": (
            "undeterminable",
            "info",
        ),  # outline (骨子(案), seed 003 line 1): silence proves nothing
        "rpa-8-np-schooling": ("undeterminable", "info"),  # outline (骨子(案), seed 003 line 1): silence proves nothing
        "rpa-8-np-private-cooperators": (
            "undeterminable",
            "info",
        ),  # outline (骨子(案), seed 003 line 1): silence proves nothing
        "rpa-8-np-community-inclusion": (
            "undeterminable",
            "info",
        ),  # outline (骨子(案), seed 003 line 1): silence proves nothing
        "gpa-14": (
            "partial",
            "info",
        ),  # seed 003 line 103: 権利擁護 — 成年後見 appears only in the plan list (line 31) and in line 72, which the data does not model as an element (a known gap)
        "gpa-14-2": ("undeterminable", "info"),  # outline (骨子(案), seed 003 line 1): silence proves nothing
        "gpa-14-np-network": (
            "undeterminable",
            "info",
        ),  # outline (seed 003 line 1); line 72 names the network but is not modelled as an element
        "gpa-14-np-core-agency": (
            "undeterminable",
            "info",
        ),  # outline (骨子(案), seed 003 line 1): silence proves nothing
        "gpa-14-np-guardian-supply": (
            "undeterminable",
            "info",
        ),  # outline (骨子(案), seed 003 line 1): silence proves nothing
        "gpa-14-np-mayor-petition": (
            "undeterminable",
            "info",
        ),  # outline (骨子(案), seed 003 line 1): silence proves nothing
        "dca-49-10": ("undeterminable", "info"),  # outline (骨子(案), seed 003 line 1): silence proves nothing
        "dca-49-14": ("partial", "info"),  # seed 003 lines 110: 避難支援 — not found: 個別避難計画
    },
}

REQUIREMENT_IDS = {
    *(f"swa-107-1-{n}" for n in range(1, 6)),
    "swa-107-2",
    "swa-107-3",
    "swa-106-5",
    "rpa-8",
    "gpa-14",
    "dca-49-10",
    "dca-49-14",
}
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
    assert all(re.fullmatch(r"(rpa-8-np-|gpa-14-np-)[a-z-]+|gpa-14-2|swa-107-gl-[a-z]+", i) for i in extra), extra
    assert len(data["cells"]) == len(data["documents"]) * len(ids)
    for cell in data["cells"]:
        assert CELL_KEYS <= set(cell), cell["requirement"]
        assert re.fullmatch(r"[0-9]{6}", cell["municipality"])
        assert cell["document"].startswith("https://w3id.org/fukushi-kg/id/")
        assert cell["provision"].startswith("https://w3id.org/fukushi-kg/id/law/")
        assert cell["source"] in ("statute", "national-plan", "guideline")
        assert cell["addressee"] in ("plan-content", "plan-process", "municipality")
        assert cell["duty"] in ("mandatory", "effort", "take-into-account", "recommendation")
        assert cell["verdict"] in VERDICTS and cell["severity"] in SEVERITIES
        assert cell["reason_ja"] and cell["reason_en"]
        for ev in cell["evidence"]:
            assert {"element", "source_file", "start_line", "end_line", "quote"} <= set(ev)
        if cell["verdict"] in ("present", "partial"):
            assert cell["evidence"], cell
        if cell["verdict"] in ("partial", "absent"):
            assert cell["missing"] and cell["fix_ja"], cell
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
            assert ev["signal"] in ev["quote"] or re.sub(r"\s+", "", ev["signal"]) in re.sub(r"\s+", "", ev["quote"])
            seen += 1
    assert seen > 100


def test_every_provision_links_to_e_gov(data):
    for r in data["requirements"]:
        assert re.fullmatch(r"[0-9]{3}[A-Z]{2}[0-9]{10}", r["egov_law_id"]), r["id"]
        assert r["egov_url"].startswith(f"https://laws.e-gov.go.jp/law/{r['egov_law_id']}#Mp-At_"), r["id"]
