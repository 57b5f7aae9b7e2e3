"""The hostile files of issue 21, made on the spot, and `fukushi-kg import` run on each as a planner would run it
(a separate process), for `fukushi-kg bench abuse`: each must be refused with one line and exit 2, within 30 s
and under 1 GB of memory.

The files are made small on disk and large where it hurts: a 1 MB workbook whose shared string inflates to
1.16 GB, a sheet of 1.2 million rows without <dimension>, a CSV of a million rows, a PDF whose page tree names
300,000 pages, a 50 MB text of one line, XML with XXE, an external DTD and entity expansion.
"""

import os
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

CODE = "082368"
MIB = 1 << 20


@dataclass
class Outcome:
    name: str
    size: int  # bytes on disk
    exit: int
    seconds: float
    peak_rss: int  # bytes
    lines: int  # lines the command wrote to stderr
    traceback: bool
    message: str


def _template(folder: Path) -> Path:
    from server.spreadsheet.template import export_rows, write_xlsx

    return write_xlsx(export_rows(CODE), folder / "template.xlsx")


def _copy_with(xlsx: Path, target: Path, replace: dict | None = None, stream: tuple | None = None) -> Path:
    """A copy of the workbook with parts replaced, and one part written from a generator of blocks."""
    with zipfile.ZipFile(xlsx) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as dst:
        for info in src.infolist():
            if stream and info.filename == stream[0]:
                continue
            dst.writestr(info.filename, (replace or {}).get(info.filename, src.read(info.filename)))
        if stream:
            with dst.open(stream[0], "w", force_zip64=True) as fh:
                for block in stream[1]:
                    fh.write(block)
    return target


def _sheet_name(xlsx: Path) -> str:
    with zipfile.ZipFile(xlsx) as z:
        return sorted(n for n in z.namelist() if n.startswith("xl/worksheets/sheet"))[-1]


def make_files(folder: Path) -> dict[str, Path]:
    folder = Path(folder)
    template = _template(folder)
    sheet = _sheet_name(template)
    with zipfile.ZipFile(template) as z:
        sheet_xml = z.read(sheet).decode("utf-8")
    files = {}

    def huge_string():
        yield b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>'
        block = b"a" * MIB
        for _ in range(1160):
            yield block
        yield b"</t></si></sst>"

    files["XLSX: one cell inflating to 1.16 GB"] = _copy_with(
        template, folder / "bomb.xlsx", stream=("xl/sharedStrings.xml", huge_string())
    )

    def many_rows():
        yield (
            b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b"<sheetData>"
        )
        for n in range(1, 1_200_001, 1000):
            yield "".join(
                f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>x</t></is></c></row>' for r in range(n, n + 1000)
            ).encode()
        yield b"</sheetData></worksheet>"

    files["XLSX: 1.2 M rows, no <dimension>"] = _copy_with(template, folder / "rows.xlsx", stream=(sheet, many_rows()))
    cell = f'<c r="A2" t="inlineStr"><is><t>{"長" * 131_073}</t></is></c>'
    files["XLSX: a cell of 131,073 characters"] = _copy_with(
        template,
        folder / "cell.xlsx",
        replace={sheet: sheet_xml.replace('<row r="2"', f'<row r="2">{cell}</row><row r="99999"', 1)},
    )
    doctypes = {
        "XLSX: XXE (file:///etc/passwd)": '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
        "XLSX: external DTD": '<!DOCTYPE x SYSTEM "http://127.0.0.1:9/evil.dtd">',
        "XLSX: billion laughs": "<!DOCTYPE x ["
        + '<!ENTITY a0 "ha">'
        + "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10))
        + "]>",
    }
    for i, (name, doctype) in enumerate(doctypes.items()):
        files[name] = _copy_with(template, folder / f"xml{i}.xlsx", replace={sheet: with_doctype(sheet_xml, doctype)})
    (folder / "notzip.xlsx").write_bytes(b"this is not a zip file\n" * 10)
    files["XLSX: not a zip"] = folder / "notzip.xlsx"
    (folder / "empty.xlsx").write_bytes(b"")
    files["XLSX: empty file"] = folder / "empty.xlsx"

    from server.spreadsheet.template import export_rows, write_csv

    paths = write_csv(export_rows(CODE), folder / "csv", "plan")
    with paths["elements"].open("a", encoding="utf-8") as fh:
        line = ",".join(["x"] * 5) + "\n"
        for _ in range(1000):
            fh.write(line * 1000)
    files["CSV: 1,000,000 rows"] = paths["elements"]
    paths = write_csv(export_rows(CODE), folder / "csvcell", "plan")
    with paths["elements"].open("a", encoding="utf-8") as fh:
        fh.write('x,"' + "長" * (128 << 10) + '"\n')
    files["CSV: a 128 KB cell"] = paths["elements"]

    files["PDF: 300,000 page references"] = _many_pages_pdf(folder / "pages.pdf", 300_000)
    text = folder / "oneline.txt"
    with text.open("w", encoding="utf-8") as fh:
        for _ in range(50):
            fh.write("あ" * (MIB // 3))
    files["TXT: 50 MB on one line"] = text
    (folder / "empty.txt").write_bytes(b"")
    files["TXT: empty file"] = folder / "empty.txt"
    return files


def with_doctype(xml: str, doctype: str) -> str:
    """`xml` with a document type declaration where XML allows one: after the XML declaration, if any."""
    if xml.startswith("<?xml"):
        head, _, body = xml.partition("?>")
        return f"{head}?>{doctype}{body}"
    return doctype + xml


def _many_pages_pdf(path: Path, pages: int) -> Path:
    """A PDF of one page object that its page tree lists `pages` times (about 6 bytes per reference)."""
    kids = b" ".join([b"3 0 R"] * pages)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def run_import(name: str, path: Path, out: Path) -> Outcome:
    root = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p))
    command = [sys.executable, "-m", "server.cli", "import", str(path), "--municipality", CODE, "--out", str(out)]
    start = time.monotonic()
    with tempfile.TemporaryFile() as err:
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=err)
        # The kernel's high-water mark of the command's own memory (VmHWM: a new program starts a new count;
        # getrusage's maxrss would count the pages this process had when it forked).
        peak = 0
        while process.poll() is None:
            peak = max(peak, _hwm(process.pid))
            time.sleep(0.02)
        seconds = time.monotonic() - start
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    lines = text.strip().splitlines()
    return Outcome(
        name,
        path.stat().st_size if path.exists() else 0,
        process.returncode,
        seconds,
        peak,
        len(lines),
        "Traceback" in text,
        lines[-1] if lines else "",
    )


def _hwm(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def bench_hostile_files() -> list[Outcome]:
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="fukushi-kg-hostile-") as tmp:
        folder = Path(tmp)
        files = make_files(folder)
        (folder / "out").mkdir()
        for name, path in files.items():
            outcomes.append(run_import(name, path, folder / "out" / "draft.ttl"))
        plan = folder / "plan.txt"
        plan.write_text("第1章 地域福祉\n", encoding="utf-8")
        outcomes.append(run_import("--out into a missing folder", plan, folder / "missing" / "draft.ttl"))
    return outcomes
