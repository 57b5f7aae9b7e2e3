"""Writes fixtures/sample-plan.pdf: a two-page Japanese plan, made for the PDF import test.

Run once by hand with reportlab installed (`pip install reportlab`; not a dependency of the project):
its built-in CID font HeiseiKakuGo-W5 (Adobe-Japan1) needs no font file. The PDF is committed, so the
test itself needs neither reportlab nor the network.
"""

from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

PAGES = [
    [
        "第2次さくら市地域福祉計画（素案）",
        "計画の期間",
        "本計画の期間は、令和8年度から令和12年度までの5年間とします。",
        "基本理念",
        "みんなで支えあうまち",
    ],
    [
        "基本目標1 つながりのある地域づくり",
        "1. 見守り活動の推進",
        "(1) 地域の見守りネットワークの充実",
        "(2) ひとり暮らし高齢者への声かけ",
        "2. 相談支援体制の充実",
        "(1) 身近な相談窓口の周知",
    ],
]


def main() -> None:
    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiKakuGo-W5"))
    out = Path(__file__).parent / "fixtures" / "sample-plan.pdf"
    c = canvas.Canvas(str(out))
    for lines in PAGES:
        c.setFont("HeiseiKakuGo-W5", 12)
        y = 780
        for text in lines:
            c.drawString(60, y, text)
            y -= 28
        c.showPage()
    c.save()


if __name__ == "__main__":
    main()
