"""Where the project's inputs and outputs live. Each can be moved with an environment variable."""

import os
from pathlib import Path

ROOT = Path(os.environ.get("FUKUSHI_KG_HOME", Path(__file__).resolve().parents[1]))
ONTOLOGY_DIR = ROOT / "ontology"
DATA_DIR = ROOT / "data"
SOURCES_DIR = DATA_DIR / "sources"
SHAPES_DIR = ROOT / "shapes"
QUERIES_DIR = ROOT / "queries"
PUBLISHED_DIR = Path(os.environ.get("FUKUSHI_KG_PUBLISHED", ROOT / "published"))

BASE_IRI = "https://w3id.org/fukushi-kg/"
ONTOLOGY_NS = BASE_IRI + "ontology#"
SOURCE_NS = BASE_IRI + "id/source/"


DECISIONS_FILE = DATA_DIR / "annotations" / "decisions.tsv"


def graph_input_files() -> list[Path]:
    """Every file that makes up the graph, in a stable order: the Turtle files, and the table of annotation
    decisions (server.annotations.decisions reads it into the annotations and their records)."""
    decisions = [DECISIONS_FILE] if DECISIONS_FILE.exists() else []
    return sorted(ONTOLOGY_DIR.glob("*.ttl")) + sorted(DATA_DIR.rglob("*.ttl")) + decisions


def source_text_path(source_iri: str) -> Path:
    """The seed text behind a fk:SourceDocument IRI."""
    stem = source_iri.removeprefix(SOURCE_NS)
    if "/" in stem or not stem:
        raise ValueError(f"not a source document IRI: {source_iri}")
    return SOURCES_DIR / f"{stem}.txt"
