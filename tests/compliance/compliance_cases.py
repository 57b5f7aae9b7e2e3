"""Where the data-driven compliance cases live (imported by the tests and their conftest)."""

from pathlib import Path

CASES = Path(__file__).parent / "cases"
CASE_FILES = sorted(p for p in CASES.rglob("*.ttl") if not p.name.startswith("_"))


# The requirement ids the issue fixes as a contract (社会福祉法 第107条第1項各号 …); others may be added beside them.
CONTRACT_IDS = {
    *(f"swa-107-1-{n}" for n in range(1, 6)),
    "swa-107-2",
    "swa-107-3",
    "swa-106-5",
    "rpa-8",
    "gpa-14",
    "dca-49-10",
    "dca-49-14",
}
