"""The README stays true: its commands are the ones CI runs and the CLI it documents exists."""

import re

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
