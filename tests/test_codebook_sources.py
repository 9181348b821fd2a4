"""Codebook provenance: every source document an entry cites carries its SHA-256, and the Codeboek page shows it."""

import hashlib
import re
import shutil
from pathlib import Path

import pytest
import yaml

from jaarverslag.data.codebook import SOURCE_HASHES, _load, cited_documents, codebook
from jaarverslag.render.codebook_page import DOCUMENTS_LABEL, pagina

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"  # the source documents beside the project (../shared/seeds, ../shared/reference)
HEX64 = re.compile(r"[0-9a-f]{64}")
ENTRIES = sorted(p for p in (ROOT / "data" / "codebook").glob("*.yml") if not p.name.startswith("_"))


def raw(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", ENTRIES, ids=lambda p: p.stem)
def test_every_cited_document_has_a_well_formed_hash(path):
    """Read from the YAML itself (not through the loader), so this holds even if the loader's check were lost."""
    entry = raw(path)
    paths, seeds = cited_documents(str(entry["bron"]), str(entry.get("notities") or ""))
    hashes = entry.get(SOURCE_HASHES) or {}
    cited = paths | {next((k for k in hashes if k.startswith(f"seeds/{n}_")), f"seed {n}") for n in seeds}
    assert set(hashes) == cited
    assert all(isinstance(v, str) and HEX64.fullmatch(v) for v in hashes.values()), hashes


def test_the_codebook_cites_the_report_and_the_reference_files():
    specs = codebook(ROOT)
    cited = {d for s in specs.values() for d, _ in s.bron_sha256}
    assert {
        "seeds/000_4b7b462fe0c6bb31.txt",
        "seeds/001_adedf9687a57d23d.txt",
        "reference/README.md",
        "reference/cbs_bevolking_twente_leeftijd.csv",
        "reference/gemeenten_twente_2022.geojson",
    } <= cited
    assert dict(specs["huisartsen"].bron_sha256).keys() == {
        "seeds/000_4b7b462fe0c6bb31.txt",
        "seeds/001_adedf9687a57d23d.txt",
    }  # "seed 001"
    assert specs["spoedposten"].bron_sha256 == ()  # cites no document


@pytest.mark.skipif(not (SHARED / "seeds").is_dir(), reason="../shared/seeds is not beside the project")
def test_the_hashes_are_those_of_the_documents():
    for spec in codebook(ROOT).values():
        for document, digest in spec.bron_sha256:
            assert hashlib.sha256((SHARED / document).read_bytes()).hexdigest() == digest, (spec.naam, document)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the codebook to break."""
    target = tmp_path / "codebook"
    shutil.copytree(ROOT / "data" / "codebook", target)
    return target


def edit(folder: Path, name: str, change) -> None:
    path = folder / f"{name}.yml"
    entry = raw(path)
    change(entry)
    path.write_text(yaml.safe_dump(entry, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda e: e.pop(SOURCE_HASHES), "bron_sha256 mist de SHA-256 van seeds/000_4b7b462fe0c6bb31.txt"),
        (lambda e: e[SOURCE_HASHES].pop("seeds/001_adedf9687a57d23d.txt"), "mist de SHA-256 van seeds/001_…"),
        (lambda e: e[SOURCE_HASHES].update({"seeds/000_4b7b462fe0c6bb31.txt": "abc"}), "is geen SHA-256"),
        (lambda e: e[SOURCE_HASHES].update({"seeds/000_4b7b462fe0c6bb31.txt": "A" * 64}), "is geen SHA-256"),
        (lambda e: e[SOURCE_HASHES].update({"seeds/002_e6e92240e866ccb3.txt": "0" * 64}), "citeren dat niet"),
        (lambda e: e[SOURCE_HASHES].update({"../geheim.txt": "0" * 64}), "verwacht seeds/<bestand>"),
        (lambda e: e.update({SOURCE_HASHES: ["seeds/000_4b7b462fe0c6bb31.txt"]}), "per brondocument een regel"),
    ],
)
def test_the_codebook_refuses_a_missing_or_malformed_hash(folder, change, expected):
    edit(folder, "huisartsen", change)
    with pytest.raises(ValueError, match=re.escape(expected)):
        _load(folder)


def test_two_entries_must_agree_on_a_document(folder):
    edit(folder, "verrichtingen", lambda e: e[SOURCE_HASHES].update({"seeds/000_4b7b462fe0c6bb31.txt": "0" * 64}))
    with pytest.raises(ValueError, match="verschilt tussen de tabellen voor seeds/000_4b7b462fe0c6bb31.txt"):
        _load(folder)


def test_the_codeboek_page_shows_each_hash():
    page, spec = pagina(ROOT), codebook(ROOT)["huisartsen"]
    section = page.split(f"## {spec.titel}\n")[1].split("\n## ")[0]
    digests = dict(spec.bron_sha256)
    line = next(x for x in section.splitlines() if DOCUMENTS_LABEL in x)
    assert all(f"`{document}`: `{digest}`" in line for document, digest in digests.items())
    assert page.count(DOCUMENTS_LABEL) == sum(1 for s in codebook(ROOT).values() if s.bron_sha256)
