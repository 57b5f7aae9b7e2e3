"""The search index: every plan element in an SQLite FTS5 table, with its facets beside it.

One row per element (label, description, the seed lines it cites), tokenised as normalised character bigrams
(server.search.normalise). Row ids follow the plans' tree order, so a listing without words is the hits' ids in
order and ties in relevance fall in tree order. Hits and filters are sets of row ids held as boolean arrays
(numpy), as search engines hold bit sets (Lucene's FixedBitSet): a filter is the union of its values' rows, and
the facet counts are one bincount over the (document, facet value) pairs of the hits, with no Python loop over
every hit. Only the page shown is ranked and fetched (FTS5's bm25 with ORDER BY … LIMIT), and with filters only
the rows that pass them are scored. What the words match and the head of their ranking are kept for the next
requests of the same words (a bounded LRU, _Kept): another page, the JSON beside the HTML, a facet ticked. The
index is built from the published graph when the pages first need it and is rebuilt with the graph (it lives in
Graph.cache).

SQLite: pysqlite3-binary's where it installs (CPython on Linux x86-64: its wheels carry a recent SQLite with FTS5),
else the one Python ships (FTS5 is compiled into Debian's and python.org's builds). The same statements run on
both and rank alike; the newer one ranks faster: `bench search --national`, 地域 福祉 (66,483 of 263,839 rows),
bm25 top 50 in 48 ms on SQLite 3.51.1 against 71 ms on Debian 12's 3.40.1; fresh national p90 69.9-72.4 ms
against 87.8 ms in the same runs (docs/scale.md).
"""

import json
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np

try:
    import pysqlite3.dbapi2 as sqlite3
except ImportError:  # no wheel for this platform: the standard library's module, same behaviour, slower bm25
    import sqlite3

from server.search.normalise import highlight, index_text, match_expression
from server.web.graph import Graph
from server.web.labels import Label, Labeller, local_name
from server.web.source import read_lines

CACHE_KEY = "search-index"

# Facet key (URL parameter) -> (property of the element, or a derived facet; Japanese; English).
FACETS = {
    "municipality": (None, "市町村", "Municipality"),
    "plan_type": (None, "計画の種類", "Plan type"),
    "level": (None, "階層", "Level"),
    "target_group": ("targetGroup", "対象者", "Target group"),
    "function": ("realisesFunction", "重層的支援の機能", "Multilayered-support function"),
    "priority": ("addressesPriority", "再犯防止の重点課題", "Recidivism-prevention priority"),
    "actor": ("carriedOutBy", "担い手・担当課", "Actor / department"),
    "tier": ("tier", "自助・互助・共助・公助", "Support tier"),
}
# The element classes, from the top of a plan's tree down; an element's level is its most specific one.
LEVELS = (
    "BasicPhilosophy",
    "Perspective",
    "BasicGoal",
    "Policy",
    "PriorityInitiative",
    "Direction",
    "MeasureGroup",
    "Measure",
    "Role",
)
# Filters the URL may carry beyond the facets shown: `within` (a plan or element: everything below it), which
# is how a plan tree is downloaded as a table.
FILTERS = tuple(FACETS) + ("within",)
COUNTED = tuple(k for k in FACETS if k != "municipality")  # counted by bit sets (municipality: by array)
MOST_SPECIFIC_FIRST = ("PriorityInitiative",) + tuple(c for c in LEVELS if c != "PriorityInitiative")

ELEMENTS = """
SELECT ?e ?plan ?m ?code ?p ?o WHERE {
  ?e a fk:PlanElement ; fk:partOf ?plan .
  ?plan a fk:Plan ; fk:municipality ?m .
  OPTIONAL { ?m fk:localGovernmentCode ?code }
  ?e ?p ?o .
  VALUES ?p { rdfs:label dcterms:description fk:note fk:number fk:levelLabel fk:sourceFile fk:startLine fk:endLine
              fk:parent fk:order rdf:type fk:targetGroup fk:realisesFunction fk:addressesPriority fk:carriedOutBy
              fk:tier fk:partOf }
}
"""
PLAN_TYPES = """
SELECT ?plan ?t WHERE { ?plan a fk:Plan , ?t . ?t rdfs:subClassOf fk:Plan . FILTER(?t != fk:Plan) }
"""
SOURCE_TEXTS = """
SELECT DISTINCT ?src ?m ?code WHERE {
  ?doc fk:textSource ?src ; fk:municipality ?m . OPTIONAL { ?m fk:localGovernmentCode ?code }
}
"""
PAGE_SIZE = 50
# bm25 is FTS5's per-row cost: at national size 地域 福祉 matches 66k rows in 6 ms but scoring them takes 70 ms,
# and ORDER BY … LIMIT cannot skip any (bm25 saturates, so no cheap bound tells which rows cannot reach the page;
# ORDER BY rank with the weights configured is slower still, 119 ms, FTS5 sorting in a subquery). The scoring is
# done once per words instead: the first RANKED_KEPT rows of the ranking (the same ORDER BY … LIMIT, about as
# costly for 1,000 rows as for 50: 73 against 70 ms) and the matched rows are kept, and later requests with the
# same words take their page from them, a facet's page too (the kept head restricted to the allowed rows is the
# head of the filtered ranking: bm25's IDF and lengths are over the whole table, whatever the filters).
RANKED_KEPT = 1000  # 20 pages of the HTML, one JSON page of the default size
MAX_HEAD = 10_000  # a page ending further down is ranked with OFFSET and not kept (fetching every row above it costs)
KEPT_BYTES = 32 << 20  # 4 bytes per matched row, 12 per ranked one: a query matching every row is about 1 MB
KEPT_ENTRY_BYTES = 256  # the key, the tuple and the arrays' headers
SPARSE_SHARE = 0.125  # hits under this share of the documents are counted from their own facet pairs
# 基本理念 and 基本的な視点 head a plan's tree although the data numbers them among the goals (as server.web.plans).
HEAD_RANK = {"BasicPhilosophy": 0, "Perspective": 1}


@dataclass
class Doc:
    iri: str
    code: str = ""
    municipality: str = ""
    plans: list = field(default_factory=list)
    label: str = ""
    label_en: str = ""
    description: list = field(default_factory=list)
    number: str = ""
    level: str = ""
    level_label: str = ""
    source: str = ""
    start: int = 0
    end: int = 0
    parent: str = ""
    order: int = 0
    facets: dict = field(default_factory=dict)  # facet key -> set of value keys
    path: list = field(default_factory=list)
    sort: str = ""


@dataclass
class Hit:
    iri: str
    label: str
    label_en: str
    code: str
    municipality: str
    plans: list  # [(iri, label)]
    level: str
    level_label: str
    number: str
    path: list  # [(iri, label)] from the plan's top down to the parent
    source: str
    start: int
    end: int
    lines: list  # [(number, text, [(piece, marked)])] the cited lines that match (all cited lines if none do)
    label_marked: list
    score: float


@dataclass
class FacetValue:
    key: str
    label: Label
    count: int
    selected: bool


@dataclass
class Result:
    query: str
    filters: dict
    total: int
    hits: list
    facets: dict  # facet key -> [FacetValue]
    page: int
    pages: int
    seconds: float = 0.0


@dataclass
class SourceLine:
    code: str
    municipality: str
    source: str
    source_label: str
    line: int
    text: str
    marked: list


class SearchIndex:
    def __init__(self, docs: list[Doc], value_labels: dict, base: str):
        self.base = base
        self.value_labels = value_labels  # (facet, key) -> Label
        self.db = sqlite3.connect(":memory:", check_same_thread=False)
        self.lock = threading.Lock()  # one connection, shared by the server's threads
        self.db.executescript(
            """
            CREATE VIRTUAL TABLE fts USING fts5(label, description, source, tokenize='unicode61');
            CREATE TABLE docs (id INTEGER PRIMARY KEY, data TEXT);
            CREATE VIRTUAL TABLE lines USING fts5(text, tokenize='unicode61');
            CREATE TABLE line_meta (id INTEGER PRIMARY KEY, code TEXT, municipality TEXT, source TEXT,
                                    source_label TEXT, line INTEGER);
            """
        )
        # A SQL GROUP BY over a join with every hit took 0.8 s for 60k hits at national size, and a filter as
        # `rowid IN (subquery)` makes FTS5 re-run the match once per allowed row (100 s for one query): hits and
        # filters are boolean arrays over row ids instead (numpy; what search engines keep as bit sets), and the
        # facet counts one bincount over every (document, facet value) pair the hits select.
        self.size = 1  # row ids start at 1; row 0 is no document
        self.keys: list[tuple] = []  # (facet, value) by key number
        self.key_of: dict[tuple, int] = {}
        self.pair_doc: list[int] = []  # one pair per document and facet value it has
        self.pair_key: list[int] = []
        self.frozen: _Pairs | None = None  # the pairs as arrays, remade after each add
        self.last_sort = ""
        self.kept = _Kept(KEPT_BYTES)  # per words and filters: what they match, the head of the ranking
        self.add(docs)

    def forget(self) -> None:
        """Drop the kept rankings (the benchmark times fresh answers with it)."""
        with self.lock:
            self.kept.clear()

    def _pairs(self) -> "_Pairs":
        if self.frozen is None:
            doc, key = np.array(self.pair_doc, dtype=np.int64), np.array(self.pair_key, dtype=np.int64)
            order = np.argsort(key, kind="stable")
            starts = np.searchsorted(key[order], np.arange(len(self.keys) + 1))
            counted = np.array([facet in COUNTED or facet == "municipality" for facet, _ in self.keys], dtype=bool)
            keep = counted[key] if len(key) else np.zeros(0, dtype=bool)
            by_doc = np.argsort(doc[keep], kind="stable")  # documents are added in row order: already sorted
            count_doc, count_key = doc[keep][by_doc], key[keep][by_doc]
            doc_starts = np.searchsorted(count_doc, np.arange(self.size + 1))
            self.frozen = _Pairs(count_doc, count_key, doc[order], starts, doc_starts)
        return self.frozen

    def _filter_mask(self, filters: dict):
        """The rows every filter allows (one facet's values are alternatives), or None when there is no filter."""
        pairs, allowed = self._pairs(), None
        for facet, values in filters.items():
            mask = np.zeros(self.size, dtype=bool)
            for value in values:
                k = self.key_of.get((facet, value))
                if k is not None:
                    mask[pairs.docs_by_key[pairs.starts[k] : pairs.starts[k + 1]]] = True
            allowed = mask if allowed is None else allowed & mask
        return allowed

    def _counts(self, hits) -> list[tuple]:
        pairs = self._pairs()
        ids = np.flatnonzero(hits)
        if len(ids) < SPARSE_SHARE * self.size:
            # Few hits: their own pairs, read by document (each document's pairs are contiguous), instead of a
            # pass over every pair of the index.
            starts, ends = pairs.doc_starts[ids], pairs.doc_starts[ids + 1]
            lengths = ends - starts
            positions = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
            n = np.bincount(pairs.count_key[positions], minlength=len(self.keys))
        else:
            n = np.bincount(pairs.count_key[hits[pairs.count_doc]], minlength=len(self.keys))
        return [(*self.keys[k], int(n[k])) for k in np.flatnonzero(n)]

    def add(self, docs: list[Doc]) -> None:
        """Index `docs` (sorted here into tree order); a later call must hold documents that come after these
        in tree order (as the municipalities in code order), since row ids are the tree order."""
        docs = sorted(docs, key=_sort_key)
        if docs and _sort_key(docs[0]) < self.last_sort:
            raise ValueError(f"documents must be added in tree order: {docs[0].iri} comes before ones indexed")
        start = self.size
        rows, texts = [], []
        for i, d in enumerate(docs, start):
            lines = self.source_lines(d)
            rows.append((i, json.dumps(_doc_json(d), ensure_ascii=False)))
            texts.append(
                (i, index_text(f"{d.label} {d.label_en}"), index_text(" ".join(d.description)), index_text(lines))
            )
        with self.lock:
            for i, d in enumerate(docs, start):
                for facet, values in d.facets.items():
                    for value in values:
                        k = self.key_of.setdefault((facet, value), len(self.keys))
                        if k == len(self.keys):
                            self.keys.append((facet, value))
                        self.pair_doc.append(i)
                        self.pair_key.append(k)
            if docs:
                self.last_sort = _sort_key(docs[-1])
            self.size += len(docs)
            self.frozen = None
            self.kept.clear()  # new rows change the matches and every score (IDF, average length)
            self._pairs()  # made now, so that the first search does not pay for it
            self.db.executemany("INSERT INTO docs VALUES (?, ?)", rows)
            self.db.executemany("INSERT INTO fts(rowid, label, description, source) VALUES (?, ?, ?, ?)", texts)
            self.db.commit()

    def add_source_lines(self, texts: list[tuple]) -> None:
        """Every line of the seed texts, so that text no element cites is found too.
        `texts`: (code, municipality, source IRI, source label) per seed text."""
        meta, rows, i = [], [], 0
        for code, municipality, source, label in texts:
            for n, text in enumerate(read_lines(source, self.base) or [], 1):
                if text.strip():
                    i += 1
                    meta.append((i, code, municipality, source, label, n))
                    rows.append((i, index_text(text)))
        with self.lock:
            self.db.executemany("INSERT INTO line_meta VALUES (?, ?, ?, ?, ?, ?)", meta)
            self.db.executemany("INSERT INTO lines(rowid, text) VALUES (?, ?)", rows)
            self.db.commit()

    def search_lines(self, query: str, municipalities=(), limit: int = 20) -> tuple[int, list]:
        """(how many seed-text lines match, the first `limit` of them in document order) as SourceLine."""
        expression, runs = match_expression(query or "")
        if expression is None:
            return 0, []
        sql = "FROM lines JOIN line_meta m ON m.id = lines.rowid WHERE lines MATCH ?"
        params = [expression]
        if municipalities:
            sql += f" AND m.code IN ({', '.join('?' * len(municipalities))})"
            params += list(municipalities)
        with self.lock:
            total = self.db.execute(f"SELECT COUNT(*) {sql}", params).fetchone()[0]
            rows = self.db.execute(
                f"SELECT m.code, m.municipality, m.source, m.source_label, m.line {sql} ORDER BY m.id LIMIT ?",
                [*params, limit],
            ).fetchall()
        out = []
        for code, municipality, source, label, n in rows:
            text = (read_lines(source, self.base) or [""] * n)[n - 1]
            out.append(SourceLine(code, municipality, source, label, n, text, highlight(text, runs)))
        return total, out

    def source_lines(self, d: Doc) -> str:
        text = read_lines(d.source, self.base) if d.source else None
        if not text or not d.start:
            return ""
        return "\n".join(text[d.start - 1 : d.end or d.start])

    def __len__(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM docs").fetchone()[0]

    def search(self, query: str, filters: dict | None = None, page: int = 1, size: int | None = PAGE_SIZE) -> Result:
        """Hits for `query` (every run of letters must occur, 表記ゆれ folded) narrowed by `filters` (facet key ->
        values: several values of one facet are alternatives, different facets must all hold). An empty query
        lists everything the filters allow. `size=None` returns every hit (downloads)."""

        t0 = time.perf_counter()
        filters = {k: [v for v in vs if v] for k, vs in (filters or {}).items() if k in FILTERS}
        filters = {k: vs for k, vs in filters.items() if vs}
        expression, runs = match_expression(query or "")
        if query and query.strip() and expression is None:
            return Result(query, filters, 0, [], {}, 1, 0, time.perf_counter() - t0)
        page = max(1, page)
        offset = 0 if size is None else (page - 1) * int(size)
        with self.lock:
            allowed = self._filter_mask(filters)
            if expression is not None:
                hits, ranked = self._words(expression, filters, allowed, offset, size)
            else:  # no words: tree order, which is row id order
                if allowed is None:
                    hits = np.ones(self.size, dtype=bool)
                    hits[0] = False
                else:
                    hits = allowed
                ids = np.flatnonzero(hits)[offset : None if size is None else offset + int(size)]
                ranked = [(i, 0.0) for i in ids.tolist()]
            data = self._data([i for i, _ in ranked])
            counts = self._counts(hits)
        total = int(np.count_nonzero(hits))
        hits_shown = [self._hit(json.loads(data[i]), score, runs) for i, score in ranked]
        pages = 1 if size is None else max(1, -(-total // int(size)))
        return Result(
            query, filters, total, hits_shown, self._facets(counts, filters), page, pages, time.perf_counter() - t0
        )

    def _words(self, expression: str, filters: dict, allowed, offset: int, size: int | None):
        """(the hits as a mask, [(row id, bm25)] of the page) for words and filters, from what is kept for them or
        for the same words without filters when there is, else from FTS5 (and then kept)."""
        key = (expression, tuple(sorted((f, tuple(sorted(vs))) for f, vs in filters.items())))
        kept = self.kept.get(key)
        if kept is None and allowed is not None:
            words = self.kept.get((expression, ()))
            if words is not None:  # a facet ticked after the words alone: their matches and ranking, filtered
                ids = words.ids[allowed[words.ids]]
                head = allowed[words.head]
                kept = _Ranking(ids, words.head[head], words.scores[head], words.complete)
                self.kept.put(key, kept)
        if kept is not None:
            hits = np.zeros(self.size, dtype=bool)
            hits[kept.ids] = True
        else:
            hits = self._text_mask(expression, allowed)
            if allowed is not None:
                hits &= allowed
        end = None if size is None else offset + int(size)
        if kept is not None and end is not None and (end <= len(kept.head) or kept.complete):
            return hits, list(zip(kept.head[offset:end].tolist(), kept.scores[offset:end].tolist(), strict=True))
        if end is not None and end <= MAX_HEAD:
            # Ranked from the top and kept: a facet whose rows are few in the words' head (the Measures among 地域
            # 福祉's best hits) gets its own head, so that its next page or format is not ranked again.
            limit = max(RANKED_KEPT, end)
            head = self._ranked(expression, allowed, 0, limit, hits)
            ids = kept.ids if kept is not None else np.flatnonzero(hits).astype(np.int32)
            rows = np.array([i for i, _ in head], dtype=np.int32)
            scores = np.array([score for _, score in head], dtype=np.float64)
            self.kept.put(key, _Ranking(ids, rows, scores, len(head) < limit))
            return hits, head[offset:end]
        # A download (every hit) or a page deep in the ranking: ranked by SQLite and not kept (the heads stay small).
        return hits, self._ranked(expression, allowed, offset, size, hits)

    def _text_mask(self, expression: str, allowed=None):
        """Every row the words match, without ranking them (one string of ids is cheaper to fetch than rows).
        With a filter, only the rows between its first and last allowed row are matched: a municipality, a plan
        or a subtree is one run of row ids (tree order), and FTS5 seeks straight to it."""
        sql, params = "SELECT group_concat(rowid) FROM fts WHERE fts MATCH ?", [expression]
        if allowed is not None:
            bounds = _bounds(allowed)
            if bounds is None:
                return np.zeros(self.size, dtype=bool)
            sql += " AND rowid BETWEEN ? AND ?"
            params += bounds
        ids = self.db.execute(sql, params).fetchone()[0]
        mask = np.zeros(self.size, dtype=bool)
        if ids:
            # numpy parses the comma-separated ids in C: 4x faster than splitting into Python strings first.
            mask[np.fromstring(ids, dtype=np.int64, sep=",")] = True
        return mask

    def _ranked(self, expression: str, allowed, offset: int, size: int | None, hits=None) -> list[tuple]:
        """(row id, bm25) of the page asked for, by relevance, ties in tree order. Without filters SQLite keeps
        only the page (ORDER BY … LIMIT). With filters only the rows that pass them are scored: a byte mask of the
        rows the words and the filters allow is tested before bm25 is computed (SQLite evaluates the WHERE clause
        before the columns), so bm25 runs on the allowed rows alone."""
        sql = "SELECT rowid, bm25(fts, 10.0, 3.0, 1.0) AS score FROM fts WHERE fts MATCH ?"
        order = " ORDER BY score, rowid" + ("" if size is None else f" LIMIT {int(size)} OFFSET {int(offset)}")
        if allowed is None:
            return self.db.execute(sql + order, [expression]).fetchall()
        if hits is None:
            hits = self._text_mask(expression, allowed) & allowed
        left = int(np.count_nonzero(hits))
        if left == 0:
            return []  # nothing passes the filters: no need to rank what the words match
        # The mask test is an expression, not a rowid constraint FTS5 could take: SQLite applies it to each matched
        # row. Row ids as a constraint (`rowid IN (…)`) make FTS5 run the match, and bm25 its IDF over the whole
        # table, once per row: 0.74 s for the 124 hits of 地域 福祉 in one municipality at national size, against
        # 10 ms this way. substr() of a blob reads one byte; the bounds let FTS5 seek to the allowed rows' run.
        masked = f"{sql} AND rowid BETWEEN ? AND ? AND substr(?, rowid + 1, 1) = x'01'"
        return self.db.execute(masked + order, [expression, *_bounds(hits), hits.tobytes()]).fetchall()

    def _data(self, ids: list[int]) -> dict:
        """Row id -> the stored hit, for the page's ids (passed as one JSON array: no limit on their number)."""
        if not ids:
            return {}
        sql = "SELECT d.id, d.data FROM json_each(?) j JOIN docs d ON d.id = j.value"
        return dict(self.db.execute(sql, [json.dumps(ids)]))

    def _facets(self, counts, filters) -> dict:
        out = {key: [] for key in FILTERS}
        seen = set()
        for facet, value, n in counts:
            out[facet].append(FacetValue(value, self.label_of(facet, value), n, value in filters.get(facet, ())))
            seen.add((facet, value))
        for facet, values in filters.items():  # a selected value stays visible (to unselect) even at zero
            out[facet] += [FacetValue(v, self.label_of(facet, v), 0, True) for v in values if (facet, v) not in seen]
        for facet, values in out.items():
            if facet == "level":
                values.sort(key=lambda v: (LEVELS.index(v.key) if v.key in LEVELS else 99, v.key))
            elif facet == "municipality":
                values.sort(key=lambda v: v.key)
            else:
                values.sort(key=lambda v: (-v.count, v.label.ja))
        return out

    def label_of(self, facet: str, key: str) -> Label:
        return self.value_labels.get((facet, key)) or Label(key)

    def _hit(self, d: dict, score: float, runs: list) -> Hit:
        cited = read_lines(d["source"], self.base) if d["source"] else None
        lines = []
        if cited and d["start"]:
            numbered = [(n, cited[n - 1]) for n in range(d["start"], (d["end"] or d["start"]) + 1) if n <= len(cited)]
            marked = [(n, text, highlight(text, runs)) for n, text in numbered]
            matching = [line for line in marked if any(m for _, m in line[2])]
            lines = matching or marked[:1]
        return Hit(
            d["iri"],
            d["label"],
            d["label_en"],
            d["code"],
            d["municipality"],
            d["plans"],
            d["level"],
            d["level_label"],
            d["number"],
            d["path"],
            d["source"],
            d["start"],
            d["end"],
            lines,
            highlight(d["label"], runs),
            -score,
        )


@dataclass
class _Ranking:
    ids: "np.ndarray"  # every row the words match that the filters allow (int32, in row order)
    head: "np.ndarray"  # the first rows of their ranking (int32) …
    scores: "np.ndarray"  # … and their bm25 (float64, as SQLite computed it)
    complete: bool  # the head is the whole ranking

    def bytes(self) -> int:
        return KEPT_ENTRY_BYTES + self.ids.nbytes + self.head.nbytes + self.scores.nbytes


class _Kept:
    """Least recently used rankings within `max_bytes` (the arrays' bytes); callers hold the index's lock."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.bytes = 0
        self.items: OrderedDict[tuple, _Ranking] = OrderedDict()

    def get(self, key: tuple) -> "_Ranking | None":
        found = self.items.get(key)
        if found is not None:
            self.items.move_to_end(key)
        return found

    def put(self, key: tuple, ranking: _Ranking) -> None:
        """Keep `ranking` for `key`, in place of what was kept for it."""
        old = self.items.pop(key, None)
        if old is not None:
            self.bytes -= old.bytes()
        if ranking.bytes() > self.max_bytes:
            return
        self.items[key] = ranking
        self.bytes += ranking.bytes()
        while self.bytes > self.max_bytes:
            _, old = self.items.popitem(last=False)
            self.bytes -= old.bytes()

    def clear(self) -> None:
        self.items.clear()
        self.bytes = 0


@dataclass
class _Pairs:
    count_doc: "np.ndarray"  # the pairs of the counted facets: document …
    count_key: "np.ndarray"  # … and facet value
    docs_by_key: "np.ndarray"  # every pair's document, grouped by facet value …
    starts: "np.ndarray"  # … value k's from starts[k] to starts[k + 1]
    doc_starts: "np.ndarray"  # the counted pairs of document d: from doc_starts[d] to doc_starts[d + 1]


def _bounds(mask) -> list[int] | None:
    """[first, last] row id set in a boolean mask, or None when none is."""
    ids = np.flatnonzero(mask)
    return [int(ids[0]), int(ids[-1])] if len(ids) else None


def _sort_key(d: Doc) -> str:
    return d.sort or f"{d.code}\t{d.iri}"


def _doc_json(d: Doc) -> dict:
    return {
        "iri": d.iri,
        "label": d.label,
        "label_en": d.label_en,
        "code": d.code,
        "municipality": d.municipality,
        "plans": d.plans,
        "level": d.level,
        "level_label": d.level_label,
        "number": d.number,
        "path": d.path,
        "source": d.source,
        "start": d.start,
        "end": d.end,
    }


def facet_key(iri: str, graph: Graph) -> str:
    """A short, stable URL value for a concept or actor IRI: its path below id/ (whatever the base)."""
    return iri[len(graph.ns.id) :] if iri.startswith(graph.ns.id) else iri


def documents(graph: Graph) -> tuple[list[Doc], dict]:
    """Every plan element with what the index and the facets need, and the facet values' labels."""
    fk, rdf, rdfs = graph.ns.fk, "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://www.w3.org/2000/01/rdf-schema#"
    labeller = Labeller(graph)
    docs: dict[str, Doc] = {}
    value_labels: dict = {}
    plan_types: dict[str, set] = {}
    for r in graph.select(PLAN_TYPES):
        plan_types.setdefault(r["plan"].value, set()).add(r["t"].value)
    prop_facets = {fk + p: key for key, (p, _, _) in FACETS.items() if p}
    for r in graph.select(ELEMENTS):
        iri, plan, m = r["e"].value, r["plan"].value, r["m"].value
        d = docs.get(iri)
        if d is None:
            d = docs[iri] = Doc(iri, facets={key: set() for key in FILTERS})
        code = r["code"].value if "code" in r else local_name(m)
        if not d.code:
            d.code, d.municipality = code, labeller(m).ja
            d.facets["municipality"].add(code)
            value_labels[("municipality", code)] = labeller(m)
        if all(p[0] != plan for p in d.plans):
            d.plans.append((plan, labeller(plan).ja))
            for t in plan_types.get(plan, ()):
                d.facets["plan_type"].add(local_name(t))
                value_labels[("plan_type", local_name(t))] = labeller(t)
        p, o = r["p"].value, r["o"]
        if p == rdfs + "label":
            if (o.language or "ja") == "ja" and not d.label:
                d.label = o.value
            elif o.language == "en":
                d.label_en = o.value
        elif p.endswith("/description") or p == fk + "note":
            if o.value not in d.description:
                d.description.append(o.value)
        elif p == fk + "number":
            d.number = o.value
        elif p == fk + "levelLabel":
            d.level_label = o.value
        elif p == fk + "sourceFile":
            d.source = o.value
        elif p == fk + "startLine":
            d.start = d.start and min(d.start, int(o.value)) or int(o.value)
        elif p == fk + "endLine":
            d.end = max(d.end, int(o.value))
        elif p == fk + "parent":
            d.parent = o.value
        elif p == fk + "order":
            d.order = int(o.value)
        elif p == rdf + "type" and o.value.startswith(fk):
            name = o.value[len(fk) :]
            if name in LEVELS:
                d.facets["level"].add(name)
        elif p == fk + "partOf":
            d.facets["within"].add(facet_key(o.value, graph))
        elif p in prop_facets:
            key = facet_key(o.value, graph)
            d.facets[prop_facets[p]].add(key)
            value_labels.setdefault((prop_facets[p], key), labeller(o.value))
    for d in docs.values():
        levels = d.facets["level"]
        d.level = next((c for c in MOST_SPECIFIC_FIRST if c in levels), "")
        d.facets["level"] = {d.level} if d.level else set()
        if d.level:
            value_labels.setdefault(("level", d.level), labeller(fk + d.level))
        d.path = _path(d, docs, labeller)
        # Tree order (plan, then fk:order down the chain), for listings without a query and tree downloads.
        chain = [docs[a] for a, _ in d.path[1:] if a in docs] + [d]
        keys = [f"{HEAD_RANK.get(x.level, 2)}{x.order:06d}" for x in chain]
        d.sort = "\t".join([d.code, d.path[0][0] if d.path else d.iri, *keys])
    for d in docs.values():
        for key in d.facets["within"]:
            if ("within", key) not in value_labels:
                value_labels[("within", key)] = labeller(graph.ns.id + key)
    return sorted(docs.values(), key=lambda d: (d.code, d.iri)), value_labels


def _path(d: Doc, docs: dict, labeller: Labeller) -> list:
    chain, seen, current = [], {d.iri}, d.parent
    while current and current not in seen:
        seen.add(current)
        parent = docs.get(current)
        chain.append((current, parent.label if parent and parent.label else labeller(current).ja))
        current = parent.parent if parent else ""
    return list(reversed(chain))


def get_index(graph: Graph) -> SearchIndex:
    """The index of this graph, built on first use (about a second on the bundled data)."""
    index = graph.cache.get(CACHE_KEY)
    if index is None:
        docs, value_labels = documents(graph)
        index = SearchIndex(docs, value_labels, graph.ns.base)
        labeller = Labeller(graph)
        texts = [
            (
                r["code"].value if "code" in r else "",
                labeller(r["m"].value).ja,
                r["src"].value,
                labeller(r["src"].value).ja,
            )
            for r in graph.select(SOURCE_TEXTS)
        ]
        index.add_source_lines(sorted(set(texts)))
        graph.cache[CACHE_KEY] = index
    return index
