"""The competency queries (queries/*.rq), read at request time so new ones show without a restart.

Each file opens with `# Question: …` (English) and, under it, `# 問い: …` (Japanese); the page shows the
Japanese question first.
"""

from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from server import paths
from server.questions.named import header_value

QUESTION = "# Question:"
QUESTION_JA = "# 問い:"


@dataclass
class Example:
    name: str
    title: str  # the English question (or the file name)
    text: str
    title_ja: str = ""

    @property
    def kind(self) -> str:
        """SELECT, ASK, CONSTRUCT or DESCRIBE: only SELECT answers are shown as tables."""
        from server.sparql.safety import query_form

        return query_form(self.text) or "SELECT"


def queries_dir() -> Path:
    return Path(current_app.config.get("QUERIES_DIR") or paths.QUERIES_DIR)


def load_examples(folder: Path | None = None) -> list[Example]:
    folder = folder or queries_dir()
    out = []
    for path in sorted(folder.glob("*.rq")) if folder.is_dir() else []:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # one unreadable file should not take the page down
        header = text.splitlines()[:3]
        title = header_value(header, QUESTION) or path.stem
        out.append(Example(path.stem, title, text, header_value(header, QUESTION_JA)))
    return out
