"""Where a judged behaviour comes from: a source states it (documented), or the project chose it
where the sources are silent or disagree (decided, with the decision's id in specs/decisions/).

Declared beside what it qualifies, in `x-drf-collection` and in each `x-setup-tasks` entry:

    provenance:
      sources: ["products.rst (the client's pages)", "seed 004: search = name; ordering = name | identifier"]
      decided:
        page_size: datawiz#17                    # a decision id: <file in specs/decisions/>#<its row>
        search: {product_id: datawiz-resources#C4, barcode: datawiz-resources#C4}   # per field
        ordering: datawiz-resources#C4           # or every declared field at once
        allow: datawiz-resources#C8

Anything not under `decided` is documented by the `sources`. A judge (the contract suite, `diff`)
fails a deployment that differs on a documented behaviour and notes one that differs on a decided
behaviour ("differs from the fake's choice, decision datawiz#17"). Checked at start-up: the
behaviour names, the fields, and each decision's row in its file when the spec's folder has
`decisions/` (a spec copy without it is taken as it is)."""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

DOCUMENTED, DECIDED = "documented", "decided"
KEY = "provenance"
DECISIONS_DIR = "decisions"
# What a collection's judges qualify; the per-field ones name the declared search/ordering fields.
COLLECTION_BEHAVIOURS = (
    "page_size",
    "search",
    "ordering",
    "allow",
    "upload_answer",
    "suffix_form",
    "location",
    "required",  # per field (dotted for a nested one: products.price): an upload field's required flag
    # per field: an upload field's type where the sources type it otherwise (a cart item's order_no,
    # "число" but decided a string): objects made for a check send a value valid under both
    "type",
)
PER_FIELD = ("search", "ordering", "required", "type")
# What a setup task's judges qualify: the outcome reported until the next execute (not idle again),
# POST refused by its GET endpoints (the document's examples POST), the states' spelling (its
# example answer spells one differently from its list).
TASK_BEHAVIOURS = ("outcome_reported", "post_refused", "state_spelling")
_CELL = re.compile(r"(?<!\\)\|")  # a table cell's border (an escaped \| is text)
_DECISION_ID = re.compile(r"^([a-z][a-z0-9-]*)#([A-Za-z0-9-]+)$")


class ProvenanceError(ValueError):
    """A provenance the engine cannot read; the message says where (the caller adds the file)."""


@dataclass(frozen=True)
class Provenance:
    """One behaviour's provenance: `reference` is the source cited (documented) or the decision's
    id (decided); `reason` is the decision's own one-line text when its file could be read."""

    basis: str  # DOCUMENTED or DECIDED
    reference: str
    reason: str = ""

    @property
    def decided(self) -> bool:
        return self.basis == DECIDED

    def describe(self) -> str:
        if not self.decided:
            return f"documented ({self.reference})" if self.reference else "documented"
        file, row = self.reference.split("#", 1)
        where = f"decision {self.reference} (specs/decisions/{file}.md, row {row})"
        return f"{where}: {self.reason}" if self.reason else where


@dataclass(frozen=True)
class Provenances:
    """The provenance of every behaviour of one declaration (a collection, a setup task)."""

    sources: tuple[str, ...] = ()
    decided: Mapping[str, Any] = field(default_factory=dict)  # behaviour -> Provenance | {field: Provenance}

    @property
    def documented(self) -> Provenance:
        return Provenance(DOCUMENTED, "; ".join(self.sources))

    def of(self, behaviour: str, name: str | None = None) -> Provenance:
        """The provenance of a behaviour (of one of its fields for search and ordering)."""
        chosen = self.decided.get(behaviour)
        if isinstance(chosen, Provenance):
            return chosen
        if isinstance(chosen, Mapping) and name is not None and name in chosen:
            return chosen[name]
        return self.documented

    def of_all(self, behaviour: str) -> Provenance:
        """The provenance of a behaviour's whole set (which fields search looks in): decided when
        any of its fields is, since no source then fixes the set."""
        chosen = self.decided.get(behaviour)
        if isinstance(chosen, Provenance):
            return chosen
        if isinstance(chosen, Mapping) and chosen:
            return next(iter(chosen.values()))
        return self.documented

    def documented_fields(self, behaviour: str, declared: tuple[str, ...] | list[str]) -> tuple[str, ...]:
        """The declared fields of a per-field behaviour that a source states."""
        return tuple(name for name in declared if not self.of(behaviour, name).decided)


NONE = Provenances()


@lru_cache(maxsize=32)
def _decision_rows(path: Path, stamp: float) -> dict[str, str]:
    """row id -> the decision's text, from the tables (`| id | ... |`, the column headed
    "Decision") and the `### id` headings of one decisions file."""
    rows: dict[str, str] = {}
    column = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("### "):
            for key in line[4:].split("(")[0].split(","):
                rows.setdefault(key.strip(), line[4:].strip())
            continue
        if not line.startswith("|"):
            column = None
            continue
        cells = [cell.strip().replace("\\|", "|") for cell in _CELL.split(line.strip().strip("|"))]
        if column is None:
            column = next((i for i, c in enumerate(cells) if c == "Decision"), len(cells) - 2)
            continue
        if set(cells[0]) <= {"-", ":"}:
            continue
        ident = cells[0].lstrip("#").strip()
        rows.setdefault(ident, cells[column] if column < len(cells) else "")
    return rows


def decision_text(decisions: Path, ident: str) -> str | None:
    """The text of decision `file#row`, or None when the file or the row is missing."""
    matched = _DECISION_ID.match(ident)
    if matched is None:
        return None
    path = decisions / f"{matched.group(1)}.md"
    if not path.is_file():
        return None
    return _decision_rows(path, path.stat().st_mtime).get(matched.group(2))


def _one_line(text: str, limit: int = 200) -> str:
    text = re.sub(r"\s+", " ", text.replace("`", "")).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _decision(value: Any, decisions: Path | None, where: str) -> Provenance:
    if not isinstance(value, str) or not _DECISION_ID.match(value):
        raise ProvenanceError(f"{where}: expected a decision id such as `datawiz#17` (<file>#<row>)")
    reason = ""
    if decisions is not None:
        text = decision_text(decisions, value)
        if text is None:
            file, row = value.split("#", 1)
            raise ProvenanceError(f"{where}: no row {row!r} in {DECISIONS_DIR}/{file}.md")
        reason = _one_line(text)
    return Provenance(DECIDED, value, reason)


def read_provenance(
    raw: Any,
    where: str,
    spec_file: Path,
    behaviours: tuple[str, ...],
    fields: Mapping[str, tuple[str, ...]] | None = None,
) -> Provenances:
    """A declaration's `provenance` (NONE when absent: every behaviour documented, no source
    named). `fields`: the declared fields of each per-field behaviour."""
    if raw is None:
        return NONE
    here = f"{where}.{KEY}"
    if not isinstance(raw, dict) or set(raw) - {"sources", "decided"}:
        raise ProvenanceError(
            f"{here}: expected {{sources: [<source>, ...], decided: {{<behaviour>: <id>}}}}"
        )
    sources = raw.get("sources")
    if (
        not isinstance(sources, list)
        or not sources
        or not all(isinstance(s, str) and s.strip() for s in sources)
    ):
        raise ProvenanceError(f"{here}.sources: cite what documents it (a non-empty list of texts)")
    folder = spec_file.parent / DECISIONS_DIR
    decisions = folder if folder.is_dir() else None
    decided: dict[str, Any] = {}
    given = raw.get("decided") or {}
    if not isinstance(given, dict):
        raise ProvenanceError(f"{here}.decided: expected {{<behaviour>: <decision id>}}")
    for behaviour, value in given.items():
        at = f"{here}.decided.{behaviour}"
        if behaviour not in behaviours:
            raise ProvenanceError(f"{at}: not a behaviour judged here (known: {', '.join(behaviours)})")
        if isinstance(value, dict) and behaviour in PER_FIELD:
            known = (fields or {}).get(behaviour, ())
            per_field = {}
            for name, ident in value.items():
                if name not in known:
                    raise ProvenanceError(f"{at}.{name}: not a declared {behaviour} field")
                per_field[name] = _decision(ident, decisions, f"{at}.{name}")
            decided[behaviour] = per_field
        else:
            decided[behaviour] = _decision(value, decisions, at)
    return Provenances(tuple(s.strip() for s in sources), decided)
