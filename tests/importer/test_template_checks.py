"""The template guides a planner: Japanese names in dropdowns, every cell checked on import with the sheet,
row and column named and the allowed values listed, CSV read in UTF-8 or Shift_JIS, and a one-line message
(never a traceback) for each mistake a planner makes with files and folders."""

import socket

import pytest
import rdflib
from openpyxl import load_workbook

from server.cli import main
from server.spreadsheet.csvw_rdf import csv_to_graph
from server.spreadsheet.load import spreadsheet_graph
from server.spreadsheet.template import export_rows, write_csv, write_xlsx
from server.spreadsheet.values import coded_columns

CODE = "082368"


@pytest.fixture(scope="module")
def rows():
    return export_rows(CODE)


@pytest.fixture
def book(rows, tmp_path):
    return write_xlsx(rows, tmp_path / f"{CODE}.xlsx")


def _header(ws) -> list:
    return [c.value for c in ws[1]]


def test_coded_columns_show_japanese_names_with_dropdowns(book):
    wb = load_workbook(book)
    assert wb.sheetnames[:4] == ["使い方", "計画", "担い手", "要素"] and "選択肢" in wb.sheetnames
    ws = wb["要素"]
    level = _header(ws).index("階層") + 1
    values = {ws.cell(r, level).value for r in range(2, ws.max_row + 1)}
    assert "基本目標" in values and "BasicGoal" not in values
    groups = _header(ws).index("対象者") + 1
    shown = {v for r in range(2, ws.max_row + 1) for v in (ws.cell(r, groups).value or "").split(";") if v}
    assert shown and shown <= set(coded_columns()[("elements", "target_groups")].names.values())
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
    assert ws.column_dimensions["H"].width >= 30  # 名称 is wide enough to read
    validations = {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}
    letter = ws.cell(1, level).column_letter
    dv = validations[f"{letter}2"]
    assert dv.type == "list" and dv.formula1.startswith("'選択肢'!$")
    listed = [c.value for c in wb["選択肢"][dv.formula1.split("$")[1]][1:] if c.value]
    assert listed == list(coded_columns()[("elements", "class")].names.values())
    assert "具体的な取組" in listed
    plans = wb["計画"]
    assert "地域福祉計画" in {plans.cell(r, 4).value for r in range(2, plans.max_row + 1)}
    guide = " ".join(str(c.value) for row in wb["使い方"].iter_rows() for c in row if c.value)
    assert "選択肢" in guide and "その他の記述" in guide and "docs/" not in guide  # nothing the wheel lacks


def test_every_wrong_cell_is_reported_at_once_as_a_planner_reads_it(book, tmp_path, capsys):
    wb = load_workbook(book)
    ws = wb["要素"]
    head = _header(ws)
    ws.cell(5, head.index("階層") + 1, "具体的取組")
    ws.cell(7, head.index("自助・互助・共助・公助") + 1, "互助・共助")
    ws.cell(9, head.index("担い手") + 1, "美祢市社会福祉協議会")
    ws.cell(11, head.index("順序") + 1, "三")
    wb["計画"].cell(2, _header(wb["計画"]).index("文書の完全性") + 1, "ぜんぶ")
    bad = tmp_path / "bad.xlsx"
    wb.save(bad)
    out = tmp_path / "bad.ttl"
    assert main(["import", str(bad), "--municipality", CODE, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and not out.exists()  # nothing half-written
    assert (
        "シート『要素』 5行 列『階層』: 『具体的取組』は使えません。使える値: 基本理念, 基本目標, 基本的な視点, 施策, "
        in err
    )
    assert "シート『要素』 7行 列『自助・互助・共助・公助』: 『互助・共助』は使えません。使える値: " in err
    assert "シート『要素』 9行 列『担い手』: 『美祢市社会福祉協議会』はシート『担い手』にありません" in err
    assert "シート『要素』 11行 列『順序』: 『三』は数ではありません" in err
    assert (
        "シート『計画』 2行 列『文書の完全性』: 『ぜんぶ』は使えません。使える値: 全文（確定版）, 全文の素案・案" in err
    )


def test_japanese_names_and_codes_both_map_to_codes(rows, tmp_path):
    edited = {t: [dict(r) if isinstance(r, dict) else list(r) for r in v] for t, v in rows.items()}
    edited["elements"][0]["tiers"] = "mutual-help"  # a code, as older templates wrote
    paths = write_csv(edited, tmp_path, "mixed")
    text = paths["elements"].read_text(encoding="utf-8-sig")
    assert "互助" in text
    g = csv_to_graph(paths)
    first = rdflib.URIRef(f"https://w3id.org/fukushi-kg/id/{CODE}/{rows['elements'][0]['id']}")
    tier = rdflib.URIRef("https://w3id.org/fukushi-kg/ontology#tier")
    assert rdflib.URIRef("https://w3id.org/fukushi-kg/id/concept/support-tier/mutual-help") in set(
        g.objects(first, tier)
    )


def test_a_deleted_column_is_named_in_japanese(book, tmp_path, capsys):
    wb = load_workbook(book)
    ws = wb["要素"]
    ws.delete_cols(_header(ws).index("上位ID（最上位は計画ID）") + 1)
    bad = tmp_path / "deleted.xlsx"
    wb.save(bad)
    assert main(["import", str(bad), "--municipality", CODE]) == 2
    err = capsys.readouterr().err
    assert err == (
        "error: シート『要素』: 列『上位ID（最上位は計画ID）』がありません"
        "（必須の列です。テンプレートから戻してください）\n"
    )


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp932"])
def test_csv_is_read_in_utf8_with_or_without_bom_and_in_shift_jis(rows, tmp_path, encoding):
    paths = write_csv(rows, tmp_path / "utf8", CODE)
    assert paths["elements"].read_bytes().startswith(b"\xef\xbb\xbf")  # written with a BOM, for Excel
    expected = spreadsheet_graph(paths["elements"], CODE)
    saved = tmp_path / encoding
    saved.mkdir()
    for path in paths.values():
        text = path.read_text(encoding="utf-8-sig")
        try:
            (saved / path.name).write_bytes(text.encode(encoding))
        except UnicodeEncodeError:
            pytest.fail(f"{path.name} has characters Shift_JIS lacks")
    got = spreadsheet_graph(saved / paths["elements"].name, CODE)
    assert len(got) == len(expected) and set(got) == set(expected)


def test_a_csv_in_another_encoding_says_how_to_save_it(rows, tmp_path, capsys):
    paths = write_csv(rows, tmp_path, CODE)
    paths["elements"].write_bytes(paths["elements"].read_text(encoding="utf-8-sig").encode("utf-16"))
    assert main(["import", str(paths["elements"]), "--municipality", CODE]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "CSV UTF-8" in err and "Traceback" not in err


def test_an_empty_or_blank_xlsx_is_one_line(tmp_path, capsys):
    from openpyxl import Workbook

    empty, blank = tmp_path / "empty.xlsx", tmp_path / "blank.xlsx"
    empty.write_bytes(b"")
    Workbook().save(blank)
    assert main(["import", str(empty), "--municipality", CODE]) == 2
    assert main(["import", str(blank), "--municipality", CODE]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2
    assert "empty.xlsx" in lines[0] and "空のファイルです" in lines[0]  # refused by the size check, before openpyxl
    assert lines[1].startswith("error: ファイル『blank.xlsx』: シート『計画』、『担い手』、『要素』がありません")


def test_out_into_a_missing_folder_is_one_line(book, tmp_path, capsys):
    missing = tmp_path / "no-such-folder"
    assert main(["export", "--format", "xlsx", CODE, "--out", str(missing / "x.xlsx")]) == 2
    assert main(["import", str(book), "--municipality", CODE, "--out", str(missing / "x.ttl")]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines == [f"error: フォルダ『{missing}』がありません / no such folder: {missing}"] * 2
    assert not missing.exists()


def test_serve_on_a_busy_port_is_one_line(app, capsys, monkeypatch):
    import server.app

    monkeypatch.setattr(server.app, "create_app", lambda: app)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["serve", "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"127.0.0.1:{port} で待ち受けできません" in err and "--port" in err


def test_validate_on_a_draft_without_elements_cannot_judge(rows, tmp_path, capsys):
    """A plan sheet with no element rows imports (the document is there), but validate must not say 違反なし."""
    empty = {**rows, "elements": [], "statements": []}
    paths = write_csv(empty, tmp_path, "blank")
    draft = tmp_path / "blank.ttl"
    assert main(["import", str(paths["plans"]), "--municipality", CODE, "--out", str(draft)]) == 0
    capsys.readouterr()
    assert main(["validate", str(draft)]) == 2
    out, err = capsys.readouterr()
    assert "違反なし" not in out + err
    assert err.startswith("error: 判定できません: blank.ttl には計画の要素") and err.count("\n") == 1
