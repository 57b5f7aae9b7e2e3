"""A non-editable install works from any directory: the built wheel, installed into a fresh virtual environment,
builds the graph from the ontology and data it carries into the user's data folder (not site-packages),
answers a query from a temporary directory, and serves every page the home page links to (with search,
compliance, a plan, a query answer and a download); the wheel carries every non-Python file git tracks
under server/.

The fresh environment gets the dependencies through a .pth line naming this environment's site-packages (the
same versions, no network); the project itself comes only from the wheel, which the test checks.
"""

import csv
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.request
import zipfile
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


needs_checkout = pytest.mark.skipif(
    not (ROOT / "pyproject.toml").is_file(), reason="needs the source checkout to build the wheel"
)


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The wheel, a fresh venv with only it installed, an empty folder elsewhere, and the graph built there."""
    tmp_path = tmp_path_factory.mktemp("install")
    # Built from a copy without build/: setuptools never empties build/lib, so a stale one there would put
    # files into the wheel that package-data leaves out, and the test would pass on a wheel users never get.
    source = tmp_path / "source"
    skip = shutil.ignore_patterns(
        ".git", ".venv", "venv", "build", "dist", "published", "*.egg-info", "__pycache__", ".*"
    )
    shutil.copytree(ROOT, source, ignore=skip)
    wheels = tmp_path / "wheels"
    run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "-q", "-w", str(wheels)])
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
    build = run([cli, "build", "--reasoner", "rules"], cwd=work, env=env)
    yield {
        "tmp": tmp_path,
        "wheel": wheel,
        "python": python,
        "site": site,
        "work": work,
        "env": env,
        "cli": cli,
        "build": build,
    }
    shutil.rmtree(venv, ignore_errors=True)


@needs_checkout
def test_wheel_carries_every_file_the_package_reads(installed):
    """Templates, static files and data under server/ (anything git tracks that is not Python) are in the
    wheel: a blueprint's templates left out of package-data made /search a 500 in every wheel install."""
    tracked = subprocess.run(
        ["git", "ls-files", "server"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.split()
    if not tracked:
        pytest.skip("not a git checkout: no list of tracked files to compare with")
    wanted = {name for name in tracked if not name.endswith(".py")}
    assert wanted, "server/ has templates and static files"
    carried = set(zipfile.ZipFile(installed["wheel"]).namelist())
    assert sorted(wanted - carried) == []


@needs_checkout
def test_wheel_installs_builds_and_answers_from_anywhere(installed):
    tmp_path, python, site, work, env, cli = (installed[k] for k in ("tmp", "python", "site", "work", "env", "cli"))
    where = run(
        [str(python), "-c", "import server, server.paths as p; print(server.__file__); print(p.ROOT)"],
        cwd=work,
        env=env,
    )
    module, root = where.stdout.split()
    assert module.startswith(str(site)) and root == str(Path(module).parent / "_resources")

    build = installed["build"]
    published = tmp_path / "data" / "fukushi-kg" / "published"
    assert f"into {published}" in build.stdout
    assert "load: " in build.stderr and "dumps: " in build.stderr  # progress, one line per phase
    assert (published / "fukushi-kg.nt").stat().st_size > 1_000_000
    assert not any(p.name == "published" for p in site.rglob("published"))  # nothing written into site-packages

    (work / "municipalities.rq").write_text(QUERY, encoding="utf-8")
    answer = run([cli, "query", "municipalities.rq", "--format", "csv"], cwd=work, env=env)
    assert answer.stdout.lstrip("\ufeff").split() == ["code", "082368", "141500", "142069", "352136", "402036"]
    # A competency query by name: no plans.rq here, so the copy the wheel carries answers.
    plans = run([cli, "query", "plans", "--format", "csv"], cwd=work, env=env).stdout
    assert plans == run([cli, "query", str(ROOT / "queries" / "plans.rq"), "--format", "csv"], cwd=work, env=env).stdout
    rows = list(csv.DictReader(io.StringIO(plans.lstrip("\ufeff"))))
    assert {r["市町村"] for r in rows} >= {"小美玉市", "相模原市", "美祢市", "久留米市"}
    missing = subprocess.run([cli, "query", "no-such-query"], cwd=work, env=env, capture_output=True, text=True)
    assert missing.returncode == 2 and missing.stdout == ""
    assert missing.stderr.startswith("error: no such query file: no-such-query") and missing.stderr.count("\n") == 1
    assert run([cli, "--version"], cwd=work, env=env).stdout.startswith("fukushi-kg ")


def _get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read()


@needs_checkout
def test_wheel_serves_every_page_from_anywhere(installed):
    """`fukushi-kg serve` from the wheel, in an empty folder: every page the home page links to, search,
    compliance, a plan, a query answer and downloads answer 200; Ctrl-C stops it without a traceback."""
    server = subprocess.Popen(
        [installed["cli"], "serve", "--port", "0"],
        cwd=installed["work"],
        env=installed["env"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, so Ctrl-C can reach the workers too, as on a terminal
    )
    try:
        deadline, home = time.monotonic() + 120, None
        while home is None and time.monotonic() < deadline:
            line = server.stderr.readline()
            if not line:
                break
            if found := re.search(r"open (http://\S+/)", line):
                home = found.group(1)
        assert home, "serve never said it was ready"
        status, _, page = _get(home)
        assert status == 200
        links = {h for h in re.findall(r'href="(/[^"]*)"', page.decode("utf-8")) if not h.startswith("//")}
        assert {"/search", "/compliance", "/compare", "/query"} <= links and any(h.startswith("/id/") for h in links)
        extra = {
            "/search?q=%E8%A6%8B%E5%AE%88%E3%82%8A": "text/html",  # 見守り
            "/compliance?city=352136": "text/html",
            "/id/352136/cwp3": "text/html",
            "/query/plans": "text/html",
            "/query/plans?format=csv": "text/csv",
            "/compare?format=csv": "text/csv",
            "/static/web/vendor/yasgui/yasgui.min.js": "javascript",
            "/static/web/vendor/chartjs/chart.umd.js": "javascript",  # /compare's charts
            "/static/web/compare.js": "javascript",
        }
        failed = []
        for path in sorted(links) + sorted(extra):
            status, media_type, _ = _get(home.rstrip("/") + path.replace("&amp;", "&"))
            if status != 200 or extra.get(path, "") not in media_type:
                failed.append((path, status, media_type))
        assert failed == []
    finally:
        os.killpg(server.pid, signal.SIGINT)  # what Ctrl-C on a terminal does: the whole group gets it
        try:
            _, err = server.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            _, err = server.communicate()
    assert "Traceback" not in err, err
