"""Where the project's inputs and outputs live.

Inputs (ontology/, data/, shapes/, queries/, the seed texts in data/sources/) are found, in this order:
1. under FUKUSHI_KG_HOME, when that is set (a folder laid out like the repository);
2. in the source checkout this module sits in (an editable install or a plain clone: the repository's
   top-level folders are the source of truth);
3. in `server/_resources/`, the copy a wheel carries (setup.py copies the folders there at build time).

Outputs (the published graph) go to FUKUSHI_KG_PUBLISHED_DIR (or FUKUSHI_KG_PUBLISHED) when set; in a source
checkout to `published/` at its root; otherwise to the user's data folder (platformdirs:
~/.local/share/fukushi-kg/published on Linux), never into site-packages.
"""

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
BUNDLED_DIR = PACKAGE_DIR / "_resources"
INPUT_FOLDERS = ("ontology", "data", "shapes", "queries")


def is_source_checkout(root: Path) -> bool:
    """A repository clone has the input folders beside pyproject.toml; site-packages has neither."""
    return (root / "pyproject.toml").is_file() and all((root / name).is_dir() for name in INPUT_FOLDERS)


def find_root() -> tuple[Path, str]:
    """(the folder holding the inputs, how it was found: 'FUKUSHI_KG_HOME', 'checkout' or 'package')."""
    if os.environ.get("FUKUSHI_KG_HOME"):
        return Path(os.environ["FUKUSHI_KG_HOME"]).resolve(), "FUKUSHI_KG_HOME"
    checkout = PACKAGE_DIR.parent
    if is_source_checkout(checkout):
        return checkout, "checkout"
    if (BUNDLED_DIR / "ontology").is_dir():
        return BUNDLED_DIR, "package"
    return checkout, "checkout"  # neither: the error names the folder a user would expect


def default_published_dir(root: Path, found_by: str) -> Path:
    # FUKUSHI_KG_PUBLISHED_DIR is the app setting's own override (server.config); the CLI honours it too.
    for name in ("FUKUSHI_KG_PUBLISHED_DIR", "FUKUSHI_KG_PUBLISHED"):
        if os.environ.get(name):
            return Path(os.environ[name])
    if found_by != "package":
        return root / "published"
    from platformdirs import user_data_path

    return user_data_path("fukushi-kg", appauthor=False) / "published"


ROOT, ROOT_FOUND_BY = find_root()
ONTOLOGY_DIR = ROOT / "ontology"
DATA_DIR = ROOT / "data"
SOURCES_DIR = DATA_DIR / "sources"
SHAPES_DIR = ROOT / "shapes"
QUERIES_DIR = ROOT / "queries"
PUBLISHED_DIR = default_published_dir(ROOT, ROOT_FOUND_BY)

BASE_IRI = "https://w3id.org/fukushi-kg/"
ONTOLOGY_NS = BASE_IRI + "ontology#"
SOURCE_NS = BASE_IRI + "id/source/"


class InputsMissing(FileNotFoundError):
    """The ontology or data folder is not where the settings say; building from nothing must not succeed."""


DECISIONS_FILE = DATA_DIR / "annotations" / "decisions.tsv"


def graph_input_files() -> list[Path]:
    """Every file that makes up the graph, in a stable order: the Turtle files, and the table of annotation
    decisions (server.annotations.decisions reads it into the annotations and their records)."""
    ontology = sorted(ONTOLOGY_DIR.glob("*.ttl"))
    data = sorted(DATA_DIR.rglob("*.ttl"))
    if not ontology or not data:
        raise InputsMissing(
            f"no ontology or data files under {ROOT} (found by {ROOT_FOUND_BY}): set FUKUSHI_KG_HOME to a folder "
            "holding ontology/, data/, shapes/ and queries/, or reinstall the package"
        )
    decisions = [DECISIONS_FILE] if DECISIONS_FILE.exists() else []
    return ontology + data + decisions


def source_text_path(source_iri: str) -> Path:
    """The seed text behind a fk:SourceDocument IRI."""
    stem = source_iri.removeprefix(SOURCE_NS)
    if "/" in stem or not stem:
        raise ValueError(f"not a source document IRI: {source_iri}")
    return SOURCES_DIR / f"{stem}.txt"
