"""Golden records: what the tutorial says today, so that a change of structure cannot change it unnoticed.

Recorded in ``tests/golden/`` (xz-compressed JSON, canonical: sorted keys):

* ``analyses.json.xz``: the analysis JSON of every casebook decision, every item of the shipped scenario set and 50
  generated scenarios (a fixed seed), under every regime, in both languages;
* ``views.json.xz``: what the analyzer's views render for the casebook decisions, in both languages: every HTML
  value, label and option of each view's widget tree (so the record does not depend on how a view is built).

A change that is meant to change what the tutorial says (a legal correction, a new text) re-records them in its own
commit, with the reason in the message::

    LL_WRITE_GOLDEN=1 .venv/bin/python -m pytest -q tests/test_golden.py

A failure names the first records that differ and shows the first difference in each.
"""

from __future__ import annotations

import difflib
import lzma
import json
import os
import random
from pathlib import Path

import pytest

from casebook.cases import decisions
from casebook.engine import REGIMES, analyze
from casebook.scenario import FIELDS
from casebook.scenario_sets import example_set_path, load_set_file

GOLDEN = Path(__file__).resolve().parent / "golden"
LANGS = ("zh", "en")
WRITE = os.environ.get("LL_WRITE_GOLDEN") == "1"


def _facts(scenario: dict) -> dict:
    return {k: v for k, v in scenario.items() if k != "assumptions"}


def generated(n: int = 50, seed: int = 20261206) -> list[dict]:
    """``n`` scenarios drawn with a fixed seed over every field's values (numbers on a coarse grid)."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        s = {}
        for f in FIELDS:
            if f.kind == "choice":
                s[f.name] = rng.choice(f.options)
            elif f.kind == "bool":
                s[f.name] = rng.random() < 0.5
            elif f.name in ("damages", "price"):
                s[f.name] = rng.choice((0, 99.5, 1000, 10000, 123456.78))
            elif f.name == "platform_fault_share":
                s[f.name] = None
            else:
                s[f.name] = rng.choice((0, 0.2, 0.5, 1))
        if rng.random() < 0.3:
            s["platform_fault_share"] = round((1 - s["consumer_fault"]) * rng.choice((0, 0.3, 1)), 2)
        out.append(s)
    return out


def items() -> dict[str, dict]:
    out = {f"decision:{d['id']}": _facts(d["scenario"]) for d in decisions()}
    for item in load_set_file(example_set_path())["scenarios"]:
        out[f"set:{item['id']}"] = _facts(item["scenario"])
    for i, s in enumerate(generated()):
        out[f"generated:{i:02d}"] = s
    return out


def canonical(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1)


def record_analyses() -> dict[str, str]:
    return {f"{name}|{regime}|{lang}": canonical(analyze(facts, regime, lang))
            for name, facts in items().items() for regime in REGIMES for lang in LANGS}


def widget_texts(w, out=None) -> list:
    """Every text a widget tree shows: HTML values, descriptions, option labels, placeholders, in tree order."""
    out = [] if out is None else out
    for attr in ("value", "description", "placeholder", "tooltip"):
        v = getattr(w, attr, None)
        if isinstance(v, str) and v:
            out.append(f"{attr}: {v}")
    labels = getattr(w, "_options_labels", None)
    if labels:
        out.append("options: " + " | ".join(labels))
    for child in getattr(w, "children", ()) or ():
        widget_texts(child, out)
    return out


def record_views() -> dict[str, str]:
    from widgets.burden_matrix import BurdenMatrix
    from widgets.outcome_card import OutcomeCard
    from widgets.pivotal_facts import PivotalFacts
    from widgets.regime_comparison import RegimeComparison
    from widgets.trace_view import TraceView

    from widgets.lessons.readings_compare import ReadingsCompare
    from widgets.lessons.tier_ladder import TierLadder
    from widgets.payments_chart import PaymentsChart

    views = {"outcome": OutcomeCard, "trace": TraceView, "comparison": RegimeComparison, "burden": BurdenMatrix,
             "pivotal": PivotalFacts, "payments_chart": PaymentsChart}
    out = {}
    for d in decisions():
        for lang in LANGS:
            a = analyze(_facts(d["scenario"]), "statute", lang)
            for name, cls in views.items():
                out[f"{d['id']}|{name}|{lang}"] = "\n".join(widget_texts(cls(analysis=a, lang=lang)))
            chart = PaymentsChart(analysis=a, lang=lang)
            chart.shown = "joint"
            out[f"{d['id']}|payments_chart_joint|{lang}"] = "\n".join(widget_texts(chart))
    for lang in LANGS:
        out[f"chapter04|readings_compare|{lang}"] = "\n".join(widget_texts(ReadingsCompare(lang=lang)))
        for tier in ("large", "medium", "small"):
            out[f"chapter05|tier_ladder_{tier}|{lang}"] = "\n".join(widget_texts(TierLadder(lang=lang, tier=tier)))
    return out


def _read(name: str) -> dict:
    return json.loads(lzma.decompress((GOLDEN / name).read_bytes()).decode("utf-8"))


def _write(name: str, data: dict) -> None:
    # xz, not gzip: the records repeat across regimes and languages far beyond gzip's 32 KB window (14.5 MB of
    # JSON is 1.2 MB gzipped, 40 KB as xz). The same records give the same bytes: no diff in git.
    GOLDEN.mkdir(exist_ok=True)
    raw = json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")
    (GOLDEN / name).write_bytes(lzma.compress(raw, preset=9 | lzma.PRESET_EXTREME))


def _compare(name: str, now: dict) -> None:
    if WRITE:
        _write(name, now)
    then = _read(name)
    missing, added = sorted(set(then) - set(now)), sorted(set(now) - set(then))
    assert not missing and not added, f"{name}: records gone {missing[:5]}, new {added[:5]}"
    changed = [k for k in sorted(now) if now[k] != then[k]]
    if changed:
        shown = []
        for k in changed[:3]:
            diff = difflib.unified_diff(then[k].splitlines(), now[k].splitlines(), "recorded", "now", lineterm="", n=1)
            shown.append(f"--- {k}\n" + "\n".join(list(diff)[2:14]))
        pytest.fail(f"{name}: {len(changed)} record(s) differ; the first:\n" + "\n".join(shown))


def test_the_generated_scenarios_are_valid_and_varied():
    from casebook.scenario import validate

    scenarios = [validate(s) for s in generated()]
    forms = {analyze(s, "statute", "en", pivotal=False)["liability_form"] for s in scenarios}
    assert len(scenarios) == 50 and len(forms) >= 4


def test_the_analyses_are_as_recorded():
    _compare("analyses.json.xz", record_analyses())


def test_the_analyzer_views_render_as_recorded():
    _compare("views.json.xz", record_views())
