"""Every module of the service imports: a name removed from one module and still imported by another
fails here, even where no other test reaches that code path."""

from __future__ import annotations

import importlib
import pkgutil

import childnrm


def test_every_module_of_the_service_imports():
    failures = []
    for module in pkgutil.walk_packages(childnrm.__path__, "childnrm."):
        if ".tests" in module.name:
            continue  # test modules are imported by pytest itself, some with fixtures they need
        try:
            importlib.import_module(module.name)
        except Exception as problem:  # every kind of failure is reported, by module
            failures.append(f"{module.name}: {problem!r}")
    assert not failures, "\n".join(failures)
