"""`datong generate`: write a demo raw directory and its ground truth."""

from __future__ import annotations

import argparse
from datetime import date

from .faults import FAULTS


def _date(text: str) -> date:
    return date.fromisoformat(text)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--persons", type=int, required=True, help="number of persons")
    parser.add_argument("--seed", type=int, default=20240601, help="random seed")
    parser.add_argument("--out", required=True, help="output directory (raw/ and truth/)")
    parser.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    parser.add_argument("--start-date", type=_date, default=date(2024, 1, 1))
    parser.add_argument("--end-date", type=_date, default=date(2025, 12, 31))
    parser.add_argument("--chunk-size", type=int, default=20_000,
                        help="persons per chunk (bounds memory; part of the seed's meaning)")
    for fault, (default, help_text) in FAULTS.items():
        parser.add_argument(f"--{fault.replace('_', '-')}-rate", type=float, default=default,
                            dest=f"rate_{fault}", help=f"{help_text} (default {default})")


def run(args: argparse.Namespace) -> int:
    import time
    from pathlib import Path

    from .core import Config, generate

    if args.end_date <= args.start_date:
        raise SystemExit("--end-date must be after --start-date")
    rates = {fault: getattr(args, f"rate_{fault}") for fault in FAULTS}
    for fault, rate in rates.items():
        if not 0.0 <= rate <= 1.0:
            raise SystemExit(f"--{fault.replace('_', '-')}-rate must be between 0 and 1")
    config = Config(persons=args.persons, seed=args.seed, out=Path(args.out), format=args.format,
                    start=args.start_date, end=args.end_date, chunk_size=args.chunk_size,
                    rates=rates)
    started = time.perf_counter()
    manifest = generate(config)
    rows = sum(manifest["rows"].values())
    print(f"wrote {rows} raw rows for {args.persons} persons to {args.out} "
          f"in {time.perf_counter() - started:.1f} s")
    return 0
