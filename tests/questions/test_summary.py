"""The summary graph (server.graph.summary): every count equals what the live query over the whole graph says."""

from collections import defaultdict

import pytest

from server.graph.summary import DATASETS, FK, QUESTION_ROWS, REF_AREA, SUMMARY
from server.questions.parameters import bind

QB = "http://purl.org/linked-data/cube#"


@pytest.fixture(scope="module")
def observations(rows):
    """{dataset: {(area, dimension values…): count}} read back from the published graph."""
    out = defaultdict(dict)
    found = rows(
        f"""SELECT ?obs ?ds ?area ?p ?v ?n WHERE {{
              ?obs <{QB}dataSet> ?ds ; <{REF_AREA}> ?area ; <{FK}count> ?n .
              OPTIONAL {{ ?obs ?p ?v . FILTER(STRSTARTS(STR(?p), "{FK}") && ?p != <{FK}count>) }} }}"""
    )
    by_obs = defaultdict(dict)
    for r in found:
        entry = by_obs[r["obs"]]
        entry.update(ds=r["ds"].removeprefix(SUMMARY), area=r["area"], n=int(r["n"]))
        if "p" in r:
            entry[r["p"].removeprefix(FK)] = r["v"]
    for entry in by_obs.values():
        dims = tuple(sorted((k, v) for k, v in entry.items() if k not in ("ds", "area", "n")))
        out[entry["ds"]][(entry["area"], dims)] = entry["n"]
    return out


def municipalities(rows):
    return [r["m"] for r in rows(f"SELECT ?m WHERE {{ ?m a <{FK}Municipality> }}")]


def test_every_question_row_count_equals_the_live_query(observations, questions, lookup, rows):
    counts = observations[QUESTION_ROWS]
    assert counts, "no question-rows observations"
    for name, question in questions.items():
        for city in municipalities(rows):
            code = city.rsplit("/", 1)[-1]
            live = len(rows(bind(question, {"municipality": code}, lookup).text))
            assert counts.get((city, (("question", name),)), 0) == live, (name, code)


def test_prefecture_counts_are_the_sums_of_their_municipalities(observations, rows):
    prefecture = {r["m"]: r["p"] for r in rows(f"SELECT ?m ?p WHERE {{ ?m <{FK}prefecture> ?p }}")}
    for dataset, counts in observations.items():
        sums = defaultdict(int)
        for (area, dims), n in counts.items():
            if area in prefecture:
                sums[(prefecture[area], dims)] += n
        got = {key: n for key, n in counts.items() if "/prefecture/" in key[0]}
        assert got == dict(sums), dataset


@pytest.mark.parametrize("dataset", sorted(DATASETS))
def test_element_and_plan_counts_equal_the_live_query(observations, rows, dataset):
    """The live count of each observation, over the whole graph, restricted to its municipality and values."""
    counts = {k: n for k, n in observations[dataset].items() if "/municipality/" in k[0]}
    assert counts
    variables = {"elementKind": "kind", "planKind": "kind", "observedTargetGroup": "group"}
    variables |= {"observedFunction": "function", "periodStart": "start", "periodEnd": "end"}
    _, sparql = DATASETS[dataset]
    live = {}
    for r in rows(sparql):
        dims = tuple(sorted((d, r[v]) for d, v in variables.items() if v in r and d in _dimensions(dataset)))
        live[(r["area"], dims)] = int(r["n"])
    assert counts == live


def _dimensions(dataset):
    return DATASETS[dataset][0]


def test_measures_per_municipality_match_the_plan_files(observations):
    # test_competency_queries: 相模原市 26 measures, 小田原市 32, 美祢市 208 (distinct fk:Measure elements)
    counts = observations["elements"]
    measure = (("elementKind", FK + "Measure"),)
    got = {
        area.rsplit("/", 1)[-1]: n for (area, dims), n in counts.items() if dims == measure and "/municipality/" in area
    }
    assert got == {"141500": 26, "142069": 32, "352136": 208}
