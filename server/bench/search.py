"""`fukushi-kg bench search`: search latency (not a test).

On the bundled data: each query in QUERIES answered through the app (the /search JSON and HTML responses, the
index built once beforehand), timed per request; the peer is the same words looked up without an index, as a
SPARQL FILTER(CONTAINS(…)) over every element's label, description and note in the same pyoxigraph store the
pages use — what a user can do today without search. Every request is timed fresh: what the index keeps of earlier
requests with the same words (server.search.index._Kept) is dropped before it. Target: p90 ≤ 30 ms.

With --national: a synthetic copy of the bundled elements, one per municipality of Japan (1,741), made only
inside this process and never written anywhere, clearly marked (codes from 900001, names 合成…). It measures
the index at national size until the national-scale data generator exists, with QUERIES and NATIONAL_QUERIES.
Each query is timed fresh (nothing kept from an earlier request: the target's figure, p90 ≤ 100 ms), again (the
same request once more: another page or format of the same search) and, for words with a facet, ticked (the words
alone asked first, untimed, as a user ticks a facet on their results).
"""

import statistics
import time
from dataclasses import replace

from server.app import create_app
from server.graph.on_demand import ensure_dump
from server.paths import PUBLISHED_DIR
from server.search.index import SearchIndex, documents, get_index
from server.web.graph import get_graph

QUERIES = [
    ({"q": "支えあい"}, "variant spelling"),
    ({"q": "障がい"}, "variant spelling"),
    ({"q": "見守り"}, "common word"),
    ({"q": "孤"}, "one character"),
    ({"q": "地域 福祉"}, "two words"),
    ({"q": "ひきこもり", "municipality": "352136"}, "word + facet"),
    ({"q": "", "level": "Measure"}, "facet only"),
    ({"q": "", "level": "Measure", "target_group": "concept/target-group/older-people"}, "two facets"),
    ({"q": "成年後見制度の利用促進"}, "long phrase"),
]
# At national size also: broad words within a facet, where the hits the filters allow are many (a level) or few
# (one municipality of 1,741) among very many the words match.
NATIONAL_QUERIES = [
    ({"q": "地域 福祉", "level": "Measure"}, "broad words + facet"),
    ({"q": "地域 福祉", "municipality": "352136"}, "broad words + municipality"),
]
MUNICIPALITIES_OF_JAPAN = 1741  # 市町村 (792 市, 743 町, 183 村) and 23 特別区, as counted by 総務省


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def bench(args) -> int:
    published = args.published or str(PUBLISHED_DIR)
    ensure_dump(published)
    app = create_app({"PUBLISHED_DIR": published, "BUILD_IF_MISSING": False, "TESTING": True})
    client = app.test_client()
    repeat, warmup = max(1, args.repeat), max(0, args.warmup)
    with app.app_context():
        graph = get_graph()
        t = time.perf_counter()
        index = get_index(graph)
        print(f"index: {len(index)} elements, built in {time.perf_counter() - t:.2f} s ({repeat} timed runs each)\n")
        print(
            f"{'query':<44} {'hits':>6} {'json p50':>9} {'json p90':>9} {'html p90':>9} {'sparql p90':>11} {'ratio':>6}"
        )
        all_json, all_html, ratios = [], [], []
        for params, what in QUERIES:
            for _ in range(warmup):
                client.get("/search", query_string={**params, "format": "json"})
            json_t, html_t, peer_t = [], [], []
            for _ in range(repeat):
                index.forget()
                json_t.append(_timed(lambda p=params: client.get("/search", query_string={**p, "format": "json"})))
                index.forget()
                html_t.append(_timed(lambda p=params: client.get("/search", query_string=p)))
                if params["q"]:
                    peer_t.append(_timed(lambda p=params: _sparql_contains(graph, p)))
            hits = client.get("/search", query_string={**params, "format": "json"}).get_json()["total"]
            all_json += json_t
            all_html += html_t
            peer = f"{percentile(peer_t, 90) * 1000:>11.1f}" if peer_t else f"{'—':>11}"
            ratio = percentile(json_t, 90) / percentile(peer_t, 90) if peer_t else None
            if ratio:
                ratios.append(ratio)
            label = f"{what}: " + " ".join(f"{k}={v}" for k, v in params.items() if v)
            print(
                f"{label[:44]:<44} {hits:>6} {statistics.median(json_t) * 1000:>9.1f} "
                f"{percentile(json_t, 90) * 1000:>9.1f} {percentile(html_t, 90) * 1000:>9.1f} {peer} "
                f"{ratio if ratio else 0:>6.2f}"
            )
        p90_json, p90_html = percentile(all_json, 90) * 1000, percentile(all_html, 90) * 1000
        print(f"\nall queries: p90 JSON {p90_json:.1f} ms, p90 HTML {p90_html:.1f} ms — target ≤ 30 ms: ", end="")
        print("met" if max(p90_json, p90_html) <= 30 else "NOT met")
        print(f"geometric mean of ratios ours (JSON) / SPARQL CONTAINS: {statistics.geometric_mean(ratios):.2f}")
        if args.national:
            _national(graph, repeat)
    return 0


def _timed(fn) -> float:
    t = time.perf_counter()
    response = fn()
    if hasattr(response, "status_code") and response.status_code != 200:
        raise RuntimeError(f"search answered {response.status_code}")
    return time.perf_counter() - t


CONTAINS = """
SELECT DISTINCT ?e WHERE {
  ?e a fk:PlanElement ; rdfs:label|dcterms:description|fk:note ?text .
  FILTER(%s)
}
"""


def _sparql_contains(graph, params):
    """The peer: every word as a substring of a label, description or note (no 表記ゆれ folding, no index)."""
    words = params["q"].split()
    condition = " && ".join(f"CONTAINS(STR(?text), {_literal(w)})" for w in words)
    return graph.select(CONTAINS % condition)


def _literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _national(graph, repeat: int) -> None:
    docs, labels = documents(graph)
    by_city = {}
    for d in docs:
        by_city.setdefault(d.code, []).append(d)
    cities = sorted(by_city)
    print(
        f"\nnational scale (SYNTHETIC: copies of the bundled plans, in memory only, never published): "
        f"{MUNICIPALITIES_OF_JAPAN} municipalities"
    )
    t = time.perf_counter()
    index = SearchIndex([], labels, graph.ns.base)
    batch = []
    for k in range(MUNICIPALITIES_OF_JAPAN):
        code = str(900001 + k)
        for d in by_city[cities[k % len(cities)]]:
            facets = dict(d.facets, municipality={code})
            batch.append(
                replace(
                    d,
                    iri=d.iri.replace("/id/", f"/id/synthetic-{code}/"),
                    code=code,
                    municipality=f"合成{k + 1}市",
                    facets=facets,
                    # tree order within the copy's own municipality (the index keeps row ids in tree order)
                    sort=f"{code}\t" + d.sort.split("\t", 1)[-1].replace("/id/", f"/id/synthetic-{code}/"),
                )
            )
        if len(batch) > 20000:
            index.add(batch)
            batch = []
    index.add(batch)
    print(f"index: {len(index):,} elements, built in {time.perf_counter() - t:.1f} s")
    fresh, again = [], []
    print(f"{'query':<44} {'hits':>8} {'fresh p50':>10} {'fresh p90':>10} {'again p90':>10} {'ticked p90':>11}")
    for params, what in QUERIES + NATIONAL_QUERIES:
        filters = {k: [v] for k, v in params.items() if k != "q" and k != "municipality"}
        if "municipality" in params:
            filters["municipality"] = ["900004"]  # a synthetic copy of 美祢市
        runs = max(3, repeat // 2)
        f_list, a_list, t_list = [], [], []
        for _ in range(runs):
            index.forget()
            f_list.append(_timed(lambda q=params["q"], f=filters: index.search(q, f)))
        for _ in range(runs):
            a_list.append(_timed(lambda q=params["q"], f=filters: index.search(q, f)))
        if params["q"] and filters:
            for _ in range(runs):
                index.forget()
                index.search(params["q"], {})
                t_list.append(_timed(lambda q=params["q"], f=filters: index.search(q, f)))
        result = index.search(params["q"], filters)
        fresh += f_list
        again += a_list
        label = f"{what}: " + " ".join(f"{k}={v}" for k, v in params.items() if v)
        ticked = f"{percentile(t_list, 90) * 1000:>11.1f}" if t_list else f"{'—':>11}"
        print(
            f"{label[:44]:<44} {result.total:>8,} {statistics.median(f_list) * 1000:>10.1f} "
            f"{percentile(f_list, 90) * 1000:>10.1f} {percentile(a_list, 90) * 1000:>10.1f} {ticked}"
        )
    p90 = percentile(fresh, 90) * 1000
    print(
        f"all queries: p90 fresh {p90:.1f} ms, again {percentile(again, 90) * 1000:.1f} ms "
        f"(index only, first page of 50) — target ≤ 100 ms (fresh): {'met' if p90 <= 100 else 'NOT met'}"
    )
