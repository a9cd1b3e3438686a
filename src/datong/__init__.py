"""Tooling around the Datong warehouse: demo data generator, raw loader, evaluation."""

__version__ = "0.1.0"
