"""`nlsbot import <what> FILE` and `nlsbot export <what> …`: each feature registers its own
importer/exporter in a module of this package, next to nothing else."""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from bot.cli.csvio import add_export_options
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
    def with_export_options(parser: argparse.ArgumentParser) -> None:
        """Every export takes the options of the file's shape (`--excel`, `--no-bom`)."""
        if arguments:
            arguments(parser)
        add_export_options(parser)

    def decorate(run: Exporter) -> Exporter:
        EXPORTERS[name] = ExportSpec(run, help, with_export_options)
        return run

    return decorate
