"""`nlsbot import <what> FILE` and `nlsbot export <what> …`: each feature registers its own
importer/exporter in a module of this package, next to nothing else."""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from bot.deps import Deps

Importer = Callable[[Deps, Path, argparse.Namespace], Awaitable[str]]
Exporter = Callable[[Deps, argparse.Namespace, TextIO], Awaitable[None]]


@dataclass(frozen=True)
class ExportSpec:
    run: Exporter
    help: str
    arguments: Callable[[argparse.ArgumentParser], None] | None


@dataclass(frozen=True)
class ImportSpec:
    run: Importer
    help: str
    arguments: Callable[[argparse.ArgumentParser], None] | None


IMPORTERS: dict[str, ImportSpec] = {}
EXPORTERS: dict[str, ExportSpec] = {}


def importer(
    name: str,
    *,
    help: str,
    arguments: Callable[[argparse.ArgumentParser], None] | None = None,
) -> Callable[[Importer], Importer]:
    def decorate(run: Importer) -> Importer:
        IMPORTERS[name] = ImportSpec(run, help, arguments)
        return run

    return decorate


def exporter(
    name: str,
    *,
    help: str,
    arguments: Callable[[argparse.ArgumentParser], None] | None = None,
) -> Callable[[Exporter], Exporter]:
    def decorate(run: Exporter) -> Exporter:
        EXPORTERS[name] = ExportSpec(run, help, arguments)
        return run

    return decorate
