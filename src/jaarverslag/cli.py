"""Command line: `python -m jaarverslag build|validate|nieuw-jaar`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and run a command; return the exit code."""
    parser = argparse.ArgumentParser(prog="jaarverslag", description="Het jaarverslag van SHT bouwen en controleren.")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="gegevens controleren, notebooks uitvoeren, boek per jaar bouwen en publiceren")
    b.add_argument("--jaar", type=int, action="append", help="alleen dit verslagjaar (mag vaker)")
    b.add_argument("--basis", default="/", help="URL-voorvoegsel waaronder de site staat (standaard /)")
    b.add_argument("--workers", type=int, default=None, help="aantal notebooks tegelijk (standaard: alle kernen)")
    b.add_argument(
        "--pdf", dest="pdf", action="store_true", default=None, help="ook de PDF maken (standaard als chromium er is)"
    )
    b.add_argument("--geen-pdf", dest="pdf", action="store_false", help="geen PDF maken")
    b.add_argument(
        "--parameters",
        type=Path,
        metavar="BESTAND",
        help="YAML-bestand met per notebook andere parameterwaarden (een scenario)",
    )
    b.add_argument(
        "-p",
        "--parameter",
        action="append",
        default=[],
        metavar="NOTEBOOK.NAAM=WAARDE",
        help="één parameter van één notebook instellen (mag vaker; gaat voor --parameters)",
    )
    v = sub.add_parser("validate", help="alle tabellen in data/ controleren")
    v.add_argument("--jaar", type=int, action="append", help="alleen dit verslagjaar (mag vaker)")
    n = sub.add_parser("nieuw-jaar", help="een nieuw verslagjaar beginnen met lege tabellen en teksten")
    n.add_argument("--jaar", type=int, required=True, help="het nieuwe verslagjaar, bijvoorbeeld 2022")
    args = parser.parse_args(argv)

    if args.command == "nieuw-jaar":
        from jaarverslag.data.new_year import make_year

        try:
            nieuw = make_year(args.jaar)
        except (FileExistsError, ValueError) as err:
            print(f"Niets aangemaakt: {err}", file=sys.stderr)
            return 1
        print(nieuw.uitleg())
        return 0

    if args.command == "build":
        from jaarverslag.build.run import bouw

        return bouw(args.jaar, args.basis, args.workers, args.pdf, args.parameters, args.parameter)
    from jaarverslag.data.report import valideer  # pandas and pandera: only for the commands that need them

    rapport = valideer(args.jaar)
    print(rapport.tekst(), file=sys.stdout if rapport.ok else sys.stderr)
    return 0 if rapport.ok else 1


if __name__ == "__main__":
    sys.exit(main())
