"""Counting plan elements straight from the seed texts, independently of the data files.

Each counter reads the printed layout (numbering, bullets, table rows) of one document. The
coverage test compares these numbers with the graph, so a dropped or duplicated element fails it.
"""

import re

from server.paths import SOURCES_DIR

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫"


def lines(stem: str) -> list[str]:
    return (SOURCES_DIR / f"{stem}.txt").read_text(encoding="utf-8").splitlines()


def span(stem: str, first: int, last: int) -> list[str]:
    """Lines first..last, 1-based and inclusive, as `cat -n` numbers them."""
    return lines(stem)[first - 1 : last]


def omitama() -> dict:
    text = lines("000_c70c8bbf81b64066")
    system = span("000_c70c8bbf81b64066", 95, 109)  # 施策の体系
    return {
        "BasicPhilosophy": sum(1 for line in text if line.startswith("■基本理念")),
        "BasicGoal": sum(1 for line in text if re.match(r"^基本目標\d", line)),
        "Policy": sum(1 for line in system if re.match(r"^\t\d+\. ", line)),
        "Direction": sum(len(re.findall(r"\(\d+\)", line)) for line in system),
    }


def odawara() -> dict:
    text = lines("001_555f581b915578d9")
    rows = [line for line in text if line.startswith("<ul")]  # 役割・取組 rows: left cell \t right cell
    action_rows = [line for line in text if re.search(r"\t\(\d\)", line)]  # 行動計画 rows
    return {
        "BasicPhilosophy": sum(1 for line in text if line.endswith("基本理念")),
        "BasicGoal": sum(1 for line in text if re.match(r"^基本目標\d", line)),
        "Policy": len(action_rows),
        "Direction": sum(line.split("\t")[-1].count("○") for line in action_rows),
        "Role": sum(row.split("\t")[0].count("・") for row in rows),
        "MeasureGroup": sum(row.split("\t")[1].count("◎") for row in rows),
        "Measure": sum(sum(row.split("\t")[1].count(c) for c in CIRCLED) for row in rows),
    }


def sagamihara() -> dict:
    text = lines("002_2eda7bc2a2056d9b")
    main = [i for i, line in enumerate(text) if line.startswith("《主な取組》")]
    main_items = sum(text[i + 2].count("○") for i in main)
    priority_items = sum(1 for line in span("002_2eda7bc2a2056d9b", 9, 22) if line.startswith("- "))
    guardianship_items = sum(line.count("●") for line in span("002_2eda7bc2a2056d9b", 34, 46))
    recidivism_items = sum(1 for line in span("002_2eda7bc2a2056d9b", 52, 57) if re.match(r"^- \(\d\)", line))
    national_priorities = sum(line.count("【") for line in span("002_2eda7bc2a2056d9b", 58, 59))
    return {
        "BasicPhilosophy": sum(1 for line in text if line == "基本理念"),
        "BasicGoal": sum(1 for line in text if re.match(r"^基本目標\d：", line)),
        "Policy": sum(1 for line in text if re.match(r"^- \d+ ", line)),
        "PriorityInitiative": sum(1 for line in span("002_2eda7bc2a2056d9b", 1, 46) if re.match(r"^\(\d\) ", line)),
        "Direction": sum(1 for line in span("002_2eda7bc2a2056d9b", 9, 22) if line and line[0] in CIRCLED)
        + national_priorities,
        "Measure": main_items + priority_items + guardianship_items + recidivism_items,
    }


def kurume() -> dict:
    table = span("003_031e07fcffc993b2", 101, 112)  # 取組項目 table
    return {
        "BasicPhilosophy": sum(1 for line in lines("003_031e07fcffc993b2") if line.startswith("(1) めざす姿")),
        "Perspective": sum(1 for line in span("003_031e07fcffc993b2", 92, 97) if line.startswith("- ●")),
        "Policy": sum(1 for line in table if re.match(r"^\d\t", line)),
        "Direction": sum(line.count("○") for line in table),
        "Indicator": sum(1 for line in span("003_031e07fcffc993b2", 60, 64) if re.search(r"\d\s?[%件]", line)),
    }


def mine() -> dict:
    stem = "004_cbbcddac45a49502"
    system = span(stem, 824, 835)  # 施策の体系
    chapter4 = span(stem, 837, 2129)
    roles = sum(1 for line in chapter4 if line.startswith(("- ", " - "))) + sum(line.count("●") for line in chapter4)
    return {
        "BasicPhilosophy": 1 if span(stem, 740, 742)[0].endswith("基本理念") else 0,
        "BasicGoal": sum(1 for line in span(stem, 754, 777) if re.match(r"^基本目標\s?\d", line)),
        "Policy": sum(len(re.findall(r"(?:^|\t)\d\. ", line)) for line in system),
        "Direction": sum(sum(line.count(c) for c in CIRCLED) for line in system),
        "Role": roles,
        "Measure": _table_rows(chapter4),
        "MeasureGroup": sum(1 for line in span(stem, 1294, 1345) if re.match(r"^[アイウエオ] ", line)),
    }


def _table_rows(block: list[str]) -> int:
    """Rows of the 具体的取組 tables: tab-separated lines after a 取組/内容 header, up to a blank line.

    Cross-references that begin with その他 are not measures.
    """
    count, in_table = 0, False
    for line in block:
        if line.startswith("取組\t内容"):
            in_table = True
            continue
        if not line.strip():
            in_table = False
            continue
        if in_table and "\t" in line and not line.startswith("その他"):
            count += 1
    return count


EXPECTED = {
    "082368": omitama,
    "142069": odawara,
    "141500": sagamihara,
    "402036": kurume,
    "352136": mine,
}
