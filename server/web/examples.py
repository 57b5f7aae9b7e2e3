"""The competency queries (queries/*.rq), read at request time so new ones show without a restart."""

from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from server import paths

QUESTION = "# Question:"


@dataclass
class Example:
    name: str
    title: str
    text: str


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
        first = text.splitlines()[0].strip() if text.strip() else ""
        title = first[len(QUESTION) :].strip() if first.startswith(QUESTION) else path.stem
        out.append(Example(path.stem, title or path.stem, text))
    return out
