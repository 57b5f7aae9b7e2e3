"""Published files served as the build recorded them, or not at all.

The graph the pages and /sparql answer from is checked against build-info.json before it is used
(server.store.verified_dump); the downloads are held to the same record. A dump file is served only when its
size and SHA-256 match build-info.json (hashed once per file version: path, inode, size and modification time),
and any change to the file (its size or modification time) makes it hashed again before it is served. A file
that fails is a 503 that says so; the detail (server paths) goes to the log.
"""

import hashlib
import threading
from pathlib import Path

from flask import Response, send_file

BLOCK = 1 << 20


class FileDamaged(Exception):
    """A published file that does not match build-info.json; the message names it (for the log)."""


_VERIFIED: dict = {}
_LOCK = threading.Lock()
_HASHING = threading.Lock()


def _stamp(path: Path):
    st = path.stat()
    return (str(path), st.st_ino, st.st_size, st.st_mtime_ns), st.st_size


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()


def check(path: Path, sha256: str | None, size: int | None) -> int:
    """The file's size, once it matches the record; raises FileDamaged otherwise."""
    try:
        key, actual = _stamp(path)
    except FileNotFoundError as exc:
        raise FileDamaged(f"{path}: missing, though build-info.json lists it") from exc
    if size is not None and actual != size:
        raise FileDamaged(f"{path}: {actual:,} bytes, build-info.json says {size:,}")
    if sha256:
        with _LOCK:
            known = key in _VERIFIED
        if not known:
            with _HASHING:  # twenty first downloads at once hash the file once, not twenty times
                with _LOCK:
                    known = key in _VERIFIED
                if not known:
                    if sha256_of(path) != sha256:
                        raise FileDamaged(f"{path}: its SHA-256 differs from build-info.json")
                    with _LOCK:
                        if len(_VERIFIED) > 256:
                            _VERIFIED.clear()
                        _VERIFIED[key] = True
    return actual


def file_response(path: Path, sha256: str | None, size: int | None, mimetype: str) -> Response:
    """The whole file (or the one range asked for) once `check` has passed. Sent by the server's file wrapper
    (waitress sends it from the file without holding a thread for a slow reader), so it is not hashed again
    as it goes: a change after the check makes a new stamp, and the next request hashes it afresh."""
    check(path, sha256, size)
    return send_file(path, mimetype=mimetype, conditional=True, etag=sha256 or True, max_age=None)


def joined_response(paths: list[Path], fmt: str, sha256s: list[str | None], size: int, mimetype: str) -> Response:
    """A whole dump the build did not write (server.published.JOINABLE): the graphs' files joined as they are
    sent, each file checked against its own record first (hashed once per file version, as `check` does). The
    length is the build's; a range is not offered for it (RFC 9110 lets a server send the whole instead)."""
    from server.published import joined_chunks

    for path, sha256 in zip(paths, sha256s, strict=True):
        check(path, sha256, None)
    response = Response(joined_chunks(paths, fmt), mimetype=mimetype)
    response.headers["Content-Length"] = str(size)
    return response


def verified_bytes(path: Path, sha256: str | None) -> bytes:
    """A small published file's bytes, when they match the record."""
    try:
        body = path.read_bytes()
    except FileNotFoundError as exc:
        raise FileDamaged(f"{path}: missing, though build-info.json lists it") from exc
    if sha256 and hashlib.sha256(body).hexdigest() != sha256:
        raise FileDamaged(f"{path}: its SHA-256 differs from build-info.json")
    return body


def current_build_info(graph) -> dict:
    """The record the graph was checked against, after making sure build-info.json on disk still says the same
    (read again only when its size or modification time changed). Raises BuildInfoDamaged (unreadable) or
    FileDamaged (changed)."""
    from server.published import BUILD_INFO, read_build_info

    path = Path(graph.published_dir) / BUILD_INFO
    try:
        stamp, _ = _stamp(path)
    except FileNotFoundError as exc:
        raise FileDamaged(f"{path}: missing") from exc
    if graph.cache.get("build-info-stamp") != stamp:
        if read_build_info(path.parent) != graph.build_info:
            raise FileDamaged(f"{path}: changed since the graph was loaded")
        graph.cache["build-info-stamp"] = stamp
    return graph.build_info
