"""Digests of the build's input files, remembered between builds by each file's status (os.stat).

A rebuild after one plan changed must find that plan among 1,741 without reading every plan's Turtle again
(800 MB at national scale, about 2 s of every rebuild). As git's index does, a file whose size, modification
time, change time and inode are those recorded is taken to hold the bytes it held: the change time (st_ctime_ns)
is set by the kernel on every write and cannot be set back by a user (`touch -d`, `rsync -t` or an editor that
restores the modification time all update it), so an edit that keeps the size and the modification time is still
seen. A file changed in the last RECENT seconds is not remembered (git's "racily clean" case: a write in the same
tick as the record would leave the stamp unchanged on a file system with coarse timestamps).
"""

import json
import os
import time
from collections.abc import Callable
from pathlib import Path

NAME = "input-digests.json"
RECENT = 2.0  # seconds
_FORMAT = 1


class InputDigests:
    """`digest(path, make)`: the digest `make(bytes)` gave the file's bytes when its stamp was last seen, else
    `make` over the bytes read now. Kept in `folder` (the part cache) by save(); without a folder, nothing is
    remembered and every file is read."""

    def __init__(self, folder: Path | None):
        self.path = Path(folder) / NAME if folder else None
        self.known: dict[str, list] = {}
        self.seen: dict[str, list] = {}
        self.read = 0  # files read this build (the rest were known by their stamp)
        if self.path is not None:
            try:
                record = json.loads(self.path.read_text(encoding="utf-8"))
                if record.get("format") == _FORMAT:
                    self.known = record["files"]
            except (OSError, ValueError, KeyError, AttributeError):
                self.known = {}  # a missing or damaged record only costs reading every file once

    def digest(self, path: Path, key: str, make: Callable[[bytes], str]) -> str:
        """The digest of `path`'s bytes under `key` (what else `make` mixes in, such as the file's name)."""
        entry = f"{os.path.abspath(path)}\0{key}"
        before = os.stat(path)
        stamp = [before.st_size, before.st_mtime_ns, before.st_ctime_ns, before.st_ino]
        known = self.known.get(entry)
        if known is not None and known[0] == stamp:
            self.seen[entry] = known
            return known[1]
        value = make(Path(path).read_bytes())
        self.read += 1
        if time.time() - max(before.st_mtime_ns, before.st_ctime_ns) / 1e9 > RECENT:
            self.seen[entry] = [stamp, value]
        return value

    def save(self) -> None:
        """Write the stamps seen in this build (files no longer read are forgotten), atomically."""
        if self.path is None:
            return
        scratch = self.path.with_name(f".{NAME}.{os.getpid()}")
        scratch.write_text(json.dumps({"format": _FORMAT, "files": self.seen}), encoding="utf-8")
        os.replace(scratch, self.path)
