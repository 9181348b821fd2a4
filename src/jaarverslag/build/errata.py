"""Wijzigingen na publicatie: figures that changed since an earlier published build of the same year.

The previously published site is the memory: each published year holds cijfers.json (every figure its pages
showed) and errata.json (the dated record so far). At staging, the new build's figures are compared with the
published ones; every changed figure is added to the record with the build date, and the record is shown on
the year's page "Wijzigingen na publicatie" and under each page it touches. data/ is never written.

A figure is a number a page shows: a number in a glued text value, or a cell of a CSV table that a glued
block on the page links (the table's numbers at their finest, named by table, row and column). Glued HTML
itself is not compared: its markup and wording change without any figure changing. Two numbers differ only
when they differ at the precision of the less precise one (a rounding or float-noise fix is no correction).
A value whose count of numbers changed was reworded, not corrected, and is left out; so is a figure that
appears or disappears. Nothing is recorded for a first publication, nor when this or the previous
publication of the year is a draft (a draft's figures may still change).
"""

from __future__ import annotations

import ast
import csv
import datetime as dt
import html
import io
import json
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from jaarverslag.data.paths import TABLE_FOLDER
from jaarverslag.render import fmt
from jaarverslag.render.fmt import getal

FIGURES_FILE = "cijfers.json"  # published at <jaar>/cijfers.json: every figure the year's pages show
ERRATA_FILE = "errata.json"  # published at <jaar>/errata.json: the dated record of changed figures
PAGE = "errata"  # book/errata.md, generated at staging
PAGE_TITLE = "Wijzigingen na publicatie"
NOTE_CLASS = "jv-errata"
ROLE = re.compile(r"\{glue(?::\w+)?\}`\.\./notebooks/(?P<nb>[\w-]+)\.ipynb::(?P<key>[\w-]+)")
DIRECTIVE = re.compile(r"```\{glue(?::\w+)?\}\s+(?P<key>[\w-]+)\s*\n:doc:\s*\.\./notebooks/(?P<nb>[\w-]+)\.ipynb")
CSV_LINK = re.compile(rf"{TABLE_FOLDER}/([\w.-]+)\.csv")
# A number as the book prints it (100.036; 2,3; −0,15) or as a CSV holds it (100036; 3,04): a minus only
# when it does not join two words or digits (2019-2021, U1-visite).
NUMBER = re.compile(r"(?<![\w.,])([-−]?)(\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?)(?![\d])")
RECORD_TEXT = "application/papermill.record/text/plain"


# --- what a staged year shows ---------------------------------------------------------------------------------


def glued_values(notebook: Path) -> dict[str, tuple[str, str]]:
    """Return every glued value of an executed notebook: key -> ('text', value) or ('html', markup)."""
    values: dict[str, tuple[str, str]] = {}
    cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
    for output in (o for c in cells for o in c.get("outputs", [])):
        name = output.get("metadata", {}).get("scrapbook", {}).get("name")
        data = output.get("data", {})
        if not name:
            continue
        if RECORD_TEXT in data:
            value = ast.literal_eval(data[RECORD_TEXT])
            values[name] = ("text", value if isinstance(value, str) else str(value))
        elif "text/html" in data:
            markup = data["text/html"]
            values[name] = ("html", "".join(markup) if isinstance(markup, list) else markup)
    return values


def _caption(markup: str, table: str) -> str:
    found = re.search(rf'id="tbl-{re.escape(table)}"[^>]*>\s*<caption>(.*?)</caption>', markup, re.S)
    caption = html.unescape(re.sub(r"<[^>]+>", "", found.group(1))) if found else table
    return caption.split(" († =")[0].strip()


def _read_csv(path: Path) -> dict:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";"))
    return {"kop": rows[0] if rows else [], "rijen": rows[1:]}


def figures(stage: Path, extra: str) -> dict:
    """Return every figure the staged year's pages show, keyed by page (book/<page>.md) and glue key or table."""
    notebooks: dict[str, dict[str, tuple[str, str]]] = {}
    pages = {}
    for page in sorted((stage / "book").glob("*.md")):
        text = page.read_text(encoding="utf-8")
        uses = [(m["nb"], m["key"]) for m in [*ROLE.finditer(text), *DIRECTIVE.finditer(text)]]
        if not uses:
            continue
        teksten, tabellen = {}, {}
        for nb, key in uses:
            if nb not in notebooks:
                path = stage / "notebooks" / f"{nb}.ipynb"
                notebooks[nb] = glued_values(path) if path.is_file() else {}
            kind, value = notebooks[nb].get(key, ("", ""))
            if kind == "text":
                teksten[f"{nb}::{key}"] = value
            elif kind == "html":
                for table in CSV_LINK.findall(value):
                    path = stage / extra / TABLE_FOLDER / f"{table}.csv"
                    if path.is_file():
                        tabellen[table] = {"bijschrift": _caption(value, table), **_read_csv(path)}
        title = next((line[2:].strip() for line in text.splitlines() if line.startswith("# ")), page.stem)
        title = html.unescape(title).replace("\xad", "")  # a soft hyphen (&shy;) in a heading
        pages[page.stem] = {"titel": title, "teksten": teksten, "tabellen": tabellen}
    return pages


# --- comparing two publications ------------------------------------------------------------------------------


def numbers(text: str) -> list[tuple[Decimal, int, str]]:
    """Return the numbers in a text: value, decimals and the number as printed."""
    out = []
    for sign, digits in NUMBER.findall(text):
        whole, _, decimals = digits.replace(".", "").partition(",")
        value = Decimal(f"{whole}.{decimals}" if decimals else whole)
        out.append((-value if sign else value, len(decimals), sign.replace("-", "−") + digits))
    return out


def differs(a: tuple[Decimal, int, str], b: tuple[Decimal, int, str]) -> bool:
    """Whether two numbers differ at the precision of the less precise one."""
    quantum = Decimal(1).scaleb(-min(a[1], b[1]))
    return a[0].quantize(quantum, ROUND_HALF_UP) != b[0].quantize(quantum, ROUND_HALF_UP)


def _changed_numbers(old: str, new: str) -> list[tuple[str, str]]:
    a, b = numbers(old), numbers(new)
    if len(a) != len(b):  # reworded: not a correction of a figure
        return []
    return [(x[2], y[2]) for x, y in zip(a, b) if differs(x, y)]


def _shown(value: str) -> str:
    """A CSV number as the page prints it (100036 -> 100.036); other text unchanged."""
    if re.fullmatch(r"-?\d+", value):
        return getal(int(value)).replace("-", "−")
    return value


def _row_keys(rows: list[list[str]], width: int) -> list[tuple[str, ...]]:
    for k in range(1, width + 1):
        keys = [tuple(r[:k]) for r in rows]
        if len(set(keys)) == len(keys):
            return keys
    return [(str(i + 1),) for i in range(len(rows))]  # no unique leading columns: rows by position


def _table_changes(old: dict, new: dict) -> list[tuple[str, str, str]]:
    width = min(len(old["kop"]), len(new["kop"]))
    new_keys, old_keys = _row_keys(new["rijen"], width), _row_keys(old["rijen"], width)
    k = len(new_keys[0]) if new_keys else 0
    if old_keys and len(old_keys[0]) != k:
        old_keys = [tuple(r[:k]) for r in old["rijen"]]
    old_rows = dict(zip(old_keys, old["rijen"]))
    changes = []
    for key, row in zip(new_keys, new["rijen"]):
        before = old_rows.get(key)
        if before is None:
            continue
        for column in new["kop"][k:]:
            if column not in old["kop"]:
                continue
            a, b = before[old["kop"].index(column)], row[new["kop"].index(column)]
            if _changed_numbers(a, b):
                changes.append((f"{new['bijschrift']}: {' · '.join(key)}, kolom {column}", _shown(a), _shown(b)))
    return changes


def compare(old: dict, new: dict, datum: str) -> list[dict]:
    """Return a dated record of every figure shown in both publications whose value changed."""
    records = []
    for page, shown in new.items():
        before = old.get(page)
        if before is None:
            continue
        found = []
        for key, text in shown["teksten"].items():
            if key in before["teksten"]:
                found += [(f"in de tekst: “{text}”", a, b) for a, b in _changed_numbers(before["teksten"][key], text)]
        for table, content in shown["tabellen"].items():
            if table in before["tabellen"]:
                found += _table_changes(before["tabellen"][table], content)
        records += [_record(datum, page, shown["titel"], *f) for f in found]
    return records


def _record(datum: str, page: str, title: str, cijfer: str, oud: str, nieuw: str) -> dict:
    return {"datum": datum, "pagina": page, "pagina_titel": title, "cijfer": cijfer, "oud": oud, "nieuw": nieuw}


# --- the record, its page and the notes under the pages ------------------------------------------------------------


def _load(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _dump(value: dict, compact: bool = False) -> str:
    layout = {"separators": (",", ":")} if compact else {"indent": 1}
    return json.dumps(value, ensure_ascii=False, sort_keys=True, **layout) + "\n"


def dutch_date(datum: str) -> str:
    """Return an ISO date the Dutch way: 2026-12-06 -> 6 december 2026."""
    day = dt.date.fromisoformat(datum)
    return f"{fmt.day_month(day)} {day.year}"


def page_text(jaar: int, wijzigingen: list[dict]) -> str:
    """Return the year's page 'Wijzigingen na publicatie' (MyST with an HTML table per date)."""
    lines = [
        f"# {PAGE_TITLE}",
        "",
        f"Deze pagina houdt bij welke cijfers in het jaarverslag over {jaar} zijn veranderd nadat het verslag "
        "was gepubliceerd, bijvoorbeeld omdat een telling in de bron is verbeterd. Per wijziging staan de pagina, "
        "het cijfer, de oude en de nieuwe waarde en de datum waarop de nieuwe versie is gepubliceerd. Een pagina "
        "met een gewijzigd cijfer meldt dat onderaan.",
        "",
    ]
    if not wijzigingen:
        lines.append("Sinds de eerste publicatie van dit verslag is geen enkel cijfer veranderd.")
        return "\n".join(lines) + "\n"
    for datum in sorted({w["datum"] for w in wijzigingen}, reverse=True):
        today = [w for w in wijzigingen if w["datum"] == datum]
        rows = "".join(
            f'<tr><th scope="row"><a href="{html.escape(w["pagina"])}.html">{html.escape(w["pagina_titel"])}</a></th>'
            f'<td data-label="Cijfer">{html.escape(w["cijfer"])}</td>'
            f'<td class="jv-getal" data-label="Was">{html.escape(w["oud"])}</td>'
            f'<td class="jv-getal" data-label="Wordt">{html.escape(w["nieuw"])}</td></tr>'
            for w in today
        )
        lines += [
            f"## {dutch_date(datum)}",
            "",
            # jv-kerncijfers: on a phone each row becomes a card with its labels (book/_static/jaarverslag.css)
            '<div class="jv-tabel jv-kerncijfers jv-errata-tabel"><table class="table">'
            f"<caption>Gewijzigd in de versie van {dutch_date(datum)} "
            f"({len(today)} {'cijfer' if len(today) == 1 else 'cijfers'})</caption><thead><tr>"
            '<th scope="col">Pagina</th><th scope="col">Cijfer</th><th scope="col" class="jv-getal">Was</th>'
            f'<th scope="col" class="jv-getal">Wordt</th></tr></thead><tbody>{rows}</tbody></table></div>',
            "",
        ]
    return "\n".join(lines)


def page_note(wijzigingen: list[dict]) -> str:
    """Return the note under a page with changed figures: when and how many, with a link to the record."""
    dates = sorted({w["datum"] for w in wijzigingen})
    parts = []
    for datum in dates:
        n = sum(w["datum"] == datum for w in wijzigingen)
        parts.append(f"{dutch_date(datum)} ({n} {'cijfer' if n == 1 else 'cijfers'})")
    when = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " en " + parts[-1]
    return (
        f'\n\n<div class="{NOTE_CLASS}" role="note" aria-label="{PAGE_TITLE}"><p><strong>Gewijzigd na '
        f"publicatie:</strong> op deze pagina zijn cijfers verbeterd op {html.escape(when)}. "
        f'<a href="{PAGE}.html">Bekijk wat er veranderde</a>.</p></div>\n'
    )


def record(stage: Path, jaar: int, published: Path, datum: str, concept: bool, extra: str) -> list[dict]:
    """Update the year's record of changed figures in a staged book; return the whole record.

    published: the previously published year (site/<jaar>/), or a folder that does not exist. Writes the
    errata page, the notes under affected pages, and cijfers.json and errata.json for the new site.
    """
    shown = figures(stage, extra)
    before = _load(published / FIGURES_FILE)
    wijzigingen = (_load(published / ERRATA_FILE) or {}).get("wijzigingen", [])
    if before is not None and not before.get("concept") and not concept:
        wijzigingen = wijzigingen + compare(before.get("paginas", {}), shown, datum)
    (stage / "book" / f"{PAGE}.md").write_text(page_text(jaar, wijzigingen), encoding="utf-8")
    for page in sorted({w["pagina"] for w in wijzigingen}):
        path = stage / "book" / f"{page}.md"
        if path.is_file():
            with path.open("a", encoding="utf-8") as handle:
                handle.write(page_note([w for w in wijzigingen if w["pagina"] == page]))
    folder = stage / extra
    folder.mkdir(parents=True, exist_ok=True)
    (folder / FIGURES_FILE).write_text(
        _dump({"jaar": jaar, "concept": concept, "paginas": shown}, compact=True), "utf-8"
    )
    (folder / ERRATA_FILE).write_text(_dump({"jaar": jaar, "wijzigingen": wijzigingen}), "utf-8")
    return wijzigingen
