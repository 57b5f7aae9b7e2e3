"""A non-editable install works from any directory: the built wheel, installed into a fresh virtual environment,
builds the graph from the ontology and data it carries into the user's data folder (not site-packages), and
answers a query from a temporary directory.

The fresh environment gets the dependencies through a .pth line naming this environment's site-packages (the
same versions, no network); the project itself comes only from the wheel, which the test checks.
"""

import csv
import io
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from server.paths import PACKAGE_DIR

ROOT = PACKAGE_DIR.parent
QUERY = """# Question: Which municipalities are in the graph?
PREFIX fk: <https://w3id.org/fukushi-kg/ontology#>
SELECT ?code WHERE { ?m a fk:Municipality ; fk:localGovernmentCode ?code } ORDER BY ?code
"""


def run(args, **kwargs):
    result = subprocess.run(args, capture_output=True, text=True, timeout=300, **kwargs)
    assert result.returncode == 0, f"{args}\nstdout: {result.stdout}\nstderr: {result.stderr}"
    return result


@pytest.mark.skipif(not (ROOT / "pyproject.toml").is_file(), reason="needs the source checkout to build the wheel")
def test_wheel_installs_builds_and_answers_from_anywhere(tmp_path):
    wheels = tmp_path / "wheels"
    run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(wheels)])
    (wheel,) = wheels.glob("fukushi_kg-*.whl")

    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / "bin" / "python"
    site = Path(run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip())
    (site / "_deps_from_test_env.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q", str(wheel)])

    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FUKUSHI_KG_", "PYTHON"))}
    env.update(HOME=str(tmp_path / "home"), XDG_DATA_HOME=str(tmp_path / "data"))
    cli = str(venv / "bin" / "fukushi-kg")

    where = run(
        [str(python), "-c", "import server, server.paths as p; print(server.__file__); print(p.ROOT)"],
        cwd=work,
        env=env,
    )
    module, root = where.stdout.split()
    assert module.startswith(str(site)) and root == str(Path(module).parent / "_resources")

    build = run([cli, "build", "--reasoner", "rules"], cwd=work, env=env)
    published = tmp_path / "data" / "fukushi-kg" / "published"
    assert f"into {published}" in build.stdout
    assert "load: " in build.stderr and "dumps: " in build.stderr  # progress, one line per phase
    assert (published / "fukushi-kg.nt").stat().st_size > 1_000_000
    assert not any(p.name == "published" for p in site.rglob("published"))  # nothing written into site-packages

    (work / "municipalities.rq").write_text(QUERY, encoding="utf-8")
    answer = run([cli, "query", "municipalities.rq", "--format", "csv"], cwd=work, env=env)
    assert answer.stdout.split() == ["code", "082368", "141500", "142069", "352136", "402036"]
    # A competency query by name: no plans.rq here, so the copy the wheel carries answers.
    plans = run([cli, "query", "plans", "--format", "csv"], cwd=work, env=env).stdout
    assert plans == run([cli, "query", str(ROOT / "queries" / "plans.rq"), "--format", "csv"], cwd=work, env=env).stdout
    rows = list(csv.DictReader(io.StringIO(plans)))
    assert {r["cityLabel"] for r in rows} >= {"小美玉市", "相模原市", "美祢市", "久留米市"}
    missing = subprocess.run([cli, "query", "no-such-query"], cwd=work, env=env, capture_output=True, text=True)
    assert missing.returncode == 2 and missing.stdout == ""
    assert missing.stderr.startswith("error: no such query file: no-such-query") and missing.stderr.count("\n") == 1
    assert run([cli, "--version"], cwd=work, env=env).stdout.startswith("fukushi-kg ")
    shutil.rmtree(tmp_path / "venv", ignore_errors=True)
