"""The casebook: the four cases of paper §3.3.1, one YAML file each, checked against a schema on load.

Each file under ``casebook/data/cases/`` holds one case: its names, the paper's own sentences about it (verbatim,
with an unofficial translation) and its decisions. Every decision carries a scenario that replays it, with a note
for every value the paper does not give (``scenario.assumptions``), the paper's words for every value it does give
(``given``), and what the engine is expected to make of it (``expected``), so each case is a regression test.

Pure Python: the standard library and PyYAML. The JSON Schema (``schema.json``, draft 2020-12) is applied by the
small validator below, which knows exactly the keywords the schema uses and refuses any other, so the schema can
never hold a rule that is silently skipped.
"""

from __future__ import annotations

import copy
import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Any

from .data_schema import first_problem

CASES_DIR = Path(__file__).resolve().parent / "data" / "cases"
SCHEMA_PATH = CASES_DIR / "schema.json"

# The paper's citation style: 民初 is a first-instance judgment, 民终 a second-instance one.
INSTANCE_BY_MARK = {"民初": "first", "民终": "second"}


class CaseFileError(ValueError):
    """A case file that breaks the schema or the casebook's rules. ``str()`` names the file and the key."""

    def __init__(self, file: str, key: str, message: str):
        self.file = file
        self.key = key
        self.message = message
        super().__init__(f"{file}: {key or '(top level)'}: {message}")


@lru_cache(maxsize=1)
def _schema() -> dict:
    with open(SCHEMA_PATH, encoding="utf-8") as fh:
        return json.load(fh)


def schema() -> dict:
    """The JSON Schema of a case file (a copy)."""
    return copy.deepcopy(_schema())


# --- the casebook's own rules, beyond the schema ----------------------------------------------------------------


def instance_of(case_number: str) -> str | None:
    """``first`` for a 民初 citation, ``second`` for 民终, None for any other."""
    for mark, instance in INSTANCE_BY_MARK.items():
        if mark in case_number:
            return instance
    return None


def _check_decision(dec: dict, key: str) -> list[tuple[str, str]]:
    errors = []
    if dec["case_number"] is not None and instance_of(dec["case_number"]) != dec["instance"]:
        errors.append((f"{key}.instance", f"{dec['instance']!r} contradicts the case number {dec['case_number']} "
                                          f"(民初 is first instance, 民终 second)"))
    form, shares = dec["liability_form"], dec["shares"]
    if (form == "proportional") != (shares is not None):
        errors.append((f"{key}.shares", "shares are given for proportional holdings, and only for them"))
    elif shares is not None and not math.isclose(sum(shares.values()), 1.0, abs_tol=1e-9):
        errors.append((f"{key}.shares", f"the shares add up to {sum(shares.values()):g}, not 1"))

    scenario = dec["scenario"]
    fields = [f for f in scenario if f != "assumptions"]
    notes, given = scenario["assumptions"], dec["given"]
    for name in notes:
        if name not in scenario or name == "assumptions":
            errors.append((f"{key}.scenario.assumptions.{name}", "a note on a field the scenario does not set"))
    for name in given:
        if name not in scenario or name == "assumptions":
            errors.append((f"{key}.given.{name}", "names a field the scenario does not set"))
    for name in fields:
        if name in notes and name in given:
            errors.append((f"{key}.scenario.assumptions.{name}", "the field is both given by the paper and assumed"))
        elif name not in notes and name not in given:
            errors.append((f"{key}.scenario.{name}", "the paper does not give this value: it needs an assumption "
                                                     "note (scenario.assumptions) or the paper's words (given)"))
    try:
        from .scenario import ScenarioError, validate
    except ImportError:  # the scenario model is optional for reading the casebook
        pass
    else:
        try:
            validate(scenario)
        except ScenarioError as exc:
            field = f".{exc.field}" if exc.field else ""
            errors.append((f"{key}.scenario{field}", exc.message))

    expected = dec["expected"]
    statute = expected["statute"]
    if isinstance(statute, str) and statute != form:
        errors.append((f"{key}.expected.statute", f"{statute!r} is not the held form {form!r}"))
    if isinstance(statute, list) and form not in statute:
        errors.append((f"{key}.expected.statute", f"the held form {form!r} is not among {statute}"))
    if form in ("joint", "supplementary", "proportional", "non_genuine_joint"):
        own = expected["regimes"].get(form)
        if own is None or own["liability_form"] != form:
            errors.append((f"{key}.expected.regimes.{form}", f"a {form} holding must replay as {form} "
                                                             f"under the regime of that name"))
    for regime, outcome in expected["regimes"].items():
        shares_ = outcome.get("payment_shares")
        if shares_ is not None and not math.isclose(sum(shares_.values()), 1.0, abs_tol=1e-9):
            errors.append((f"{key}.expected.regimes.{regime}.payment_shares", "must add up to 1"))
    return errors


def validate_case(data: Any, file: str = "<case>") -> None:
    """Raise :class:`CaseFileError` (naming the file and the key) unless ``data`` is a well-formed case."""
    problem = first_problem(data, SCHEMA_PATH)
    errors = [problem] if problem else []
    if not errors:
        stem = Path(file).stem
        if file != "<case>" and data["id"] != stem:
            errors.append(("id", f"{data['id']!r} differs from the file name {stem!r}"))
        for i, dec in enumerate(data["decisions"]):
            errors += _check_decision(dec, f"decisions[{i}]")
    if errors:
        key, message = errors[0]
        more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
        raise CaseFileError(file, key, message + more)


# --- loading ----------------------------------------------------------------------------------------------------


def _read(path: Path) -> Any:
    import yaml

    try:
        with open(path, encoding="utf-8") as fh:
            return yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise CaseFileError(path.name, "", f"cannot read: {first}") from None


@lru_cache(maxsize=4)
def _load(directory: str) -> tuple:
    root = Path(directory)
    files = sorted(root.glob("*.yaml"))
    if not files:
        raise CaseFileError(str(root), "", "no case files (*.yaml) found")
    cases, seen_decisions = [], {}
    for path in files:
        data = _read(path)
        validate_case(data, path.name)
        for i, dec in enumerate(data["decisions"]):
            if dec["id"] in seen_decisions:
                raise CaseFileError(path.name, f"decisions[{i}].id",
                                    f"{dec['id']!r} is already used in {seen_decisions[dec['id']]}")
            seen_decisions[dec["id"]] = path.name
        cases.append(data)
    cases.sort(key=lambda c: (c["paper"]["footnote"], c["id"]))  # the paper's order
    return tuple(cases)


def load_cases(directory: str | Path | None = None) -> list[dict]:
    """Every case, validated, in the paper's order (by footnote). Cached; each call returns fresh copies."""
    return copy.deepcopy(list(_load(str(Path(directory).resolve() if directory else CASES_DIR))))


def decisions(directory: str | Path | None = None) -> list[dict]:
    """Every decision of every case, flattened, each with ``case_id``, ``short_name``, ``title`` and ``source``."""
    out = []
    for case in load_cases(directory):
        for dec in case["decisions"]:
            out.append({
                **dec,
                "case_id": case["id"],
                "short_name": case["short_name"],
                "title": case["title"],
                "source": {"section": case["paper"]["section"], "footnote": case["paper"]["footnote"]},
            })
    return out


def decision(id: str) -> dict:
    """One decision by its id; KeyError naming the known ids otherwise."""
    for dec in decisions():
        if dec["id"] == id:
            return dec
    raise KeyError(f"no decision {id!r}; known: {', '.join(d['id'] for d in decisions())}")


def decisions_json() -> list[dict]:
    """The decisions as ``liability-lab cases --json`` prints them (the contract's item format, plus extras).

    ``facts`` is the decision's scenario mapping with its ``assumptions`` key, ready for ``liability-lab analyze``.
    """
    return [
        {
            "id": d["id"],
            "case_id": d["case_id"],
            "short_name": d["short_name"],
            "title": d["title"]["zh"],
            "case_number": d["case_number"],
            "court": d["court"]["zh"] if d["court"] else None,
            "court_en": d["court"]["en"] if d["court"] else None,
            "instance": d["instance"],
            "liability_form": d["liability_form"],
            "shares": d["shares"],
            "holding": d["holding"],
            "facts": d["scenario"],
            "given": d["given"],
            "source": d["source"],
        }
        for d in decisions()
    ]
