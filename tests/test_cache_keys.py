"""The execution cache keys on every package module a notebook can import, and on the Python version."""

import shutil
from pathlib import Path

import pytest

from jaarverslag.build import cache

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.md"))


@pytest.fixture
def package(tmp_path, monkeypatch) -> Path:
    """A copy of the real package, used by the cache key instead of the installed one."""
    copy = tmp_path / "jaarverslag"
    shutil.copytree(cache.PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache, "PACKAGE_DIR", copy)
    return copy


def _keys() -> dict[str, cache.Key]:
    return {nb.stem: cache.Key.for_notebook(ROOT, nb, {"jaar": 2021}) for nb in NOTEBOOKS}


def _append_comment(path: Path) -> None:
    path.write_text(path.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")


def test_a_fake_package_is_followed_through_subpackages_and_function_level_imports(tmp_path):
    pkg = tmp_path / "jaarverslag"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "sub" / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "sub" / "deep.py").write_text("X = 1\n", encoding="utf-8")
    (pkg / "sub" / "rel.py").write_text("Y = 2\n", encoding="utf-8")
    (pkg / "mid.py").write_text(
        "def f():\n    from jaarverslag.sub import deep\n    from .sub.rel import Y\n", encoding="utf-8"
    )
    (pkg / "cli.py").write_text("import jaarverslag.mid\n", encoding="utf-8")
    found = cache.imported_modules(["from jaarverslag import mid"], pkg)
    assert [p.relative_to(pkg).as_posix() for p in found] == [
        "__init__.py",
        "mid.py",
        "sub/__init__.py",
        "sub/deep.py",
        "sub/rel.py",
    ]
    before = cache.code_hash(["from jaarverslag import mid"], pkg)
    _append_comment(pkg / "cli.py")
    assert cache.code_hash(["from jaarverslag import mid"], pkg) == before
    _append_comment(pkg / "sub" / "deep.py")
    assert cache.code_hash(["from jaarverslag import mid"], pkg) != before


def test_editing_an_imported_module_rekeys_only_the_notebooks_that_can_import_it(package):
    before = _keys()
    imports = {
        stem: {p.relative_to(package).as_posix() for p in cache.imported_modules(cache.notebook_code(nb))}
        for stem, nb in zip(before, NOTEBOOKS)
    }
    module = next(
        p
        for p in sorted(package.rglob("*.py"))
        if p.name != "__init__.py"
        and 0 < sum(p.relative_to(package).as_posix() in m for m in imports.values()) < len(imports)
    )
    _append_comment(module)
    after = _keys()
    name = module.relative_to(package).as_posix()
    for stem in before:
        changed = before[stem].delen["pakket"] != after[stem].delen["pakket"]
        assert changed == (name in imports[stem]), (stem, name)


def test_a_module_in_a_subpackage_is_part_of_the_key(package):
    before = _keys()
    for layer in ("data", "models", "render", "chapters"):
        used = {
            module: [s for s, nb in zip(before, NOTEBOOKS) if module in cache.imported_modules(cache.notebook_code(nb))]
            for module in sorted(p for p in (package / layer).glob("*.py") if p.name != "__init__.py")
        }
        module, users = next(((m, u) for m, u in used.items() if u), (None, []))
        assert users, f"no notebook imports a module of {layer}/"
        _append_comment(module)
        after = _keys()
        assert all(before[s].delen["pakket"] != after[s].delen["pakket"] for s in users), module
        before = after


def test_editing_the_cli_or_the_benchmark_rekeys_nothing(package):
    before = _keys()
    for name in ("cli.py", "bench.py", "__main__.py"):
        for path in package.rglob(name):
            _append_comment(path)
    assert _keys() == before


def test_the_python_version_is_part_of_the_key(tmp_path):
    notebook = NOTEBOOKS[0]
    key = cache.Key.for_notebook(ROOT, notebook, {"jaar": 2021})
    entry, output = tmp_path / "entry.json", tmp_path / "out.ipynb"
    output.write_text("{}", encoding="utf-8")
    cache.write_entry(entry, cache.Key({**key.delen, "python": "3.10.0 (other)"}), tmp_path / "none", ROOT)
    assert cache.reason_to_run(entry, key, output, ROOT) == "Python-versie gewijzigd"
    cache.write_entry(entry, key, tmp_path / "none", ROOT)
    assert cache.reason_to_run(entry, key, output, ROOT) is None
