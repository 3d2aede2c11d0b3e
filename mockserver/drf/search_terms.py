"""How DRF 3.15+'s SearchFilter reads `?search=` (a profile's search_terms "phrases"): split as
Django's smart_split splits it, a quoted phrase one term (its quotes removed, escapes undone),
the rest split on commas. DRF 3.15+ also refuses a null character (400 ["Null characters are
not allowed."], the value is a CharField's; the spec's NullInSearch): the list view does so under
this profile, before the terms are split. A detail view does not (DRF's get_object filters a
detail too; the fake's does not search there). DRF 3.14 and before (the fake's default) drop the
character and split on white space and commas (store/search_index.py)."""

import re

# django.utils.text.smart_split's pattern: a run of non-space text, quoted parts kept whole.
_SMART_SPLIT = re.compile(
    r"""((?:[^\s'"]*(?:(?:"(?:[^"\\]|\\.)*" | '(?:[^'\\]|\\.)*')[^\s'"]*)+) | \S+)""", re.VERBOSE
)


def _unescaped(phrase: str) -> str:
    """django.utils.text.unescape_string_literal: the quotes off, `\\"` and `\\\\` undone."""
    quote = phrase[0]
    return phrase[1:-1].replace(f"\\{quote}", quote).replace("\\\\", "\\")


def phrase_terms(search: str) -> tuple[str, ...]:
    """rest_framework.filters.search_smart_split of the value a CharField validated."""
    terms: list[str] = []
    for bit in _SMART_SPLIT.finditer(search.replace("\x00", "")):
        term = bit[0].strip(",")
        if term.startswith(('"', "'")) and len(term) > 1 and term[0] == term[-1]:
            terms.append(_unescaped(term))  # a quoted phrase: one term, no other split
        else:
            terms += [part.strip() for part in term.split(",") if part]
    return tuple(terms)
