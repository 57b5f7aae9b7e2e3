"""A long invented plan printed to PDF, for `fukushi-kg bench import --pdf-pages N` and the PDF test fixtures.

The HTML is laid out the way municipal plans print (chapters, 基本目標 / 施策 headings, 取組 | 内容 | 担当課
tables whose header row repeats after a page break, a running header and page numbers in the page
margins) and printed by headless Chromium, the printer the shared corpus PDFs came from, so the reader
is timed on the kind of file it reads (embedded subset CJK fonts, ruled tables), not on a lighter
synthetic one. Chromium is a system program (Debian: `apt-get install chromium fonts-noto-cjk`); it is
needed only to make such files, never to import one.
"""

import html
import shutil
import subprocess
import tempfile
from pathlib import Path

STYLE = """
@page { size: A4; margin: 18mm 16mm 16mm 16mm;
  @top-right { content: "第9次見本市地域福祉計画"; font-size: 8pt; color: #666; }
  @bottom-center { content: "- " counter(page) " -"; font-size: 9pt; } }
body { font-family: "Noto Sans CJK JP", sans-serif; font-size: 10.5pt; line-height: 1.5; color: #222; }
h1 { font-size: 20pt; } h2 { font-size: 14pt; break-before: page; } h3 { font-size: 12pt; } h4 { font-size: 10.5pt; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; font-size: 9.5pt; margin: 2mm 0 3mm 0; }
th, td { border: 1px solid #555; padding: 1.2mm 2mm; vertical-align: top; text-align: left; }
th { background: #e4f1ea; } thead { display: table-header-group; }
col.c1 { width: 30%; } col.c2 { width: 50%; } col.c3 { width: 20%; }
"""

PLACES = ["集落", "地区", "団地", "校区", "自治会", "商店街", "公民館", "学校", "診療所", "集会所"]
PEOPLE = ["高齢者", "子育て世帯", "障がいのある人", "ひとり親家庭", "若者", "外国人住民", "介護者", "生活困窮者"]
ACTS = ["見守り", "居場所づくり", "相談支援", "移動支援", "買い物支援", "学習支援", "就労支援", "防災訓練"]
VERBS = ["の充実", "の推進", "の拡大", "の強化", "への支援", "の仕組みづくり"]
DEPTS = ["福祉課", "長寿介護課", "子育て支援課", "健康推進課", "危機管理課", "企画課", "教育総務課", "市民協働課"]


def _pick(seq, n: int) -> str:
    return seq[n % len(seq)]


def plan_html(units: int) -> str:
    """The plan with `units` 施策, each a heading, a paragraph and a table of eight 取組 (about a page each)."""
    parts = [f"<!DOCTYPE html><html lang='ja'><head><meta charset='utf-8'><style>{STYLE}</style></head><body>"]
    parts.append("<h1>第9次見本市地域福祉計画</h1><p>令和8年3月　見本県見本市</p>")
    parts.append("<p>本計画の期間は、令和8年度から令和12年度までの5年間とします。</p>")
    for u in range(units):
        if u % 4 == 0:
            goal = u // 4 + 1
            parts.append(
                f"<h2>基本目標{goal}　{_pick(PEOPLE, goal)}が{_pick(PLACES, goal)}で安心して暮らせる地域をつくる</h2>"
            )
        topic = f"{_pick(PLACES, u)}における{_pick(PEOPLE, u * 3)}の{_pick(ACTS, u * 5)}{_pick(VERBS, u)}（{u + 1}）"
        parts.append(f"<h3>({u % 4 + 1})　{html.escape(topic)}</h3>")
        parts.append(
            f"<p>{_pick(PLACES, u + 1)}では、{_pick(PEOPLE, u + 2)}の{_pick(ACTS, u + 3)}について、関係機関と地域が"
            f"連携して取り組みます。第{u + 1}の施策として、現状と課題を整理し、令和{8 + u % 5}年度までに"
            f"具体的な活動を{u % 7 + 2}か所に広げることを目指します。</p>"
        )
        parts.append(
            "<table><colgroup><col class='c1'><col class='c2'><col class='c3'></colgroup>"
            "<thead><tr><th>取組</th><th>内容</th><th>担当課</th></tr></thead><tbody>"
        )
        for r in range(8):
            k = u * 8 + r
            name = f"{_pick(PLACES, k)}の{_pick(PEOPLE, k * 7)}を対象とした{_pick(ACTS, k * 3)}（第{k + 1}号）"
            body = (
                f"{_pick(PEOPLE, k)}の{_pick(ACTS, k + 1)}について、{_pick(PLACES, k + 2)}ごとに担い手を育て、"
                f"年{k % 9 + 2}回の活動を行います。"
            )
            dept = f"{_pick(DEPTS, k)}・<wbr>{_pick(DEPTS, k + 3)}" if k % 3 == 0 else _pick(DEPTS, k)
            parts.append(f"<tr><td>{html.escape(name)}</td><td>{html.escape(body)}</td><td>{dept}</td></tr>")
        parts.append("</tbody></table>")
    parts.append("</body></html>")
    return "".join(parts)


def chromium() -> str | None:
    return next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)


def print_html(html_path: Path, pdf_path: Path) -> None:
    browser = chromium()
    if browser is None:
        raise RuntimeError("Chromium が見つかりません (apt-get install chromium fonts-noto-cjk) / Chromium not found")
    subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf_path}",
            html_path.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )


def make_plan_pdf(pages: int, out: Path) -> Path:
    """A PDF of exactly `pages` pages (printed long enough, then cut), kept at `out`."""
    import pypdfium2 as pdfium

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "plan.html"
        src.write_text(plan_html(pages * 3 // 2 + 2), encoding="utf-8")
        printed = Path(tmp) / "plan.pdf"
        print_html(src, printed)
        whole = pdfium.PdfDocument(str(printed))
        cut = pdfium.PdfDocument.new()
        cut.import_pages(whole, list(range(min(pages, len(whole)))))
        cut.save(str(out))
        cut.close()
        whole.close()
    return out
