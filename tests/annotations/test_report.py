"""The audit report: `fukushi-kg annotations [--stats]` and the /annotations page."""

import csv
import re
from collections import Counter

from server.annotations.decisions import DECISIONS_FILE
from server.cli import main
from server.paths import DATA_DIR


def decision_counts():
    """Per scheme prefix and verdict, straight from the decisions table."""
    with DECISIONS_FILE.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    return Counter((r["concept"].split(":")[0], r["verdict"]) for r in rows)


def test_stats_print_the_decided_counts_and_clean_quality_checks(published_dir, capsys):
    assert main(["annotations", "--stats", "--published", str(published_dir)]) == 0
    out = capsys.readouterr().out
    counts = decision_counts()
    schemes = {"target-group": "tg", "multilayered-function": "fn", "recidivism-priority": "rp", "topic": "tp"}
    for name, prefix in schemes.items():
        line = re.search(rf"^{name}\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$", out, re.M)
        assert line, name
        proposals, accepted, rejected, added = map(int, line.groups())
        assert (accepted, rejected, added) == (
            counts[prefix, "accepted"],
            counts[prefix, "rejected"],
            counts[prefix, "added"],
        )
        assert proposals == accepted + rejected
    quality = dict(re.findall(r"^  ([\w-]+): (\d+)$", out, re.M))
    assert set(quality) == {
        "annotations-outside-their-scheme",
        "same-label-different-annotations",
        "recidivism-priority-out-of-context",
        "near-duplicates-tagged-differently",
    }
    assert set(quality.values()) == {"0"}


def test_stats_print_the_reviewed_share_from_the_table(published_dir, capsys):
    assert main(["annotations", "--stats", "--published", str(published_dir)]) == 0
    out = capsys.readouterr().out
    with DECISIONS_FILE.open(encoding="utf-8", newline="") as f:
        reviews = Counter(r["review"] for r in csv.DictReader(f, delimiter="\t"))
    total = sum(reviews.values())
    line = re.search(r"^reviewed by a person: (\d+) of (\d+) .*software agent: (\d+) .*as proposed: (\d+) ", out, re.M)
    assert line, out
    assert tuple(map(int, line.groups())) == (reviews["person"], total, reviews["agent"], reviews["as-proposed"])
    assert re.search(r"^kept annotations inherited from a heading \(lower confidence\): [1-9]\d*$", out, re.M)


def test_audit_lists_each_city_and_concept_with_the_words(published_dir, capsys):
    assert main(["annotations", "--city", "141500", "--published", str(published_dir)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("相模原市 (141500)\n")
    assert "久留米市" not in out
    # a proposal resting on the element's own words, with the words and who reviewed it (this element was filed
    # under 地域づくりへの支援 until its own words were read as 地域づくり: issue 19d)
    assert re.search(
        r"\+ accepted 141500/cwp5-pi1-d2-m01 「福祉コミュニティの形成の充実」 002:16 "
        r"\(text: 福祉コミュニティ\) \[agent: agent:issue-19d .+ 2026-12-05\]",
        out,
    )
    # a hand-added one says why
    assert re.search(r"\+ added    141500/gpp-pi3 .*\(hand: 成年後見制度利用促進基本計画 — .*002:43", out)
    # the 再犯 plan's items are about 犯罪をした者等 from the plan's kind (its own kind of evidence, shown as such),
    # decided by an agent, not yet by a person
    assert re.search(
        r"\+ accepted 141500/rpp-m02 .*002:56 \(from the plan's kind: 再犯防止推進計画\) \[agent: agent:issue-19c", out
    )


def test_audit_shows_a_heading_inherited_annotation_as_such(published_dir, capsys):
    assert main(["annotations", "--city", "402036", "--published", str(published_dir)]) == 0
    # a proposal filed under its heading, with the heading as its words (its own words 交流 support it)
    assert re.search(
        r"\+ accepted 402036/cwp4-p4-d2 .*\(inherited from heading: 見守り活動・交流の場や居場所づくりの推進\) "
        r"\[as-proposed: .+ 2026-12-02\]",
        capsys.readouterr().out,
    )


def test_audit_of_an_unknown_city_is_an_error(published_dir, capsys):
    assert main(["annotations", "--city", "999999", "--published", str(published_dir)]) == 2
    assert "999999" in capsys.readouterr().err


def test_the_page_lists_rejections_with_their_reasons(client):
    page = client.get("/annotations?city=352136")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "美祢市" in html and "相模原市" not in html.split("<form")[1].split("</form>")[1]
    assert "見守り・アウトリーチの対象としての「要支援者」" in html  # the one rejection in 美祢市
    assert 'href="/id/352136/cwp3-g1-p1-d3-s03"' in html
    assert "人が確認" in html and "提案のまま採用" in html and "見出しから継承" in html
    assert client.get("/annotations?city=999999").status_code == 404


def test_the_page_escapes_what_it_prints(client):
    html = client.get("/annotations").get_data(as_text=True)
    assert "<script" not in html.lower()
    assert html.count("<table") > 20
    assert str(DATA_DIR) not in html  # the decisions file is named by its repository path, not the server's
    assert "data/annotations/decisions.tsv" in html
