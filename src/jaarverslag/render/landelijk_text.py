"""Dutch wording of the national reference figures: value with unit, the 'landelijk <jaar>' label, the source."""

from __future__ import annotations

from html import escape

from jaarverslag.data.landelijk import Referentie
from jaarverslag.render import fmt

MINUTE = 60


def waarde(ref: Referentie) -> str:
    """Return the national value in words the reader knows: '248 per 1.000 inwoners', '14 seconden', '15,6%'."""
    v = ref.waarde
    if ref.eenheid == "per 1.000 inwoners":
        return f"{fmt.getal(v)} per 1.000 inwoners"
    if ref.eenheid == "procent":
        return fmt.percent(v, max(1, fmt.printed_decimals(v)))
    if ref.eenheid == "seconden":
        minutes, seconds = divmod(int(round(v)), MINUTE)
        return f"{minutes} minuten en {seconds} seconden" if minutes else f"{seconds} seconden"
    if ref.eenheid == "contacten" and v >= 1_000_000:
        return f"ongeveer {fmt.getal(v / 1_000_000, 1)} miljoen contacten"
    return f"{fmt.getal(v)} {ref.eenheid}"


def jaar_label(ref: Referentie) -> str:
    """Return the year label: 'landelijk 2022', with a warning when that year lies after the report year."""
    text = f"landelijk {ref.jaar}"
    if ref.later:
        text += f", later dan {ref.verslagjaar}"
    return text


def naast(ref: Referentie) -> str:
    """Return '248 per 1.000 inwoners (landelijk 2022)' for a table cell or a short mention."""
    return f"{waarde(ref)} ({jaar_label(ref)})"


def bron(ref: Referentie) -> str:
    """Return the source as text: its title and the year of the figure."""
    return f"{ref.bron}, cijfer over {ref.jaar}"


def bron_html(ref: Referentie) -> str:
    """Return the source as an HTML link to its website (escaped)."""
    return f'<a href="{escape(ref.bron_url)}">{escape(ref.bron)}</a>, cijfer over {ref.jaar}'


def later_zin(ref: Referentie) -> str:
    """Return the sentence saying that the national figure is about a later year than the report year, or ''."""
    if not ref.later:
        return ""
    return (
        f"Let op: dat landelijke cijfer gaat over {ref.jaar}, een later jaar dan {ref.verslagjaar}; een landelijk "
        f"cijfer over een jaar dichter bij {ref.verslagjaar} is er niet. "
    )


def zin(ref: Referentie | None, sht_rate: str | None, jaar: int) -> str:
    """Return the sentence putting SHT's help requests per 1,000 beside the national contacts per 1,000."""
    if ref is None:
        return ""
    own = (
        f"Alle leeftijden samen kwamen er in {jaar} {sht_rate} hulpvragen per 1.000 inwoners binnen"
        if sht_rate is not None
        else f"Voor {jaar} is er geen aantal hulpvragen per 1.000 inwoners van SHT"
    )
    return (
        f"{own}; landelijk waren het {waarde(ref).replace(' per', ' contacten per', 1)} in {ref.jaar} "
        f"({bron(ref)}). {later_zin(ref)}{ref.verhouding_sht}"
    )


def telefoon_zin(spoed: Referentie | None, regulier: Referentie | None) -> str:
    """Return the national mean waiting times on the telephone, with their years, and why they differ from the norms."""
    parts = []
    if spoed is not None:
        parts.append(f"de spoedlijn gemiddeld na {waarde(spoed)} ({jaar_label(spoed)})")
    if regulier is not None:
        parts.append(f"de reguliere lijn gemiddeld na {waarde(regulier)} ({jaar_label(regulier)})")
    if not parts:
        return "Landelijke wachttijden aan de telefoon zijn niet vastgelegd."
    source = spoed or regulier
    return (
        f"Bij de huisartsenposten van Nederland werd {' en '.join(parts)} opgenomen ({source.bron}). Dat zijn "
        "gemiddelden; de branchenormen hierboven tellen welk deel van de oproepen binnen de tijdgrens is "
        "opgenomen. De cijfers staan daarom naast elkaar, maar zijn niet hetzelfde."
    )


def aandelen_zin(inleiding: str, items: list[tuple[str, Referentie, str | None]], jaar: int) -> str:
    """Return a sentence putting SHT's shares beside national shares, with the national year and source.

    items: (label, national figure, SHT's share as shown, or None in a year without registrations); an empty
    list gives ''. Without any SHT share the national figures stand alone with what SHT would need.
    """
    if not items:
        return ""
    first = items[0][1]
    later = next((later_zin(ref) for _, ref, _ in items if ref.later), "")
    uncertain = " Het landelijke cijfer is onzeker (zie de bron)." if any(ref.onzeker for _, ref, _ in items) else ""
    if all(sht is None for _, _, sht in items):
        parts = [f"{label} {waarde(ref)}" for label, ref, _ in items]
        return (
            f"Landelijk ({bron(first)}): " + "; ".join(parts) + f". {later}Het eigen aandeel van SHT "
            f"vraagt de registraties van {jaar}; die zijn er niet.{uncertain}"
        )
    parts = [
        f"{label} SHT {fmt.MISSING_TEXT if sht is None else sht}, landelijk {waarde(ref)}" for label, ref, sht in items
    ]
    return (
        f"{inleiding} in {jaar} naast het landelijke beeld ({bron(first)}): "
        + "; ".join(parts)
        + f". {later}{first.verhouding_sht}{uncertain}"
    )
