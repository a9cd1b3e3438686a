"""Command-line entry point: `datong <command> ...`.

Each command lives in its own module and exposes `add_arguments(parser)` and `run(args)`;
this file only wires them together. Modules keep their heavy imports (dbt, pyspark, scipy)
inside `run`, so that building the parser stays cheap.
"""

from __future__ import annotations

import argparse
import importlib
import sys

COMMANDS = {
    "generate": ("datong.generator.cli", "Generate a demo raw directory with ground truth."),
    "load": ("datong.loader", "Load a raw directory into the warehouse's raw schemas."),
    "split": ("datong.split", "Cut a raw directory into batches that arrive one after another."),
    "summary": ("datong.summary", "Print headline figures of a built warehouse."),
    "evaluate": ("datong.evaluate", "Score identity resolution against the demo data's truth."),
    "bench-identity": ("datong.bench_identity", "Benchmark identity resolution at N persons."),
    "bench": ("datong.bench", "Benchmark the whole DuckDB build at N persons."),
    "bench-day": ("datong.bench_day",
                  "Benchmark one day's batch on top of a built history, side by side."),
    "parity": ("datong.parity", "Compare the DuckDB and the Spark warehouse model by model."),
    "publish": ("datong.publish", "Copy the marts, and only the marts, to a BI file and Parquet."),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="datong", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    modules = {}
    for name, (module_name, help_text) in COMMANDS.items():
        command_parser = sub.add_parser(name, help=help_text, description=help_text)
        module = importlib.import_module(module_name)
        module.add_arguments(command_parser)
        modules[name] = module
    args = parser.parse_args(argv)
    return int(modules[args.command].run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
