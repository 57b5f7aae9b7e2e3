"""Packaging hook: a wheel carries the ontology, data (seed texts included), shapes and queries.

The repository's top-level folders stay the source of truth; build_py copies them into the built package as
`server/_resources/`, where server/paths.py finds them in a non-editable install. An editable install reads
them from the checkout, so nothing is copied then (setuptools sets `editable_mode` for PEP 660 builds).
Everything else is declared in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
RESOURCES = ("ontology", "data", "shapes", "queries")


class build_py_with_resources(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "server" / "_resources"
        shutil.rmtree(target, ignore_errors=True)
        for name in RESOURCES:
            shutil.copytree(HERE / name, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": build_py_with_resources})
