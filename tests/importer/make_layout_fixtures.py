"""Writes the PDF fixtures of tests/importer/test_pdf_layout.py (run once by hand; the files are committed).

- layout-sample.pdf (from layout-sample.html, printed by headless Chromium like the shared corpus PDFs):
  a running header and page numbers in the page margins, a heading printed over two lines, and a
  取組 | 内容 | 担当課 table broken by a page break, whose column headings Chromium prints again, and a
  成果指標 table printed without rules, and a table of ●/○ marks under 実施主体 columns with empty cells.
- web-page.pdf: a page that is not a plan, printed with Chromium's own header and footer (date, title,
  address, page x/y), as a browser prints a web page.
- encrypted.pdf (user password), image-only.pdf (a picture of text, no text layer), and stroked-table.pdf
  (a heading over two lines and a table whose grid is drawn as stroked lines, as office tools draw it,
  not as Chromium's filled rectangles): made with reportlab (`pip install reportlab`, not a dependency
  of the project).

Needs `chromium` and `fonts-noto-cjk` (Debian packages).
"""

import io
import subprocess
from pathlib import Path

from server.bench.sample_pdf import chromium

FIXTURES = Path(__file__).parent / "fixtures"

ROWS = [
    (
        "ふれあいサロンの立ち上げ支援",
        "自治会館や空き店舗を使ったサロンの立ち上げに、備品と運営費の一部を助成します。",
        "福祉課",
    ),
    (
        "見守り協定の締結",
        "新聞・宅配・金融機関などの事業者と協定を結び、異変に気づいたときの連絡先を定めます。",
        "福祉課・危機管理課",
    ),
    (
        "地域食堂の運営支援",
        "食材の提供や衛生講習により、子どもから高齢者まで集える食堂の継続を支えます。",
        "子育て支援課",
    ),
]

LAYOUT_HTML = """<!DOCTYPE html>
<html lang="ja"><head><meta charset="utf-8"><title>第3次見本町地域福祉計画</title>
<style>
@page { size: A4; margin: 20mm 16mm 18mm 16mm;
  @top-right { content: "第3次見本町地域福祉計画"; font-size: 8pt; color: #555; }
  @bottom-center { content: "－" counter(page) "－"; font-size: 9pt; } }
body { font-family: "Noto Sans CJK JP", sans-serif; font-size: 10.5pt; line-height: 1.5; }
h1 { font-size: 20pt; } h2 { font-size: 15pt; } h3 { font-size: 13pt; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; font-size: 9.5pt; }
th, td { border: 1px solid #555; padding: 1.2mm 2mm; vertical-align: top; text-align: left; }
th { background: #e4f1ea; } thead { display: table-header-group; }
table.plain td { border: none; } table.marks td + td { text-align: center; }
col.c1 { width: 30%; } col.c2 { width: 50%; } col.c3 { width: 20%; }
</style></head><body>
<h1>第3次見本町地域福祉計画</h1>
<p>本計画の期間は、令和8年度から令和12年度までの5年間とします。</p>
<h2>基本目標1　ともに支え合う地域をつくる</h2>
<h3>(1)　権利擁護支援の充実と成年後見制度の利用促進に向けた中核機関の整備（成年後見制度利用促進計画）</h3>
<p>判断能力が十分でない人が、地域で安心して暮らし続けられるよう、相談から支援までを切れ目なくつなぎます。</p>
<h3>(2)　見守りと居場所のある地域づくり</h3>
<table><colgroup><col class="c1"><col class="c2"><col class="c3"></colgroup>
<thead><tr><th>取組</th><th>内容</th><th>担当課</th></tr></thead><tbody>
{rows}
</tbody></table>
<p>以上の取組は、毎年度の推進会議で進み具合を確かめます。</p>
<h3>成果指標</h3>
<table class="plain">
<tr><td>指標</td><td>現状値</td><td>目標値</td></tr>
<tr><td>ふれあいサロンの数</td><td>42か所</td><td>60か所</td></tr>
<tr><td>見守り協定を結んだ事業者の数</td><td>18事業者</td><td>30事業者</td></tr>
</table>
<h3>実施主体</h3>
<table class="marks">
<tr><th>取組</th><th>住民・地域</th><th>社協</th><th>行政</th></tr>
<tr><td>ご近所の声かけ運動</td><td>●</td><td>○</td><td></td></tr>
<tr><td>見守り協定の締結と事業者への周知</td><td></td><td>○</td><td>●</td></tr>
</table>
</body></html>
"""

WEB_HTML = """<!DOCTYPE html>
<html lang="ja"><head><meta charset="utf-8"><title>見本町 観光イベント情報</title>
<style>body { font-family: "Noto Sans CJK JP", sans-serif; }</style></head><body>
<h1>今月のイベント</h1>
<p>見本町の夏まつりは、8月の第1土曜日に駅前広場で開かれます。屋台と花火をお楽しみください。</p>
<p>お問い合わせ：観光協会（電話 0000-00-0000）</p>
</body></html>
"""


def _print(html: str, name: str, header_footer: bool) -> None:
    source = FIXTURES / f"{name}.html"
    source.write_text(html, encoding="utf-8")
    args = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", f"--print-to-pdf={FIXTURES / name}.pdf"]
    if not header_footer:
        args.append("--no-pdf-header-footer")
    subprocess.run([*args, source.as_uri()], check=True, capture_output=True, timeout=120)


def layout_sample() -> None:
    rows = []
    for k in range(14):  # enough rows to run over the page break
        name, body, dept = ROWS[k % len(ROWS)]
        rows.append(f"<tr><td>{name}（その{k + 1}）</td><td>{body}</td><td>{dept}</td></tr>")
    _print(LAYOUT_HTML.replace("{rows}", "\n".join(rows)), "layout-sample", header_footer=False)


def web_page() -> None:
    _print(WEB_HTML, "web-page", header_footer=True)
    (FIXTURES / "web-page.html").unlink()


def reportlab_pdfs() -> None:
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiKakuGo-W5"))
    c = canvas.Canvas(str(FIXTURES / "encrypted.pdf"), encrypt="secret")
    c.setFont("HeiseiKakuGo-W5", 14)
    c.drawString(60, 780, "第2次見本村地域福祉計画")
    c.showPage()
    c.save()

    picture = Image.new("L", (600, 200), 255)
    ImageDraw.Draw(picture).rectangle((40, 60, 560, 140), outline=0, width=4)
    png = io.BytesIO()
    picture.save(png, format="PNG")
    png.seek(0)
    c = canvas.Canvas(str(FIXTURES / "image-only.pdf"))
    c.drawImage(ImageReader(png), 60, 600, width=450, height=150)
    c.showPage()
    c.save()


def stroked_table() -> None:
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiKakuGo-W5"))
    body = ParagraphStyle("body", fontName="HeiseiKakuGo-W5", fontSize=10, leading=14, wordWrap="CJK")
    heading = ParagraphStyle("heading", fontName="HeiseiKakuGo-W5", fontSize=16, leading=20, wordWrap="CJK")
    data = [[Paragraph(x, body) for x in ("取組", "内容", "担当課")]]
    for name, text, dept in ROWS:
        data.append([Paragraph(name, body), Paragraph(text, body), Paragraph(dept, body)])
    table = Table(data, colWidths=[150, 250, 80])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    title = "(1) 権利擁護支援の充実と成年後見制度の利用促進に向けた中核機関の整備（成年後見制度利用促進計画）"
    story = [Paragraph(title, heading), Paragraph("本計画の施策を示します。", body), table]
    SimpleDocTemplate(str(FIXTURES / "stroked-table.pdf"), invariant=True).build(story)


if __name__ == "__main__":
    import sys

    for name in sys.argv[1:] or ["layout_sample", "web_page", "reportlab_pdfs", "stroked_table"]:
        globals()[name]()
