"""The error for an input file that cannot be read, naming the file and line: raised by every reader of the
graph's inputs (RDF files, server.graph.loading; the decisions table, server.annotations.decisions), and turned
into one line by the commands."""

from pathlib import Path


class DataFileError(Exception):
    """A data file that cannot be parsed. `line` is 1-based, or None when the parser gave none."""

    def __init__(self, path: Path, line: int | None, message: str):
        self.path = Path(path)
        self.line = line
        self.message = message
        where = f"{self.path}:{line}" if line else str(self.path)
        super().__init__(f"{where}: {message}")
