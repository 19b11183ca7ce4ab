"""pyproject.toml declares every folder that ships files, so setuptools installs them without "Package would be
ignored" warnings and a data folder added later is not silently left out of the wheel."""

from __future__ import annotations

import tomllib

from .conftest import ROOT


def _declared() -> tuple[set[str], dict[str, str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    return set(config["packages"]), config.get("package-dir", {})


def _package_of(folder: str, package_dir: dict[str, str]) -> str:
    """The package name setuptools gives a folder of the checkout (``ontology/queries`` -> ``kg.ontology.queries``)."""
    for package, mapped in package_dir.items():
        if folder == mapped or folder.startswith(mapped + "/"):
            return package + folder[len(mapped):].replace("/", ".")
    return folder.replace("/", ".")


def test_every_folder_with_files_is_a_declared_package() -> None:
    packages, package_dir = _declared()
    folders = set()
    for root in (ROOT / "kg", ROOT / "ontology"):
        for path in root.rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                folders.add(path.parent.relative_to(ROOT).as_posix())
    missing = sorted(_package_of(folder, package_dir) for folder in folders)
    missing = [name for name in missing if name not in packages]
    assert missing == [], f"add these folders to [tool.setuptools] packages and package-data: {missing}"


def test_every_declared_package_exists() -> None:
    packages, package_dir = _declared()
    folders = {_package_of(p.relative_to(ROOT).as_posix(), package_dir): p
               for root in (ROOT / "kg", ROOT / "ontology") for p in [root, *root.rglob("*")] if p.is_dir()}
    assert sorted(packages - set(folders)) == []
