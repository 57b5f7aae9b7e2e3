"""全国地方公共団体コード: the municipality a draft is for, or a message saying exactly what is wrong with the code.

The table (data/reference/local-government-codes.csv, 総務省's list) gives names and readings. English
labels are the reading in Hepburn romanisation with City/Town/Village, as municipalities write their own
names in English (小美玉市 → Omitama City); no package on PyPI does kana → Hepburn without a dictionary
download, so the table is written out here.
"""

import csv
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from server.paths import DATA_DIR

CODES_CSV = DATA_DIR / "reference" / "local-government-codes.csv"


class UnknownCode(LookupError):
    """A code that is malformed or names no prefecture or municipality."""


@dataclass(frozen=True)
class Municipality:
    code: str
    name: str
    name_en: str
    prefecture_code: str
    prefecture: str


def check_digit(first_five: str) -> str:
    total = sum(int(d) * w for d, w in zip(first_five, (6, 5, 4, 3, 2), strict=True))
    rest = 11 - total % 11
    return str(rest - 10 if rest >= 10 else rest)


@lru_cache(maxsize=1)
def _table() -> dict:
    with CODES_CSV.open(encoding="utf-8", newline="") as f:
        return {row["code"]: row for row in csv.DictReader(f)}


def lookup(code: str, name: str | None = None) -> Municipality:
    """The municipality of a code. `name` admits a well-formed code (right length, check digit and prefecture)
    that 総務省's list does not have — a test corpus's invented towns, a merger newer than the list — under
    that name; for a code the list has, the list's name stands and a different `name` is refused."""
    code = unicodedata.normalize("NFKC", str(code)).strip()
    if len(code) != 6 or not code.isdigit():
        raise UnknownCode(f"municipality code {code!r}: a 全国地方公共団体コード has six digits (e.g. 082368)")
    if check_digit(code[:5]) != code[5]:
        raise UnknownCode(
            f"municipality code {code}: the check digit should be {check_digit(code[:5])} "
            f"(did you mean {code[:5]}{check_digit(code[:5])}?)"
        )
    table = _table()
    pref_code = code[:2] + "000" + check_digit(code[:2] + "000")
    if pref_code not in table:
        raise UnknownCode(f"municipality code {code}: unknown prefecture code {code[:2]} (JIS X 0401 has 01–47)")
    row = table.get(code)
    if name is not None:
        name = unicodedata.normalize("NFKC", name).strip()
        if not name or not name.endswith(("市", "町", "村", "区")) or len(name) > 20:
            raise UnknownCode(f"municipality name {name!r}: give the name as printed, ending in 市・町・村・区")
        if row is not None and row["city"] != name:
            raise UnknownCode(
                f"municipality code {code} is {row['city']} in {CODES_CSV.name}; "
                f"--municipality-name is only for codes not in the list (drop it, or check the code)"
            )
        if row is None:
            # No reading to romanise: the English label says which code it is until a reviewer gives the name.
            english = f"Municipality {code} (English name not given)"
            return Municipality(code, name, english, pref_code, table[pref_code]["prefecture"])
    if row is None:
        raise UnknownCode(
            f"municipality code {code}: no municipality has this code in {table[pref_code]['prefecture']} "
            f"(総務省 全国地方公共団体コード, {CODES_CSV.name}); for a code not in the list give "
            f"--municipality-name NAME"
        )
    if not row["city"]:
        raise UnknownCode(f"code {code} is the prefecture {row['prefecture']}, not a municipality")
    return Municipality(code, row["city"], english_name(row["city"], row["city_kana"]), pref_code, row["prefecture"])


KANA = {
    **dict(zip("アイウエオ", ["a", "i", "u", "e", "o"], strict=True)),
    **dict(zip("カキクケコ", ["ka", "ki", "ku", "ke", "ko"], strict=True)),
    **dict(zip("ガギグゲゴ", ["ga", "gi", "gu", "ge", "go"], strict=True)),
    **dict(zip("サシスセソ", ["sa", "shi", "su", "se", "so"], strict=True)),
    **dict(zip("ザジズゼゾ", ["za", "ji", "zu", "ze", "zo"], strict=True)),
    **dict(zip("タチツテト", ["ta", "chi", "tsu", "te", "to"], strict=True)),
    **dict(zip("ダヂヅデド", ["da", "ji", "zu", "de", "do"], strict=True)),
    **dict(zip("ナニヌネノ", ["na", "ni", "nu", "ne", "no"], strict=True)),
    **dict(zip("ハヒフヘホ", ["ha", "hi", "fu", "he", "ho"], strict=True)),
    **dict(zip("バビブベボ", ["ba", "bi", "bu", "be", "bo"], strict=True)),
    **dict(zip("パピプペポ", ["pa", "pi", "pu", "pe", "po"], strict=True)),
    **dict(zip("マミムメモ", ["ma", "mi", "mu", "me", "mo"], strict=True)),
    **dict(zip("ヤユヨ", ["ya", "yu", "yo"], strict=True)),
    **dict(zip("ラリルレロ", ["ra", "ri", "ru", "re", "ro"], strict=True)),
    **dict(zip("ワヲン", ["wa", "o", "n"], strict=True)),
    "ヴ": "vu",
}
SMALL = {"ャ": "ya", "ュ": "yu", "ョ": "yo"}
SUFFIX = (
    ("市", ("シ",), "City"),
    ("区", ("ク",), "City"),
    ("町", ("マチ", "チョウ"), "Town"),
    ("村", ("ムラ", "ソン"), "Village"),
)


def romanise(kana: str) -> str:
    """Hepburn for a katakana reading (long vowels dropped, as in municipalities' English names)."""
    kana = unicodedata.normalize("NFKC", kana)
    out: list[str] = []
    i = 0
    while i < len(kana):
        ch = kana[i]
        nxt = kana[i + 1] if i + 1 < len(kana) else ""
        if ch == "ッ":
            following = KANA.get(nxt, "")
            out.append("t" if following.startswith("ch") else following[:1])
        elif ch == "ー":
            pass
        elif nxt in SMALL and ch in KANA:
            base = KANA[ch]
            stem = base[:-1] if base.endswith("i") else base
            out.append(stem + (SMALL[nxt][1:] if stem.endswith(("sh", "ch", "j")) else SMALL[nxt]))
            i += 1
        else:
            out.append(KANA.get(ch, ""))
        i += 1
    text = "".join(out)
    for long, short in (("ou", "o"), ("oo", "o"), ("uu", "u")):
        text = text.replace(long, short)
    return text


def english_name(name: str, kana: str) -> str:
    kana = unicodedata.normalize("NFKC", kana)
    for suffix, readings, word in SUFFIX:
        if name.endswith(suffix):
            for reading in readings:
                if kana.endswith(reading):
                    return f"{romanise(kana[: -len(reading)]).capitalize()} {word}"
    return romanise(kana).capitalize()
