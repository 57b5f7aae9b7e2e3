"""Where the data-driven compliance cases live (imported by the tests and their conftest)."""

from pathlib import Path

CASES = Path(__file__).parent / "cases"
CASE_FILES = sorted(p for p in CASES.rglob("*.ttl") if not p.name.startswith("_"))
