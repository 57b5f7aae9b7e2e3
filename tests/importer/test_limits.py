"""Hostile files given to `fukushi-kg import`: each is refused with one line that names the file and the limit
(Japanese first) and exit 2, nothing is written, and nothing outside the file is read. The files are made here,
small: limits are lowered where a real-size file would be slow to make."""

import dataclasses
import zipfile
from pathlib import Path

import pytest

from server.cli import main
from server.importer import limits
from server.spreadsheet.template import export_rows, write_csv, write_xlsx

FIXTURES = Path(__file__).parent / "fixtures"
CODE = "082368"


@pytest.fixture(scope="module")
def rows():
    return export_rows(CODE)


@pytest.fixture
def lower(monkeypatch):
    def set_limits(**changes):
        monkeypatch.setattr(limits, "LIMITS", dataclasses.replace(limits.LIMITS, **changes))

    return set_limits


def run(path, tmp_path, capsys, *extra) -> tuple[int, str]:
    out = tmp_path / "out" / "draft.ttl" if not extra else None
    if out:
        out.parent.mkdir(exist_ok=True)
    code = main(["import", str(path), "--municipality", CODE, *(("--out", str(out)) if out else extra)])
    err = capsys.readouterr().err
    if out:
        assert not out.exists()  # nothing half-written
    return code, err


def refused(code: int, err: str, *words: str) -> None:
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    assert all(w in err for w in words), err


def _rewrite(xlsx: Path, target: Path, part: str, text: str, extra: dict | None = None) -> Path:
    """A copy of the workbook `xlsx` with `part` replaced (and `extra` parts added)."""
    with zipfile.ZipFile(xlsx) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, text if info.filename == part else src.read(info.filename))
        for name, data in (extra or {}).items():
            dst.writestr(name, data)
    return target


@pytest.fixture
def workbook(rows, tmp_path) -> Path:
    return write_xlsx(rows, tmp_path / "plan.xlsx")


def with_doctype(xml: str, doctype: str) -> str:
    if xml.startswith("<?xml"):
        head, _, body = xml.partition("?>")
        return f"{head}?>{doctype}{body}"
    return doctype + xml


def _sheet(workbook: Path) -> str:
    with zipfile.ZipFile(workbook) as z:
        return next(n for n in z.namelist() if n.startswith("xl/worksheets/sheet") and n != "xl/worksheets/sheet1.xml")


def test_the_template_still_imports(workbook, tmp_path, capsys):
    code, err = run(workbook, tmp_path, capsys, "--out", str(tmp_path / "ok.ttl"))
    assert code == 0, err


def test_zip_bomb_part_is_refused_before_inflating(workbook, tmp_path, capsys, lower):
    lower(part_bytes=1 << 20)
    bomb = _rewrite(workbook, tmp_path / "bomb.xlsx", "", "", {"xl/bomb.xml": "a" * (2 << 20)})
    assert bomb.stat().st_size < 100_000  # a tiny file that inflates to twice the limit
    refused(*run(bomb, tmp_path, capsys), "xl/bomb.xml", "展開後", f"{1 << 20:,}")


def test_parts_together_over_the_limit(workbook, tmp_path, capsys, lower):
    lower(parts_bytes=1 << 20)
    parts = {f"xl/pad{n}.xml": "a" * (300 << 10) for n in range(4)}
    refused(*run(_rewrite(workbook, tmp_path / "pad.xlsx", "", "", parts), tmp_path, capsys), "展開後")


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',  # XXE
        '<!DOCTYPE x SYSTEM "http://127.0.0.1:9/evil.dtd">',  # external DTD
        '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>',  # billion laughs (three levels are enough to show it)
    ],
)
def test_xml_with_a_doctype_is_refused(workbook, tmp_path, capsys, doctype):
    sheet = _sheet(workbook)
    with zipfile.ZipFile(workbook) as z:
        xml = z.read(sheet).decode("utf-8")
    hostile = _rewrite(workbook, tmp_path / "xxe.xlsx", sheet, with_doctype(xml, doctype))
    code, err = run(hostile, tmp_path, capsys)
    refused(code, err, "DOCTYPE 宣言があります")
    assert "root:" not in err


def test_openpyxl_parses_through_defusedxml(workbook, tmp_path, monkeypatch):
    """Behind the DOCTYPE check: were it bypassed, openpyxl's parser still refuses entities."""
    from server.spreadsheet.template import xlsx_to_csv

    monkeypatch.setattr(limits, "_check_doctypes", lambda path, infos: None)
    sheet = _sheet(workbook)
    with zipfile.ZipFile(workbook) as z:
        xml = z.read(sheet).decode("utf-8")
    doctype = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    hostile = _rewrite(workbook, tmp_path / "xxe.xlsx", sheet, with_doctype(xml, doctype))
    with pytest.raises(limits.InputRefused, match="EntitiesForbidden"):
        xlsx_to_csv(hostile, tmp_path)


@pytest.mark.parametrize("data", [b"", b"not a zip at all", b"PK\x03\x04broken"])
def test_not_a_workbook(tmp_path, capsys, data):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(data)
    refused(*run(path, tmp_path, capsys), str(path))


def test_sheet_rows_over_the_limit(rows, tmp_path, capsys, lower):
    lower(rows=10)
    path = write_xlsx(rows, tmp_path / "plan.xlsx")
    refused(*run(path, tmp_path, capsys), "行が多すぎます", "10")


def test_csv_rows_over_the_limit(rows, tmp_path, capsys, lower):
    lower(rows=10)
    paths = write_csv(rows, tmp_path, "plan")
    refused(*run(paths["elements"], tmp_path, capsys), "行が多すぎます", "elements.csv")


def test_csv_cell_of_128_kb(rows, tmp_path, capsys):
    paths = write_csv(rows, tmp_path, "plan")
    with paths["elements"].open("a", encoding="utf-8") as f:
        f.write('x,"' + "長" * (128 << 10) + '"\n')
    refused(*run(paths["elements"], tmp_path, capsys), "セルが", "elements.csv")


def test_csv_too_many_columns(rows, tmp_path, capsys, lower):
    lower(columns=5)
    paths = write_csv(rows, tmp_path, "plan")
    refused(*run(paths["plans"], tmp_path, capsys), "列が多すぎます")


def test_one_line_text_is_refused(tmp_path, capsys, lower):
    lower(line_chars=1000)
    plan = tmp_path / "plan.txt"
    plan.write_text("第1章 " + "あ" * 5000 + "\n", encoding="utf-8")
    refused(*run(plan, tmp_path, capsys), "1 行が長すぎます", "plan.txt:1")


def test_text_too_large_on_disk(tmp_path, capsys, lower):
    lower(file_bytes=1000)
    plan = tmp_path / "plan.txt"
    plan.write_text("第1章 地域福祉\n" * 200, encoding="utf-8")
    refused(*run(plan, tmp_path, capsys), "ファイルが大きすぎます")


def test_too_many_lines(tmp_path, capsys, lower):
    lower(lines=50)
    plan = tmp_path / "plan.txt"
    plan.write_text("第1章 地域福祉\n" * 51, encoding="utf-8")
    refused(*run(plan, tmp_path, capsys), "行が多すぎます")


def test_empty_text(tmp_path, capsys):
    plan = tmp_path / "plan.txt"
    plan.write_bytes(b"")
    refused(*run(plan, tmp_path, capsys), "空のファイル")


def test_pdf_pages_over_the_limit(tmp_path, capsys, lower):
    lower(pages=1)
    refused(*run(FIXTURES / "sample-plan.pdf", tmp_path, capsys), "ページが多すぎます")


def test_pdf_that_is_not_one(tmp_path, capsys):
    plan = tmp_path / "plan.pdf"
    plan.write_bytes(b"%PDF-1.4\n" + b"\x00" * 100)
    refused(*run(plan, tmp_path, capsys), "PDF")


def test_out_into_a_missing_folder(tmp_path, capsys):
    plan = tmp_path / "plan.txt"
    plan.write_text("第1章 地域福祉\n", encoding="utf-8")
    target = tmp_path / "missing" / "draft.ttl"
    code, err = run(plan, tmp_path, capsys, "--out", str(target))
    refused(code, err, "フォルダ", "がありません", "missing")
    assert not target.parent.exists()


def test_out_that_cannot_be_written(tmp_path, capsys):
    plan = tmp_path / "plan.txt"
    plan.write_text("第1次小美玉市地域福祉計画\n基本目標1 支え合う地域づくり\n(1) 見守り活動の推進\n", encoding="utf-8")
    target = tmp_path / "a-folder"
    target.mkdir()  # --out names a folder: the write fails, in one line
    code, err = run(plan, tmp_path, capsys, "--out", str(target))
    refused(code, err, str(target))
