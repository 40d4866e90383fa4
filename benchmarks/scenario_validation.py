#!/usr/bin/env python3
"""What checking a scenario costs on the hot path: :func:`casebook.scenario.validate` against baselines in one loop.

``validate`` runs on every fact change in the analyzer and in the engine's sweeps. It applies the JSON Schema
generated from the field table (compiled once by fastjsonschema) and then the rules a schema cannot say. Measured,
alternating in the same process (CPU time, best of ``--repeat`` runs of ``--number`` calls):

* ``validate``: a typical scenario (four facts given) and a full one (every field given);
* ``schema``: the compiled schema check alone (the floor of any schema-based check);
* ``build``: making the :class:`Scenario` without any check (the floor of any check at all);
* ``analyze``: one analysis of the same scenario by the engine, for scale.

Prints the times and the ratios validate/schema, validate/build and validate/analyze. Standalone:
``python benchmarks/scenario_validation.py [--number 10000] [--repeat 7] [--json]``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def measure(number: int, repeat: int) -> dict:
    from casebook import scenario
    from casebook.engine import analyze

    typical = {"platform_knowledge": "knew", "harm": "property", "damages": 10000, "seller_can_pay": 0.5}
    full = {**scenario.DEFAULTS, "platform_knowledge": "knew", "damages": 5000.0, "consumer_fault": 0.1,
            "platform_fault_share": 0.3}
    check = scenario._schema_check()
    out = {}
    for name, data in (("typical", typical), ("full", full)):
        built = {k: float(v) if type(v) is int else v for k, v in data.items()}
        runs = {"validate": lambda: scenario.validate(data), "schema": lambda: check(data),
                "build": lambda: scenario.Scenario(**built)}
        best = {key: float("inf") for key in runs}
        for _ in range(repeat):  # alternating, so that a busy machine slows every contender alike
            for key, fn in runs.items():
                best[key] = min(best[key], timeit.Timer(fn, timer=time.process_time).timeit(number) / number)
        best["analyze"] = min(timeit.Timer(lambda: analyze(data), timer=time.process_time).timeit(20) / 20
                              for _ in range(3))
        out[name] = {"us": {k: round(v * 1e6, 2) for k, v in best.items()},
                     "validate/schema": round(best["validate"] / best["schema"], 2),
                     "validate/build": round(best["validate"] / best["build"], 2),
                     "validate/analyze": round(best["validate"] / best["analyze"], 4)}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--number", type=int, default=10000, help="calls per run (default 10000)")
    parser.add_argument("--repeat", type=int, default=7, help="runs; the best is kept (default 7)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if args.number < 1 or args.repeat < 1:
        parser.error("--number and --repeat must be at least 1")
    result = measure(args.number, args.repeat)
    if args.json:
        print(json.dumps(result, indent=1))
        return 0
    for name, row in result.items():
        us = row["us"]
        print(f"{name:8} validate {us['validate']:6.2f} us  schema {us['schema']:6.2f} us  build {us['build']:5.2f} us  "
              f"analyze {us['analyze']:8.1f} us | validate/schema {row['validate/schema']:.2f}  "
              f"validate/build {row['validate/build']:.2f}  validate/analyze {row['validate/analyze']:.2%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
