"""Huisartsen en medewerkers in words: the fixed explanations, and why values are uncertain (grouped, said once)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

from IPython.display import HTML

from jaarverslag.render import fmt
from jaarverslag.render.text import join_list

TOTAL_EXPLANATION = "Het verslag noemt zelf geen totaal; het totaal in de tabel is de som van de functies."
TURNOVER_EXPLANATION = (
    "De verdeling over de functies is onzekerder dan de totalen: in het bronverslag stonden de getallen "
    "los van de functienamen. De totalen per richting zijn wel zeker; de verdeling hieronder is zo "
    "gekozen dat ze optelt tot die totalen en past bij de verandering van het aantal medewerkers per "
    "functie."
)
MIN_INTRO = 40  # a shared beginning of the toelichting texts shorter than this is not worth saying once


def _common_beginning(teksten: list[str]) -> str:
    """Return the longest common beginning of several texts that ends at a sentence or clause boundary."""
    if len(teksten) < 2:
        return ""
    prefix = teksten[0]
    for text in teksten[1:]:
        while not text.startswith(prefix):
            prefix = prefix[:-1]
    cuts = [m.end() for m in re.finditer(r"[.;]\s", prefix) if m.end() >= MIN_INTRO]
    if not cuts:
        return ""
    intro = prefix[: max(cuts)].strip()
    return intro[:-1] + "." if intro.endswith(";") else intro


@dataclass(frozen=True)
class Toelichting:
    """Why values are uncertain: a shared reason and the remaining reason per labelled group of values."""

    inleiding: str
    punten: list[tuple[str, str]]  # (which values, why)

    @property
    def leeg(self) -> bool:
        return not self.punten


def toelichting(regels: list[tuple[str, str]]) -> Toelichting:
    """Group the `toelichting` texts of uncertain values: identical texts once, a shared beginning said once."""
    grouped: dict[str, list[str]] = {}
    for label, text in regels:
        if isinstance(text, str) and text.strip():
            grouped.setdefault(text.strip(), []).append(label)
    texts = list(grouped)
    intro = _common_beginning(texts)
    punten = []
    for text, labels in grouped.items():
        rest = text[len(intro) - 1 :].lstrip(".; ") if intro else text
        rest = rest[:1].upper() + rest[1:]
        label = join_list(list(dict.fromkeys(labels)))
        punten.append((label[:1].upper() + label[1:], rest))
    return Toelichting(intro, punten)


def onzeker_zin(aantal: int, totaal: int, wat: str) -> str:
    """Return the one sentence explaining the dagger: how many values are uncertain and why in general."""
    if not aantal:
        return f"Alle {wat} staan eenduidig in het jaarverslag en zijn zeker overgenomen."
    hoeveel = f"alle {fmt.getal(totaal)}" if aantal == totaal else f"{fmt.getal(aantal)} van de {fmt.getal(totaal)}"
    return (
        f"Bij {hoeveel} {wat} staat een †: de opmaak van dit deel van het bronverslag is door elkaar geraakt, "
        "zodat niet zeker is welk getal bij welke groep hoort. Hoe per waarde is gekozen, staat in de "
        "verantwoording (de rekenpagina van dit hoofdstuk en het codeboek)."
    )


def explanation_html(t: Toelichting):
    """Return the reasons per uncertain value as a paragraph and an HTML list (shown, never folded away)."""
    if t.leeg:
        return HTML('<p class="jv-toelichting">Geen onzekere waarden.</p>')
    intro = f"<p>{escape(t.inleiding)}</p>" if t.inleiding else ""
    items = "".join(f"<li><strong>{escape(label)}</strong>: {escape(text)}</li>" for label, text in t.punten)
    return HTML(f'<div class="jv-toelichting">{intro}<ul>{items}</ul></div>')
