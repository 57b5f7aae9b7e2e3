"""The README stays true: its commands are the ones CI runs and the CLI it documents exists."""

import re
import shlex
import shutil
from pathlib import Path

from server import cli
from server.paths import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _shell_blocks(text):
    return re.findall(r"```sh\n(.*?)\n```", text, flags=re.S)


def test_readme_has_exactly_two_commands_and_ci_runs_the_second():
    blocks = _shell_blocks(README)
    assert len(blocks) == 2
    install_and_serve, install_and_test = blocks
    assert "fukushi-kg serve" in install_and_serve and "pip install" in install_and_serve
    assert "pytest" in install_and_test and "pip install" in install_and_test
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert install_and_test.strip() in ci


def test_every_subcommand_is_documented(capsys):
    parser_help = None
    try:
        cli.main(["--help"])
    except SystemExit:
        parser_help = capsys.readouterr().out
    commands = re.search(r"\{([a-z,]+)\}", parser_help).group(1).split(",")
    assert {"build", "serve", "validate", "query", "bench"} <= set(commands)
    for command in commands:
        assert f"`fukushi-kg {command}" in README, command


def test_exit_codes_are_documented():
    assert cli.EXIT_OK == 0 and cli.EXIT_VIOLATIONS == 1 and cli.EXIT_ERROR == 2
    for code, word in ((0, "conforms"), (1, "violations"), (2, "error")):
        assert re.search(rf"\*\*{code}\*\* {word}", README), word


def test_every_competency_query_states_its_question():
    for path in sorted((ROOT / "queries").rglob("*.rq")):
        assert path.read_text(encoding="utf-8").startswith("# Question: "), path.name


# --- the planners' guide: its commands run as written, its pages answer ---------------------------------------

GUIDE = (ROOT / "docs" / "planners-guide.md").read_text(encoding="utf-8")
PDF = ROOT / "tests" / "importer" / "fixtures" / "sample-plan.pdf"


def _guide_commands() -> list[str]:
    blocks = re.findall(r"```console\n(.*?)\n```", GUIDE, flags=re.S)
    return [line for block in blocks for line in block.splitlines() if line.startswith("fukushi-kg ")]


def _run(line: str, capsys) -> tuple[int, str, str]:
    """One line of the guide, as a shell would run it in the current directory (a `> FILE` redirect included)."""
    words, target = shlex.split(line), None
    if ">" in words:
        words, target = words[: words.index(">")], words[words.index(">") + 1]
    try:
        code = cli.main(words[1:])
    except SystemExit as exit:
        code = exit.code
    out, err = capsys.readouterr()
    if target:
        Path(target).write_text(out, encoding="utf-8")
    return code or 0, out, err


def test_the_guide_commands_run_as_written(tmp_path, monkeypatch, capsys, published_dir):
    """Each ```console line of docs/planners-guide.md, in order, in an empty folder holding only the files a
    planner would have: the plan document (a small PDF) and the template filled in (here: saved unchanged)."""
    monkeypatch.setenv("FUKUSHI_KG_PUBLISHED_DIR", str(published_dir))
    monkeypatch.chdir(tmp_path)
    shutil.copy(PDF, "計画書.pdf")
    commands = _guide_commands()
    assert len(commands) >= 7, commands
    for line in commands:
        if "記入した.xlsx" in line:
            shutil.copy("テンプレート.xlsx", "記入した.xlsx")
        code, out, err = _run(line, capsys)
        allowed = (0, 1) if " validate " in line else (0,)  # validate: 1 is a draft with violations, not a failure
        assert code in allowed, f"{line}\nexit {code}\n{err}"
        assert "Traceback" not in err, line
    for made in ("下書き.ttl", "確認.html", "テンプレート.xlsx", "適合.html", "フォルダ/082368-elements.csv"):
        assert (tmp_path / made).stat().st_size > 0, made
    assert (tmp_path / "適合.html").read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")
    # Mentioned in the text: the CLI's CSV with Japanese column names and a BOM.
    code, out, _ = _run("fukushi-kg query plans", capsys)
    assert code == 0 and out.startswith("\ufeff") and re.search(r"[\u3040-\u9fff]", out.splitlines()[0])


def test_the_guide_error_example_is_what_import_says(tmp_path, monkeypatch, capsys, published_dir):
    """The guide shows the message for a level the template does not know; import says it in those words."""
    import openpyxl

    monkeypatch.setenv("FUKUSHI_KG_PUBLISHED_DIR", str(published_dir))
    monkeypatch.chdir(tmp_path)
    _run("fukushi-kg export --format xlsx 352136 --out テンプレート.xlsx", capsys)
    book = openpyxl.load_workbook("テンプレート.xlsx")
    sheet = book["要素"]
    column = [c.value for c in sheet[1]].index("階層")
    sheet.cell(row=5, column=column + 1, value="具体的取組")
    book.save("記入した.xlsx")
    code, _, err = _run("fukushi-kg import 記入した.xlsx --municipality 352136 --out 下書き.ttl", capsys)
    shown = re.search(r"error: (シート『要素』 5行 列『階層』: .*?使える値: [^…]*)…", GUIDE).group(1)
    assert code == 2 and shown in err and not (tmp_path / "下書き.ttl").exists()


def test_the_guide_pages_answer(client):
    """Every page the guide names: /compliance, /compare, a query's answer, a municipality, one not in the graph."""
    named = set(re.findall(r"`(/[^`\s]*)`", GUIDE))
    assert {"/compliance", "/compare"} <= named
    for path in sorted(named):
        concrete = path.replace("コード", "352136").replace("…", "plans")
        assert client.get(concrete).status_code == 200, concrete
    assert "法令適合の判定を見る" in client.get("/id/municipality/352136").get_data(as_text=True)
    unknown = client.get("/id/municipality/999999")
    assert unknown.status_code == 404 and "追加" in unknown.get_data(as_text=True)


def test_no_document_holds_a_merge_conflict():
    """A merge left half-resolved reads as two contradicting guides; git's markers at a line's start show it."""
    marker = re.compile(r"^(<{7}|={7}|>{7})( |$)", re.M)
    documents = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    assert len(documents) > 1
    assert [str(d.relative_to(ROOT)) for d in documents if marker.search(d.read_text(encoding="utf-8"))] == []
