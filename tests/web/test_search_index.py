"""The search index's pages, order and facet counts, checked against answers computed without its bit sets: the
documents' own facet values counted hit by hit, tree order from their sort keys, and relevance from a plain FTS5
query over every match. The index is built in two batches (as the national benchmark builds it)."""

from collections import Counter

import pytest

from server.search.index import COUNTED, SearchIndex, documents


@pytest.fixture(scope="module")
def bundled(app):
    from server.web.graph import get_graph

    with app.app_context():
        graph = get_graph()
        docs, labels = documents(graph)
        base = graph.ns.base
    codes = sorted({d.code for d in docs})
    first = [d for d in docs if d.code in codes[:2]]
    rest = [d for d in docs if d.code not in codes[:2]]
    index = SearchIndex(first, labels, base)
    index.add(rest)
    return index, {d.iri: d for d in docs}, labels, base


def allowed(doc, filters) -> bool:
    return all(doc.facets.get(facet, set()) & set(values) for facet, values in filters.items())


def all_pages(index, query, filters, size) -> list:
    first = index.search(query, filters, 1, size)
    hits = list(first.hits)
    for page in range(2, first.pages + 1):
        hits += index.search(query, filters, page, size).hits
    assert index.search(query, filters, first.pages + 1, size).hits == []  # past the end: nothing
    return hits


def test_listing_without_words_pages_through_the_tree_in_order(bundled):
    index, docs, _, _ = bundled
    filters = {"level": ["Measure"], "municipality": ["141500", "402036"]}
    want = [d.iri for d in sorted(docs.values(), key=lambda d: d.sort) if allowed(d, filters)]
    assert len(want) > 20
    assert [h.iri for h in all_pages(index, "", filters, 7)] == want
    assert [h.iri for h in index.search("", filters, size=None).hits] == want
    assert index.search("", filters, 3, 7).total == len(want)
    everything = index.search("", {}, size=None)
    assert [h.iri for h in everything.hits] == [d.iri for d in sorted(docs.values(), key=lambda d: d.sort)]


def test_ranked_pages_with_filters_are_the_full_ranking_cut_into_pages(bundled):
    """Filtered hits are ranked by the rows the filters allow, tested against a byte mask before bm25: the pages
    are the full ranking with the filters applied afterwards."""
    index, docs, _, _ = bundled
    filters = {"municipality": ["141500", "352136"], "level": ["Measure", "Policy", "Direction"]}
    # Relevance straight from FTS5, every match, then the filters applied to the documents themselves.
    tree = {iri: n for n, iri in enumerate(d.iri for d in sorted(docs.values(), key=lambda d: d.sort))}
    from server.search.normalise import match_expression

    expression, _ = match_expression("見守り")
    rows = index.db.execute(
        "SELECT json_extract(d.data, '$.iri'), bm25(fts, 10.0, 3.0, 1.0) FROM fts JOIN docs d ON d.id = fts.rowid "
        "WHERE fts MATCH ?",
        [expression],
    ).fetchall()
    want = [iri for iri, score in sorted(rows, key=lambda r: (r[1], tree[r[0]])) if allowed(docs[iri], filters)]
    assert len(want) > 10
    assert [h.iri for h in all_pages(index, "見守り", filters, 4)] == want
    assert index.search("見守り", filters).total == len(want)
    scores = [h.score for h in index.search("見守り", filters, size=None).hits]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize(
    "query, filters",
    [
        ("見守り", {}),
        ("地域 福祉", {"level": ["Measure"]}),
        ("", {"target_group": ["concept/target-group/older-people"]}),
        ("支えあい", {"municipality": ["141500", "082368"]}),
        ("", {}),
    ],
)
@pytest.mark.parametrize("sparse", [True, False], ids=["hits-own-pairs", "every-pair"])
def test_facet_counts_are_the_hits_counted_one_by_one(bundled, monkeypatch, query, filters, sparse):
    """Both ways of counting: a few hits' own pairs read by document, or one pass over every pair."""
    monkeypatch.setattr("server.search.index.SPARSE_SHARE", 1.0 if sparse else 0.0)
    index, docs, _, _ = bundled
    result = index.search(query, filters, 1, 5)
    hits = index.search(query, filters, size=None).hits
    assert result.total == len(hits) > 0
    want = Counter(
        (facet, value) for h in hits for facet in ("municipality", *COUNTED) for value in docs[h.iri].facets[facet]
    )
    got = Counter({(facet, v.key): v.count for facet, values in result.facets.items() for v in values if v.count})
    assert got == want


def test_documents_must_come_in_tree_order(bundled):
    _, docs, labels, base = bundled
    ordered = sorted(docs.values(), key=lambda d: d.sort)
    index = SearchIndex(ordered[100:], labels, base)
    with pytest.raises(ValueError, match="tree order"):
        index.add(ordered[:100])


def test_with_filters_only_the_allowed_rows_are_scored(bundled, monkeypatch):
    """The ranked query computes bm25 for the rows the filters allow, not for every row the words match: an
    auxiliary function counting its calls sees as many calls as there are allowed hits."""
    index, docs, _, _ = bundled
    filters = {"municipality": ["352136"]}
    everywhere = index.search("地域", {}).total
    result = index.search("地域", filters)
    assert 0 < result.total < everywhere
    calls = []
    index.db.create_function("seen", 1, lambda rowid: calls.append(rowid) or 0)
    real = index.db.execute

    def counting(sql, params=()):  # the same query with a call added to bm25's: it runs where bm25 runs
        return real(sql.replace("1.0) AS score", "1.0) + seen(rowid) AS score"), params)

    monkeypatch.setattr(index, "db", _Connection(index.db, counting))
    again = index.search("地域", filters, size=None)
    assert [h.iri for h in again.hits][:50] == [h.iri for h in result.hits]
    assert len(calls) == result.total


class _Connection:
    """An sqlite3 connection whose execute is replaced (sqlite3.Connection's attributes are read-only)."""

    def __init__(self, db, execute):
        self._db, self.execute = db, execute

    def __getattr__(self, name):
        return getattr(self._db, name)


def fresh(index, query, filters, page=1, size=5):
    index.forget()
    return index.search(query, filters, page, size)


def answer(result) -> tuple:
    return (
        result.total,
        result.pages,
        [(h.iri, h.score) for h in result.hits],
        {k: [(v.key, v.count, v.selected) for v in vs] for k, vs in result.facets.items()},
    )


@pytest.mark.parametrize(
    "query, filters",
    [
        ("見守り", {"level": ["Measure"]}),
        ("地域 福祉", {"municipality": ["141500", "352136"]}),
        ("地域 福祉", {"level": ["Policy", "Measure"], "target_group": ["concept/target-group/older-people"]}),
        ("支えあい", {"municipality": ["082368"]}),
    ],
)
def test_kept_answers_are_the_fresh_answers(bundled, monkeypatch, query, filters):
    """Pages taken from what is kept equal the answers computed from nothing: after the same words alone (a facet
    ticked), after the same search (another page), with a kept head shorter than the pages asked for."""
    monkeypatch.setattr("server.search.index.RANKED_KEPT", 6)  # pages past the head are ranked again and kept
    index = bundled[0]
    pages = fresh(index, query, filters).pages
    assert pages > 1 or query == "支えあい"
    want = [answer(fresh(index, query, filters, page)) for page in range(1, pages + 2)]
    index.forget()
    index.search(query, {}, 1, 5)  # the words alone first
    assert [answer(index.search(query, filters, page, 5)) for page in range(1, pages + 2)] == want
    assert [answer(index.search(query, filters, page, 5)) for page in range(pages + 1, 0, -1)] == want[::-1]
    assert answer(index.search(query, {}, 2, 5)) == answer(fresh(index, query, {}, 2))


def test_kept_answers_belong_to_their_words_and_filters(bundled):
    """Two searches kept side by side never answer for each other, whatever order they come in."""
    index = bundled[0]
    searches = [("見守り", {}), ("地域", {}), ("見守り", {"municipality": ["352136"]})]
    searches += [("地域", {"level": ["Measure"]})]
    want = [answer(fresh(index, q, f)) for q, f in searches]
    assert len({str(w) for w in want}) == len(searches)
    index.forget()
    for _ in range(2):
        assert [answer(index.search(q, f, 1, 5)) for q, f in searches] == want
        assert [answer(index.search(q, f, 1, 5)) for q, f in reversed(searches)] == want[::-1]
    assert len(index.kept.items) == len(searches)


def expression_of(words: str) -> str:
    from server.search.normalise import match_expression

    return match_expression(words)[0]


def test_what_is_kept_stays_within_its_bytes(bundled, monkeypatch):
    """The kept rankings are dropped least recently used first once their bytes pass the bound, and a ranking
    larger than the bound is not kept at all."""
    from server.search.index import KEPT_BYTES, _Kept

    index = bundled[0]
    words = ["見守り", "地域", "福祉", "支え合い", "相談", "障害", "子ども", "高齢者", "防災", "住民"]
    sizes = {}
    for w in words:
        index.forget()
        index.search(w, {})
        sizes[w] = index.kept.bytes
    assert all(sizes.values())
    bound = sizes["見守り"] + sizes["地域"] + sizes["福祉"]
    monkeypatch.setattr(index, "kept", _Kept(bound))
    for w in words:
        index.search(w, {})
        assert index.kept.bytes == sum(r.bytes() for r in index.kept.items.values()) <= bound
    assert len(index.kept.items) < len(words)
    index.forget()
    for w in ("見守り", "地域", "福祉", "見守り"):  # 見守り used again: 地域 is now the least recently used
        index.search(w, {})
    assert index.kept.bytes == bound
    index.search("支え合い", {})
    kept = {expression for expression, _ in index.kept.items}
    assert expression_of("見守り") in kept and expression_of("支え合い") in kept
    assert expression_of("地域") not in kept
    small = _Kept(sizes["見守り"] - 1)
    monkeypatch.setattr(index, "kept", small)
    index.search("見守り", {})
    assert small.items == {} and small.bytes == 0
    index.kept = _Kept(KEPT_BYTES)
    index.add([])  # documents added: nothing kept from before stays
    index.search("見守り", {})
    index.add([])
    assert index.kept.items == {}


def test_the_index_runs_on_the_recent_sqlite_where_its_wheel_installs():
    """pyproject installs pysqlite3-binary on Linux x86-64: there the index must use it (a failed import would fall
    back silently to the system's slower SQLite), and FTS5 must be compiled into whichever SQLite is used."""
    import platform

    import server.search.index as search_index

    if platform.system() == "Linux" and platform.machine() == "x86_64":
        assert search_index.sqlite3.__name__ == "pysqlite3.dbapi2"
    db = search_index.sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(x)")


@pytest.fixture(scope="module")
def on_each_sqlite(bundled):
    """The bundled index built once on the standard library's sqlite3 (the fallback where no pysqlite3 wheel exists)
    and once on pysqlite3's newer SQLite."""
    import sqlite3

    dbapi = pytest.importorskip("pysqlite3.dbapi2")
    _, docs, labels, base = bundled
    indexes = []
    for module in (sqlite3, dbapi):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("server.search.index.sqlite3", module)
            index = SearchIndex(list(docs.values()), labels, base)
        assert index.db.execute("SELECT sqlite_version()").fetchone()[0] == module.sqlite_version
        indexes.append(index)
    return indexes


@pytest.mark.parametrize(
    "query, filters",
    [
        ("地域 福祉", {}),
        ("見守り", {"level": ["Measure"]}),
        ("障がい", {"municipality": ["141500", "352136"]}),
        ("", {"target_group": ["concept/target-group/older-people"]}),
    ],
)
def test_either_sqlite_gives_the_same_answers(on_each_sqlite, query, filters):
    """Both SQLites give the same pages, bm25 scores and facet counts."""
    answers = [[answer(fresh(index, query, filters, page, 10)) for page in (1, 2)] for index in on_each_sqlite]
    assert answers[0][0][0] > 10  # enough hits for two pages
    assert answers[0] == answers[1]
