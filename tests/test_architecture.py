"""The house keeps one direction: the import contracts in pyproject.toml ([tool.importlinter]) hold.

No import circles in server; the build runs inputs -> parts -> publication; serving runs pages and endpoint ->
store -> the published layout; the serving side never imports the build; the layout, the store and the query
workers never load rdflib, SHACL, OWL or Flask. import-linter reads the imports with grimp (function-level
imports included) and prints the chain that breaks a contract.
"""

import tomllib
from pathlib import Path

import pytest
from importlinter.cli import lint_imports

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"
CONTRACTS = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]


def test_every_contract_has_an_id():
    assert all(contract.get("id") for contract in CONTRACTS)


@pytest.mark.parametrize("contract", [c["id"] for c in CONTRACTS])
def test_import_contract_is_kept(contract, capsys):
    code = lint_imports(str(PYPROJECT), limit_to_contracts=(contract,), no_cache=True, no_logo=True)
    assert code == 0, capsys.readouterr().out
