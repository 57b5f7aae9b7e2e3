"""The compliance matrix as a table to take away (/compliance?format=csv|xlsx): one row per document and
requirement, headed in Japanese, with the verdict in words, the reason, what is missing and the evidence as
"element name (file:line)". Built from the same dictionary the page and the JSON are (render.to_dict), so the
download says what the page says.
"""

from server.web.download import CODE, MUNICIPALITY, Column

COLUMNS = [
    CODE,
    MUNICIPALITY,
    Column("document", "計画書", "Plan document"),
    Column("completeness", "文書の完全性", "Completeness"),
    Column("requirement", "要件", "Requirement"),
    Column("provision", "条項", "Provision"),
    Column("duty", "義務の種類", "Duty"),
    Column("verdict", "判定", "Verdict"),
    Column("severity", "重大度", "Severity"),
    Column("reason", "理由", "Reason"),
    Column("missing", "不足している事項", "Missing"),
    Column("evidence", "根拠（要素名と出典の行）", "Evidence (element, source line)"),
    Column("egov", "e-Gov 法令", "e-Gov law"),
]


def matrix_rows(data: dict) -> list[dict]:
    legend = data["legend"]
    requirements = {r["id"]: r for r in data["requirements"]}
    documents = {d["document"]: d for d in data["documents"]}
    rows = []
    for cell in data["cells"]:
        doc = documents.get(cell["document"], {})
        req = requirements.get(cell["requirement"], {})
        verdict = legend["verdicts"].get(cell["verdict"], {})
        severity = legend["severities"].get(cell["severity"], {})
        duty = legend["duties"].get(cell.get("duty") or "", {})
        evidence = [
            f"{e.get('label', '')} ({e.get('source_file') or '?'}:{e.get('start_line') or '?'})"
            for e in cell.get("evidence", [])
        ]
        rows.append(
            {
                "code": doc.get("municipality") or cell.get("municipality") or "",
                "municipality": (doc.get("municipality_label") or {}).get("ja", ""),
                "document": doc.get("label", ""),
                "completeness": ((doc.get("completeness") or {}).get("label") or {}).get("ja", "完全性不明"),
                "requirement": (req.get("label") or {}).get("ja", cell["requirement"]),
                "provision": (cell.get("provision_label") or {}).get("ja", ""),
                "duty": (duty.get("label") or {}).get("ja", ""),
                "verdict": f"{verdict.get('symbol', '')} {verdict.get('ja', cell['verdict'])}".strip(),
                "severity": severity.get("ja", cell["severity"]),
                "reason": cell.get("reason_ja", ""),
                "missing": "、".join(cell.get("missing") or []),
                "evidence": "\n".join(evidence),
                "egov": cell.get("egov_url") or "",
            }
        )
    return rows
