"""The command line's small promises: --version, a one-line error for a missing query file (exit 2, as
`validate`), Turtle syntax errors that show the offending line as text, and build progress as it happens."""

import io
import os
import subprocess
import sys

import pytest

from server import __version__, cli
from server.graph.loading import DataFileError, parse_file
from server.graph.progress import Progress


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
    assert run.stderr == "error: no such query file: missing.rq\n"
    assert run.stdout == ""


def test_turtle_error_shows_the_line_as_text(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b "東京" .\nex:a ex:c 障害 ;\n', encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        parse_file(bad)
    message = str(err.value)
    assert message.startswith(f"{bad}:3: bad syntax (")
    assert "    ex:a ex:c 障害 ;" in message.splitlines()
    assert "\\x" not in message and "b'" not in message  # no Python byte strings


def test_build_reports_each_phase_as_plain_lines(tmp_path):
    from server.graph.build import build

    out = io.StringIO()
    report = build(tmp_path / "published", reasoner="rules", progress=Progress(out, tty=False))
    lines = out.getvalue().splitlines()
    assert [line.split(":")[0] for line in lines] == ["load", "base", "plans", "dumps"]
    assert "5 plans" in lines[0] and "5 built, 0 from the cache, 0 with violations" in lines[2]
    assert "4 files and 6 named graphs" in lines[3] and f"{report.triples:,} triples" in lines[3]
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
