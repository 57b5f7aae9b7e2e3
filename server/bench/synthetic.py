"""A synthetic national data set, for benchmarks only: the bundled plans copied under new municipality codes.

Nothing here is ever published. Every IRI a copy makes carries `synthetic` (`id/synthetic/<code>/…` for plans
and elements, `id/municipality/synthetic-<code>` for the municipality), and every municipality label says
合成 / synthetic, so a copy cannot be mistaken for a real plan even if it leaks.

The copies are written as N-Triples in `.ttl` files (N-Triples is Turtle), one file per municipality, into a
project home that `FUKUSHI_KG_HOME` can point the build and the server at. The ontology, shapes and queries
are linked from the real project; the shared data (laws, prefectures, sources) is copied once.
"""

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import rdflib

from server.graph.loading import load_files
from server.paths import BASE_IRI, DATA_DIR, ONTOLOGY_DIR, QUERIES_DIR, SHAPES_DIR

ID = BASE_IRI + "id/"
MUNICIPALITY = ID + "municipality/"
DECISIONS = Path("annotations") / "decisions.tsv"  # relative to data/ (server.paths.DECISIONS_FILE)
FK = rdflib.Namespace(BASE_IRI + "ontology#")


def check_digit(five: str) -> str:
    """The 全国地方公共団体コード check digit of a five-digit code (the rule the structural shapes check)."""
    total = sum(weight * int(digit) for weight, digit in zip((6, 5, 4, 3, 2), five, strict=True))
    raw = 11 - total % 11
    return str(raw - 10 if raw >= 10 else raw)


def synthetic_codes(prefecture: str, count: int, taken: set[str]) -> list[str]:
    """`count` valid six-digit codes in `prefecture` (two digits), from 999 downwards, none in `taken`."""
    codes = []
    for number in range(999, 0, -1):
        five = f"{prefecture}{number:03d}"
        code = five + check_digit(five)
        if code not in taken:
            codes.append(code)
            taken.add(code)
            if len(codes) == count:
                return codes
    raise ValueError(f"prefecture {prefecture} has no room for {count} more synthetic codes")


@dataclass(frozen=True)
class Template:
    code: str
    name_ja: str
    name_en: str
    triples: tuple  # the triples whose subject is this municipality or one of its plans' resources


def templates(data_dir: Path = DATA_DIR) -> tuple[list[Template], rdflib.Graph]:
    """The bundled municipalities as templates, and the shared rest (laws, prefectures, sources)."""
    graph = load_files(sorted(Path(data_dir).rglob("*.ttl")))
    cities = graph.subjects(rdflib.RDF.type, FK.Municipality)
    codes = sorted(str(graph.value(city, FK.localGovernmentCode)) for city in cities)
    owned = {code: [] for code in codes}
    shared = rdflib.Graph()
    for triple in graph:
        code = _owner(triple[0], codes)
        (owned[code].append(triple) if code else shared.add(triple))
    out = []
    for code in codes:
        city = rdflib.URIRef(MUNICIPALITY + code)
        labels = {lit.language: str(lit) for lit in graph.objects(city, rdflib.RDFS.label)}
        out.append(Template(code, labels.get("ja", code), labels.get("en", code), tuple(sorted(owned[code]))))
    return out, shared


def _owner(subject, codes: list[str]) -> str | None:
    iri = str(subject)
    for code in codes:
        if iri == MUNICIPALITY + code or iri.startswith(f"{ID}{code}/"):
            return code
    return None


def copy_triples(template: Template, code: str):
    """The template's triples under `code`: IRIs moved into the synthetic space, the code and names marked."""
    old_city, new_city = MUNICIPALITY + template.code, f"{MUNICIPALITY}synthetic-{code}"
    old_space, new_space = f"{ID}{template.code}/", f"{ID}synthetic/{code}/"
    name_ja, name_en = f"{template.name_ja}（合成{code}）", f"{template.name_en} (synthetic {code})"

    def term(node):
        if isinstance(node, rdflib.URIRef):
            iri = str(node)
            if iri == old_city:
                return rdflib.URIRef(new_city)
            if iri.startswith(old_space):
                return rdflib.URIRef(new_space + iri[len(old_space) :])
            return node
        if isinstance(node, rdflib.Literal) and isinstance(node.value, str):
            text = str(node)
            if text == template.code:
                return rdflib.Literal(code, datatype=node.datatype, lang=node.language)
            if template.name_ja in text or template.name_en in text:
                text = text.replace(template.name_ja, name_ja).replace(template.name_en, name_en)
                return rdflib.Literal(text, datatype=node.datatype, lang=node.language)
        return node

    for s, p, o in template.triples:
        yield term(s), p, term(o)


CODE_LISTS = ("prefectures.ttl", "reference")


def generate(home: Path, municipalities: int, data_dir: Path = DATA_DIR) -> dict:
    """Write a project home with `municipalities` synthetic copies (round robin over the templates).

    Returns a summary: the codes made per template and the number of data triples written.
    """
    home = Path(home)
    if home.exists():
        shutil.rmtree(home)
    home.mkdir(parents=True)
    for name, source in (("ontology", ONTOLOGY_DIR), ("shapes", SHAPES_DIR), ("queries", QUERIES_DIR)):
        os.symlink(source.resolve(), home / name)
    data = home / "data"
    (data / "municipalities").mkdir(parents=True)
    # The seed texts are cited by the copies' provenance and read by the pages: link them, don't copy.
    os.symlink((Path(data_dir) / "sources").resolve(), data / "sources")
    # The code lists the pages' forms and the national overview read as files (server.questions.parameters):
    # linked too, and left out of shared.ttl so that the build loads them once.
    found, shared = templates(data_dir)
    for name in CODE_LISTS:
        os.symlink((Path(data_dir) / name).resolve(), data / name)
        if name.endswith(".ttl"):
            shared -= load_files([Path(data_dir) / name])
    shared.serialize(data / "shared.ttl", format="nt", encoding="utf-8")
    taken = set(t.code for t in found)
    share, extra = divmod(municipalities, len(found))
    per_template = [share + (1 if i < extra else 0) for i in range(len(found))]
    made, triples = {}, len(shared)
    for template, count in zip(found, per_template, strict=True):
        codes = synthetic_codes(template.code[:2], count, taken)
        made[template.code] = codes
        for code in codes:
            lines = [_nt_line(t) for t in copy_triples(template, code)]
            (data / "municipalities" / f"synthetic-{code}.ttl").write_text("".join(lines), encoding="utf-8")
            triples += len(lines)
    copy_decisions(Path(data_dir) / DECISIONS, data / DECISIONS, made)
    return {"home": home, "codes": made, "triples": triples}


def copy_decisions(source: Path, target: Path, made: dict[str, list[str]]) -> None:
    """The annotation decisions of each template, once per copy (the build checks every proposal has one)."""
    if not source.exists():
        return
    header, *rows = source.read_text(encoding="utf-8").splitlines(keepends=True)
    out = [header]
    for template_code, codes in made.items():
        mine = [row for row in rows if row.startswith(f"{template_code}/")]
        out += [f"synthetic/{code}/{row[len(template_code) + 1 :]}" for code in codes for row in mine]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("".join(out), encoding="utf-8")


def _nt_line(triple) -> str:
    return " ".join(term.n3() for term in triple) + " .\n"
