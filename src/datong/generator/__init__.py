"""Realistic O2O demo data with ground truth: `datong generate` (see docs/data_generator.md)."""
