import pyoxigraph
import pytest

from server.paths import QUERIES_DIR
from server.questions import named
from server.questions.parameters import Lookup, store_select


@pytest.fixture(scope="session")
def store(published_dir):
    store = pyoxigraph.Store()
    store.bulk_load(path=str(published_dir / "fukushi-kg.nt"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    return store


@pytest.fixture(scope="session")
def lookup(store):
    return Lookup(store_select(store))


@pytest.fixture(scope="session")
def questions():
    return {q.name: q for q in named.load_all(QUERIES_DIR)}


@pytest.fixture(scope="session")
def rows(store):
    def run(text: str) -> list[dict]:
        solutions = store.query(text)
        names = [v.value for v in solutions.variables]
        return [{n: s[n].value for n in names if s[n] is not None} for s in solutions]

    return run
