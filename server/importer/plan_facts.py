"""Facts about the whole plan: its printed title, edition and stage, its period and the plans it embodies."""

import re
import unicodedata

from server.importer.model import Embodied
from server.importer.numbering import BRACKET, KANJI_DIGITS, classify, clean, is_sentence, norm, number_value

# Plans a document can embody, by the name it prints; the class and the provision the law bases it on.
EMBODIED = (
    ("gpp", "GuardianshipPromotionPlan", re.compile(r"成年後見制度(の)?利用(の)?促進[^\s、。]{0,6}計画")),
    ("rpp", "RecidivismPreventionPlan", re.compile(r"再犯(の)?防止[^\s、。]{0,4}計画")),
    ("msp", "MultilayeredSupportPlan", re.compile(r"重層的支援体制整備事業[^\s、。]{0,2}計画")),
    ("cwap", "CommunityWelfareActivityPlan", re.compile(r"地域福祉活動計画")),
)
# A 社協's activity plan (or a stand-alone 再犯・成年後見 plan) made 一体的に with the municipality's
# 地域福祉計画 embodies that plan too; only a line saying 一体的に counts (a plan that only 兼ねる another, or
# calls itself a 第107条 plan under another name, is not made together with a second document).
WELFARE_PLAN = ("cwp", "CommunityWelfarePlan", re.compile(r"地域福祉計画"))
TITLE_END = re.compile(r"(計画|プラン)([(（【][^)）】]*[)）】])*$")  # a title line, not "計画の期間"
SEPARATE = re.compile(r"連携|別に策定|別途策定|別に定め|個別に策定|別計画")
TOGETHER = re.compile(
    r"内包|一体的に(策定|つく|作成|推進|定め)|一体として|兼ね|包含|として位置[付づ]け|第\s*[0-9０-９一二三四五六七八九十]+\s*章に位置[付づ]け"
)

DRAFT_STATUS = (("骨子", "outline-draft"), ("素案", "preliminary-draft"), ("案", "draft"))
SUMMARY = re.compile(r"概要版|の概要|ダイジェスト")
ERA_BASE = {"令和": 2018, "平成": 1988, "R": 2018, "Ｒ": 2018, "H": 1988}


ARTICLE = re.compile(
    r"第\s*([0-9]+|[一二三四五六七八九十百]+)\s*条(?:の\s*([0-9]+|[一二三四五六七八九十]+))?(?:\s*第\s*([0-9]+|[一二三四五六七八九十]+)\s*項)?"
)


def _kanji_number(text: str) -> int | None:
    """一百六 / 百六 / 十四 / 14 as a number (article numbers as statutes and plans print them)."""
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch in KANJI_DIGITS and ch != "十":
            current = KANJI_DIGITS[ch]
        elif ch in "十百":
            total += (current or 1) * (10 if ch == "十" else 100)
            current = 0
        else:
            return None
    return total + current


def _article(text: str) -> tuple[str, str]:
    """The article (and paragraph) a line cites for a plan: ("14", "1") for 「第14条第1項」."""
    m = ARTICLE.search(unicodedata.normalize("NFKC", text))
    if not m:
        return "", ""
    article = str(_kanji_number(m.group(1)) or "")
    if m.group(2):
        article += f"_{_kanji_number(m.group(2))}"
    return article, str(_kanji_number(m.group(3)) or "") if m.group(3) else ""


def document_facts(out) -> None:
    """Title, edition, stage, period and embodied plans, set on the outline."""
    lines = [ln for ln in out.lines[:150] if clean(ln.text).strip("*")]
    best = None
    for i, line in enumerate(lines):
        text = clean(line.text).strip("*")
        if not re.search(r"計画|プラン", text) or len(text) > 120 or is_sentence(text) or BRACKET.fullmatch(text):
            continue
        if classify(text)[0] or "\t" in line.text:
            continue  # a numbered heading or a table row names a part, not the document
        score = 2 * ("地域福祉" in text) + bool(re.search(r"[^\s]{1,5}[市町村]", text)) - i / 1000
        if best is None or score > best[0]:
            best = (score, i)
        if score >= 3:
            break
    if best is not None:
        i = best[1]
        parts, numbers = [clean(lines[i].text).strip("*")], [lines[i].number]
        before = clean(lines[i - 1].text).strip("*") if i else ""
        if parts[0][:1] in "(（" and re.search(r"計画|プラン", before) and lines[i].number - lines[i - 1].number <= 2:
            parts.insert(0, before)  # 「…推進計画」「(第5期 …地域福祉計画)の概要」 printed on two lines
            numbers.insert(0, lines[i - 1].number)
        for nxt in lines[i + 1 : i + 4]:
            text = clean(nxt.text).strip("*")
            if nxt.number - numbers[-1] > 2 or not (re.match(r"^[(（【]", text) or TITLE_END.search(text)):
                break
            if is_sentence(text) or "\t" in nxt.text:
                break
            parts.append(text)
            numbers.append(nxt.number)
        out.title = re.sub(r"\s*について\s*", " ", "".join(p if p[:1] in "(（【" else p for p in parts)).strip()
        out.title_line = numbers[0]
        out.title_lines = numbers
        out.used.update(numbers)
    title = norm(out.title)
    m = re.search(r"第([0-9]+|[一二三四五六七八九十]+)(次|期)", title)
    if m:
        out.edition = number_value(m.group(1))
        out.edition_label = m.group(0)
    for word, status in DRAFT_STATUS:
        if word in title and status not in out.statuses:
            out.statuses.append(status)
            if status != "draft":
                break
    if SUMMARY.search(title):
        out.statuses.append("summary")
    out.kind = plan_kind(out.title)
    find_municipality(out)
    find_period(out)
    find_embodied(out)
    if (
        any(e.key == "cwp" for e in out.embodied)
        and out.municipality_name
        and out.municipality_name not in out.creators
    ):
        # A 社協's plan made 一体的に with the municipality's 地域福祉計画: both made it.
        out.creators.append(out.municipality_name)


YEAR = r"(?:(令和|平成|R|H)\s*([0-9]+|元)|((?:19|20)[0-9]{2}))\s*(?:年度?)?\s*(?:[(][^()]{1,12}[)])?\s*(?:年度)?"
SPAN = re.compile(YEAR + r"\s*(?:から|~|-|–|—|ー|―|‐)\s*" + YEAR + r"\s*(?:まで)?(?:の[0-9]+年間)?")


SAME_ERA = re.compile(
    r"(令和|平成|R|H)\s*([0-9]+|元)\s*(?:年度)?\s*(?:から|~|-|–|—|ー|―|‐)\s*([0-9]{1,2})\s*年度(?:まで)?"
)


def _year(era, number, gregorian) -> int:
    if gregorian:
        return int(gregorian)
    return ERA_BASE.get(era, 2018) + (1 if number == "元" else int(number))


def find_period(out) -> None:
    """The plan's own period, in any common form: 令和8年度～令和12年度, 2025（令和7）年度～2029（令和11）年度,
    令和8年度（2026年度）から令和12年度（2030年度）まで, R8～R12, full-width digits. Spans that name an earlier
    plan (「第2次計画（令和3年度～令和7年度）」, 前計画, history) or a schedule lose to the one the text calls
    the period; among equals the later plan wins (a document is about its newest plan)."""
    previous = f"第{out.edition - 1}" if out.edition and out.edition > 1 else None
    best = None
    lines = out.lines
    for index, line in enumerate(lines):
        text = unicodedata.normalize("NFKC", clean(line.text)).replace("〜", "~")
        heading = unicodedata.normalize("NFKC", clean(lines[index - 1].text)) if index else ""
        spans = [(m, _year(*m.group(1, 2, 3)), _year(*m.group(4, 5, 6))) for m in SPAN.finditer(text)]
        # 「令和8～12年度」: the era written once, for both years.
        spans += [
            (m, _year(m.group(1), m.group(2), None), _year(m.group(1), m.group(3), None))
            for m in SAME_ERA.finditer(text)
            if not any(o.start() <= m.start() < o.end() for o, _, _ in spans)
        ]
        for m, start, end in spans:
            if not (0 <= end - start <= 12):
                continue
            score = 0
            if "期間" in text or "年間" in text:
                score += 2
            if "期間" in heading and len(heading) < 20:
                score += 2
            before = text[: m.start()]
            if before.rstrip().endswith(("(", "(前")) and re.search(r"計画\s*\($", before.rstrip()):
                score -= 3  # 「第2次計画（令和3年度～令和7年度）」: another plan's period
            if re.search(r"前計画|前回|前期|これまで|策定し|経過|見直し", text) and "期間" not in text:
                score -= 2
            if previous and previous in text and "期間" not in text:
                score -= 2
            cand = (score, start, end, m.group(0).strip(), line.number)
            if best is None or cand[:2] > best[:2]:
                best = cand
    if best:
        out.period = best[1:]
        out.used.add(best[4])


def find_embodied(out) -> None:
    """Statutory plans the title names, or that lines saying 内包・一体的に策定・位置付け name (on that line
    or in the list right under it); plans only mentioned elsewhere are other plans."""
    found = {}
    window = 0
    for index, line in enumerate(out.lines):
        text = own = clean(line.text)
        following = clean(out.lines[index + 1].text) if index + 1 < len(out.lines) else ""
        if (
            text
            and not text.endswith("。")
            and "\t" not in line.text
            and not re.match(r"^[◆◇・○●■□▶*（(【第]", following)
        ):
            text += following  # a statement that wraps onto the next line
        if SEPARATE.search(text) and not TOGETHER.search(text):
            window = 0  # a plan made separately (別に策定) or only coordinated with (連携) is another plan
            continue
        together = bool(TOGETHER.search(text)) or line.number in out.title_lines
        if together:
            window = 8
        elif not text:
            pass
        elif window:
            window -= 1
        if not (together or window) or not text or ("\t" in line.text and not (window and not together)):
            continue  # a table row counts only in the list right under a 一体的に策定 statement
        quoted_statute = ARTICLE.match(unicodedata.normalize("NFKC", text))
        if window and not together and not re.match(r"^[◆◇・○●■□▶*（(【]", text) and is_sentence(text):
            if quoted_statute:
                continue  # the article quoted under a plan's name does not end the list
            window = 0
            continue
        kinds = EMBODIED
        if re.search(r"一体的に|一体として", text) and out.kind != "CommunityWelfarePlan":
            kinds = (*EMBODIED, WELFARE_PLAN)
        for key, cls, pattern in kinds:
            m = pattern.search(text)
            if m and m.start() >= len(own):
                continue  # named on the next line: found there
            if m and key not in found:
                if key == "cwap" and "社会福祉協議会が策定" in text and line.number not in out.title_lines:
                    continue  # the council's own plan, made alongside, is not in this document
                found[key] = Embodied(key, cls, m.group(0), line.number, line.page)
                # The article is cited on the line, or quoted right under it (第十四条 市町村は、…).
                following = out.lines[line.number].text if line.number < len(out.lines) else ""
                found[key].article, found[key].paragraph = (
                    _article(text) if _article(text)[0] else _article(following[:12])
                )
                out.used.add(line.number)
    out.embodied = list(found.values())


# The kind of plan a title names, most specific first: a 社協's 地域福祉活動計画 is not a 地域福祉計画, and a
# title naming both (市 and 社協 together) is a 地域福祉計画 that embodies the activity plan.
TITLE_KINDS = (
    ("地域福祉計画", "CommunityWelfarePlan"),
    ("地域福祉活動計画", "CommunityWelfareActivityPlan"),
    ("再犯防止", "RecidivismPreventionPlan"),
    ("成年後見", "GuardianshipPromotionPlan"),
    ("重層的支援体制整備事業", "MultilayeredSupportPlan"),
)


def plan_kind(title: str) -> str:
    t = norm(title)
    for word, cls in TITLE_KINDS:
        if word in t:
            return cls
    return "Plan"


def embodied_kinds(out) -> set:
    """Every plan class the document is, contains or is made together with, its own kind included."""
    return {out.kind} | {e.cls for e in out.embodied}


PREFECTURE = r"(?:北海道|東京都|京都府|大阪府|[^\s\d、。「」（）()]{2,3}県)"
PLACE = r"[^\s\d、。「」『』（）()【】・第]{1,8}?[市町村]"
TITLE_PLACE = re.compile(
    rf"^(?:第[0-9一二三四五六七八九十]+[次期])?\s*({PREFECTURE})?\s*({PLACE})(?=[^市町村]*(?:計画|プラン))"
)
COVER_PLACE = re.compile(rf"({PREFECTURE})\s*({PLACE})(?![^\s]*(?:計画|プラン))")
COUNCIL = re.compile(r"(?:社会福祉法人)?\s*([^\s、。「」（）()]{1,10}?社会福祉協議会)")


def find_municipality(out) -> None:
    """The municipality (and prefecture) the document prints in its title or on its cover, and who made it:
    the 市町村, its 社会福祉協議会 for an activity plan, both for plans made together."""
    title = unicodedata.normalize("NFKC", out.title).replace(" ", "")
    m = TITLE_PLACE.search(title)
    if m:
        out.municipality_name = m.group(2)
        out.prefecture_name = m.group(1) or ""
    for line in out.lines[:15]:
        text = unicodedata.normalize("NFKC", clean(line.text))
        c = COVER_PLACE.search(text)
        if c and (not out.municipality_name or out.municipality_name == c.group(2)):
            out.municipality_name, out.prefecture_name = c.group(2), c.group(1)
            break
    council = None
    for line in out.lines[:15]:
        c = COUNCIL.search(unicodedata.normalize("NFKC", clean(line.text)))
        if c and not c.group(1).startswith(("地区", "市", "町", "村")):
            council = c.group(1).removeprefix("社会福祉法人")
            break
    if council is None and out.municipality_name:
        council = f"{out.municipality_name}社会福祉協議会"
    makes_activity_plan = out.kind == "CommunityWelfareActivityPlan" or "地域福祉活動計画" in norm(out.title)
    out.creators = []
    if out.kind != "CommunityWelfareActivityPlan" and out.municipality_name:
        out.creators.append(out.municipality_name)
    if makes_activity_plan and council:
        out.creators.append(council)
