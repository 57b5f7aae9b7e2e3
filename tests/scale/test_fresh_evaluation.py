"""How `bench scale` times a named question's fresh evaluation on each engine: asked in turn, each time under a
new text, and the median kept (one ask of a 10 ms question on a shared machine is mostly noise)."""

from server.bench import scale


def test_the_engines_are_asked_in_turn_under_new_texts_and_the_median_is_kept(monkeypatch):
    asked = []
    times = {"ours": iter([0.030, 0.010, 0.020]), "theirs": iter([0.012, 0.011, 0.900])}
    monkeypatch.setattr(scale, "_answer_seconds", lambda url, text: asked.append((url, text)) or next(times[url]))
    mine, other = scale._fresh_median("ours", "theirs", "SELECT * {}", 3)
    assert (mine, other) == (0.020, 0.012)
    assert [url for url, _ in asked] == ["ours", "theirs"] * scale.FRESH_ASKS
    assert len({text for _, text in asked}) == len(asked) and all(t.startswith("SELECT * {}\n") for _, t in asked)


def test_an_engine_that_stops_a_question_once_is_reported_as_stopped(monkeypatch):
    times = {"ours": iter([0.010, 0.010, 0.010]), "theirs": iter([0.010, None])}
    asked = []
    monkeypatch.setattr(scale, "_answer_seconds", lambda url, text: asked.append(url) or next(times[url]))
    assert scale._fresh_median("ours", "theirs", "ASK {}", 0) == (0.010, None)
    assert asked.count("theirs") == 2  # not asked again once it stopped the question
