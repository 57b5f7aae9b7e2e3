"""Column labels a query's header gives its variables: `# column ?city: 市町村 / Municipality`.

Every table made from a query (the /query/<name> page, its CSV and Excel downloads, `fukushi-kg query`'s CSV)
names its columns with these, Japanese first; a variable without a label keeps its name. A `?xLabel` variable
beside a labelled `?x` is the name of what `?x` identifies: its heading is the label of `?x`, and `?x` itself
becomes "… (IRI)" where both are shown.
"""

import re

LINE = re.compile(r"^#\s*column\s+\?(\w+)\s*:\s*(.+?)\s*$")


def column_labels(text: str) -> dict[str, tuple[str, str]]:
    """{variable: (ja, en)} from the comment lines before the query proper."""
    out = {}
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            break  # the header ends where the query begins
        found = LINE.match(stripped)
        if found:
            ja, _, en = found.group(2).partition(" / ")
            out[found.group(1)] = (ja.strip(), (en or ja).strip())
    return out


def headings(variables: list[str], labels: dict[str, tuple[str, str]]) -> list[str]:
    """The CSV heading of each variable: Japanese label, or the variable's name when it has none."""
    out = []
    for v in variables:
        if v in labels:
            ja = labels[v][0]
            out.append(f"{ja} (IRI)" if v + "Label" in variables else ja)
        elif v.endswith("Label") and v[: -len("Label")] in labels:
            out.append(labels[v[: -len("Label")]][0])
        else:
            out.append(v)
    return out
