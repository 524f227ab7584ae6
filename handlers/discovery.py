"""Each listener folder registers every module it contains, so a feature adds a module and
never edits a shared list (features are built side by side)."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

from slack_bolt.async_app import AsyncApp


def feature_modules(package: ModuleType) -> list[ModuleType]:
    return [
        importlib.import_module(f"{package.__name__}.{info.name}")
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name)
        if not info.name.startswith("_")
    ]


def register_package(app: AsyncApp, package: ModuleType) -> None:
    for module in feature_modules(package):
        register = getattr(module, "register", None)
        if register is not None:
            register(app)
