"""pyproject.toml is the single source of dependencies; environment.yml must agree with it."""

from __future__ import annotations

import re
import tomllib

import yaml
from paths import ROOT



def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject() -> tuple[dict[str, str], dict[str, str]]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    runtime = {_name(r): r.replace(" ", "") for r in data["project"]["dependencies"]}
    test = {_name(r): r.replace(" ", "") for r in data["project"]["optional-dependencies"]["test"]}
    return runtime, test


def test_environment_yml_matches_pyproject():
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert env["channels"] == ["conda-forge"]
    conda, pip = {}, {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip.update({_name(d): d.split("#")[0].replace(" ", "") for d in dep["pip"] if not d.startswith("-e")})
            assert "-e ." in dep["pip"], "environment.yml must install the project itself (pip install -e .)"
        else:
            conda[_name(dep)] = dep.replace(" ", "")
    conda.pop("python"), conda.pop("pip")
    runtime, test = _pyproject()
    declared = {**runtime, **test}
    listed = {**conda, **pip}
    assert set(listed) == set(declared), (set(listed) ^ set(declared))
    for name, spec in declared.items():
        assert listed[name] == spec, f"{name}: environment.yml says {listed[name]!r}, pyproject.toml {spec!r}"
    assert set(pip) == {"playwright"}, "only Playwright (not on conda-forge) goes under pip:"


def test_python_version_floor():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert data["project"]["requires-python"] == ">=3.11"
