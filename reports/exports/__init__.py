"""Exports: kinds of export (what rows, for whom), file writers, and the registry.

A kind is a subclass of :class:`ExportKind` decorated with :func:`register`, in a module
of ``reports/exports/kinds/`` (every module there is imported when the app starts). See
``registry.py`` for what a kind declares; ``reports/services/exports.py`` runs the jobs.
"""

from .registry import (
    ExportKind,
    ExportSource,
    all_kinds,
    clean_filters,
    get_kind,
    kinds_for,
    register,
)

__all__ = [
    "ExportKind",
    "ExportSource",
    "all_kinds",
    "clean_filters",
    "get_kind",
    "kinds_for",
    "register",
]
