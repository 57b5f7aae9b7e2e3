"""The command line's small promises: --version, a one-line error for a missing query file (exit 2, as
`validate`), Turtle syntax errors that show the offending line as text, and build progress as it happens."""

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from server import __version__, cli
from server.commands.query import query_file
from server.datafile import DataFileError
from server.graph.loading import parse_file
from server.graph.progress import Progress
from server.paths import QUERIES_DIR


def test_version(capsys):
    with pytest.raises(SystemExit) as done:
        cli.main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.strip() == f"fukushi-kg {__version__}"


def test_query_with_a_missing_file_is_one_line_and_exit_2(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "server.cli", "query", "missing.rq"], cwd=tmp_path, capture_output=True, text=True
    )
    assert run.returncode == 2
    assert run.stderr == f"error: no such query file: missing.rq (nor a bundled query of that name in {QUERIES_DIR})\n"
    assert run.stdout == ""


def test_a_bundled_query_is_found_by_name_when_no_such_file_is_here(tmp_path, monkeypatch):
    bundled = tmp_path / "resources" / "queries"
    (bundled / "quality").mkdir(parents=True)
    (bundled / "plans.rq").write_text("SELECT 1 {}", encoding="utf-8")
    (bundled / "quality" / "orphans.rq").write_text("SELECT 2 {}", encoding="utf-8")
    (tmp_path / "resources" / "secret.rq").write_text("SELECT 3 {}", encoding="utf-8")
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    assert query_file("plans", bundled) == bundled / "plans.rq"
    assert query_file("plans.rq", bundled) == bundled / "plans.rq"
    assert query_file("quality/orphans", bundled) == bundled / "quality" / "orphans.rq"
    (here / "plans.rq").write_text("SELECT 4 {}", encoding="utf-8")
    assert query_file("plans.rq", bundled) == Path("plans.rq")  # a file here wins over the bundled one
    for name in ("missing", "missing.rq", "../secret", "quality", "/etc/passwd.rq"):
        with pytest.raises(FileNotFoundError):
            query_file(name, bundled)


def test_query_by_name_answers_from_another_directory(tmp_path, published_dir):
    """`fukushi-kg query plans` from a folder without plans.rq runs the bundled queries/plans.rq."""
    env = {**os.environ, "FUKUSHI_KG_PUBLISHED_DIR": str(published_dir)}

    def query(name):
        args = [sys.executable, "-m", "server.cli", "query", name, "--format", "csv"]
        run = subprocess.run(args, cwd=tmp_path, capture_output=True, text=True, env=env)
        assert run.returncode == 0, run.stderr
        return run.stdout

    by_name = query("plans")
    assert by_name == query(str(QUERIES_DIR / "plans.rq")) == query("plans.rq")
    rows = list(csv.DictReader(io.StringIO(by_name.lstrip("\ufeff"))))
    assert {r["市町村"] for r in rows} >= {"小美玉市", "相模原市", "美祢市", "久留米市"}


def test_turtle_error_shows_the_line_as_text(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b "東京" .\nex:a ex:c 障害 ;\n', encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        parse_file(bad)
    message = str(err.value)
    assert message.startswith(f"{bad}:3: bad syntax (")
    assert "    ex:a ex:c 障害 ;" in message.splitlines()
    assert "\\x" not in message and "b'" not in message  # no Python byte strings


def test_turtle_error_shows_the_right_line_after_a_literal_holding_a_page_break(tmp_path):
    """The parser counts lines at line feeds; a literal above the error holding U+2028 or a form feed (text
    copied from a PDF) must not shift the line shown under the message."""
    bad = tmp_path / "bad.ttl"
    body = '@prefix ex: <http://example.org/> .\nex:a ex:b "一\u2028二\x0c三" .\nex:a ex:c 障害 ;\n'
    bad.write_text(body, encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        parse_file(bad)
    message = str(err.value)
    assert message.startswith(f"{bad}:3: bad syntax (")
    assert message.split("\n")[1] == "    ex:a ex:c 障害 ;"


def test_build_reports_each_phase_as_plain_lines(tmp_path):
    from server.graph.build import build

    out = io.StringIO()
    report = build(tmp_path / "published", reasoner="rules", progress=Progress(out, tty=False))
    lines = out.getvalue().splitlines()
    assert [line.split(":")[0] for line in lines] == ["load", "base", "plans", "dumps"]
    assert "5 plans" in lines[0] and "5 built, 0 from the cache, 0 with violations" in lines[2]
    assert "4 files and 7 named graphs" in lines[3] and f"{report.triples:,} triples" in lines[3]
    assert all(line.endswith(" s)") for line in lines) and "\r" not in out.getvalue()


def test_progress_bar_on_a_terminal():
    out = io.StringIO()
    p = Progress(out, tty=True)
    p.start("load")
    p.step("load", 1, 2, "a.ttl")
    p.step("load", 2, 2, "b.ttl")
    p.done("load", "2 files")
    text = out.getvalue()
    assert "[████████████░░░░░░░░░░░░] 1/2 a.ttl" in text and text.rstrip().endswith("s)")


def test_build_without_inputs_fails_instead_of_publishing_an_empty_graph(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("FUKUSHI_KG_")}
    env.update(FUKUSHI_KG_HOME=str(tmp_path / "nothing-here"), FUKUSHI_KG_PUBLISHED_DIR=str(tmp_path / "out"))
    run = subprocess.run(
        [sys.executable, "-m", "server.cli", "build"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert run.returncode == 2
    assert run.stderr.startswith("error: no ontology or data files under ") and "FUKUSHI_KG_HOME" in run.stderr
    assert not (tmp_path / "out").exists()
