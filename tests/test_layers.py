"""The layer rule: data < models < render < chapters, and the build may import data and render only."""

import ast
from pathlib import Path

import pytest

PACKAGE_DIR = Path(__file__).resolve().parents[1] / "src" / "jaarverslag"
PACKAGE = "jaarverslag"
# Each layer, with the layers it must never import (anywhere in the module, also inside functions).
FORBIDDEN = {
    "data": ("models", "render", "chapters", "build"),
    "models": ("render", "chapters", "build"),
    "render": ("chapters", "build"),
    "build": ("chapters", "models"),
}


def imported_modules(source: str, module: str, is_package: bool = False) -> set[str]:
    """Return the dotted names every import statement in the source loads, relative imports resolved."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = module.split(".")
            if node.level:
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            names.add(target)
            names.update(f"{target}.{alias.name}" for alias in node.names)  # `from jaarverslag import models`
    return names


def layer_violations(source: str, module: str, is_package: bool = False) -> list[str]:
    """Return the imports in a module of one layer that reach a layer it must not import."""
    layer = module.split(".")[1]
    banned = tuple(f"{PACKAGE}.{other}" for other in FORBIDDEN.get(layer, ()))
    return sorted(
        name
        for name in imported_modules(source, module, is_package)
        if any(name == b or name.startswith(b + ".") for b in banned)
    )


def modules(layer: str) -> list[Path]:
    return sorted((PACKAGE_DIR / layer).rglob("*.py"))


def dotted(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE_DIR).with_suffix("").parts)
    return ".".join([PACKAGE, *(parts[:-1] if parts[-1] == "__init__" else parts)])


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_no_layer_imports_a_higher_one(layer):
    found = modules(layer)
    assert found, f"no modules in {layer}/"
    problems = {
        dotted(p): v
        for p in found
        if (v := layer_violations(p.read_text(encoding="utf-8"), dotted(p), p.name == "__init__.py"))
    }
    assert problems == {}


@pytest.mark.parametrize(
    ("source", "module", "expected"),
    [
        (
            "from jaarverslag.chapters import kwaliteit\n",
            "jaarverslag.build.stage",
            ["jaarverslag.chapters", "jaarverslag.chapters.kwaliteit"],
        ),
        (
            "def f():\n    import jaarverslag.models.modellen\n",
            "jaarverslag.build.run",
            ["jaarverslag.models.modellen"],
        ),
        ("from jaarverslag import models\n", "jaarverslag.build.run", ["jaarverslag.models"]),
        ("from ..render import fmt\n", "jaarverslag.data.metrics", ["jaarverslag.render", "jaarverslag.render.fmt"]),
        ("from . import charts\n", "jaarverslag.render.tables", []),
        ("from jaarverslag.data import load\nfrom jaarverslag.render import fmt\n", "jaarverslag.build.run", []),
        ("from jaarverslag.models import x\n", "jaarverslag.chapters.kwaliteit", []),
    ],
)
def test_the_check_finds_a_forbidden_import(source, module, expected):
    assert layer_violations(source, module) == expected
