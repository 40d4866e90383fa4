#!/usr/bin/env python3
"""Render chapter 01's instruments table with pandas, once, into casebook/data/lessons/platform_terms.rendered.json.

    python3 tools/render_tables.py            # (re)write the file
    python3 tools/render_tables.py --check    # exit 1 if the file lacks a variant of the current data

The page shows pandas' rendering of the table without importing pandas in the kernel (see
``widgets/lessons/instruments_table.py``): each stored rendering is keyed by the SHA-256 of the rows it was made
from, so a stale file is never shown; it only makes the page import pandas again. Re-run this after editing
``platform_terms.yaml``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from casebook import lessons  # noqa: E402
from widgets.lessons import instruments_table as T  # noqa: E402


def variants() -> dict[str, list[dict]]:
    data = lessons.load("platform_terms")
    return {f"{lang}{'+words' if words else ''}": T.rows(data, lang, words)
            for lang in lessons.LANGS for words in (True, False)}


def build() -> dict:
    import pandas as pd

    tables, index = {}, {}
    for name, table_rows in variants().items():
        key = T.rows_key(table_rows)
        tables[key] = T.render_with_pandas(table_rows)
        index[name] = key
    return {"generated_by": "tools/render_tables.py", "pandas": pd.__version__, "to_html": T.TO_HTML,
            "variants": index, "tables": tables}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    if args.check:
        T.stored_renderings.cache_clear()
        stored = T.stored_renderings()
        missing = [name for name, r in variants().items() if T.rows_key(r) not in stored]
        if missing:
            print(f"{T.RENDERED.name}: no rendering for {', '.join(missing)}: run tools/render_tables.py",
                  file=sys.stderr)
            return 1
        print(f"{T.RENDERED.name}: every variant is stored")
        return 0
    data = build()
    T.RENDERED.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {T.RENDERED.relative_to(ROOT)} ({len(data['tables'])} tables, pandas {data['pandas']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
