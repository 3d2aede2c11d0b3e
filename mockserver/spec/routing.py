"""Match request paths against the spec's path templates, with DRF's format-suffix forms."""

import re
from dataclasses import dataclass

from mockserver.spec.loader import PathItem

_PARAM = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
# DRF routers capture a lookup value as [^/.]+ so that a format suffix can follow it.
_LOOKUP = "[^/.]+"
_FORMAT = r"(?P<format>[a-z0-9]+)"


@dataclass(slots=True)
class RouteMatch:
    path_item: PathItem
    path_params: dict[str, str]
    format_suffix: str | None


class _Route:
    """One pattern of a path item, compiled the first time a path with its literal prefix is
    matched: start-up compiles none of them (a spec with thirty collections has hundreds), and
    a request tries only the routes whose literal text it starts with."""

    __slots__ = ("_pattern", "path_item", "prefix", "source")

    def __init__(self, source: str, path_item: PathItem) -> None:
        self.source = source
        self.path_item = path_item
        # The template's text before its first parameter (or before its last slash when it has
        # none: the suffix forms /things.json follow the stem): every match starts with it.
        template = path_item.path
        self.prefix = template.split("{", 1)[0] if "{" in template else template.rstrip("/")
        self._pattern: re.Pattern[str] | None = None

    def match(self, path: str) -> re.Match[str] | None:
        if self._pattern is None:
            self._pattern = re.compile(self.source)
        return self._pattern.match(path)


def _declared_lookups(path_item: PathItem) -> dict[str, str]:
    """Path parameters whose schema gives a pattern (`^...$`): the resource's lookup_value_regex."""
    found: dict[str, str] = {}
    for operation in path_item.operations.values():
        for parameter in operation.definition.get("parameters", []):
            pattern = (
                (parameter.get("schema") or {}).get("pattern") if parameter.get("in") == "path" else None
            )
            if isinstance(pattern, str):
                found[parameter["name"]] = pattern.removeprefix("^").removesuffix("$")
    return found


def _template_regex(template: str, lookup: str = _LOOKUP, declared: dict[str, str] | None = None) -> str:
    parts = []
    position = 0
    for match in _PARAM.finditer(template):
        parts.append(re.escape(template[position : match.start()]))
        parts.append(f"(?P<{match.group(1)}>{(declared or {}).get(match.group(1), lookup)})")
        position = match.end()
    parts.append(re.escape(template[position:]))
    return "".join(parts)


def _patterns(path_item: PathItem) -> list[str]:
    # Only DRF routers keep dots out of a lookup value (for format suffixes), unless the resource
    # declares its own pattern for the parameter.
    declared = _declared_lookups(path_item)
    base = _template_regex(path_item.path, _LOOKUP if path_item.is_drf else "[^/]+", declared)
    patterns = [rf"^{base}\Z"]
    if path_item.format_suffixes:
        stem = _template_regex(path_item.path.rstrip("/"), _LOOKUP, declared)
        # DRF's format_suffix_patterns form: /things.json and /things.json/
        patterns.append(rf"^{stem}\.{_FORMAT}/?\Z")
        if path_item.path.endswith("/"):
            # The document's own form: /things/.json/ (and without the last slash), for the
            # suffixes it declares only. Stock DRF has no such route at all, so /things/.exe/ is
            # Django's plain 404 (no view, no Allow), not the list asked in an unknown format:
            # a generator that makes `.exe` of a lookup it was told is `[^/.]+` meets no view.
            known = "|".join(re.escape(suffix) for suffix in path_item.format_suffixes)
            patterns.append(rf"^{base}\.(?P<format>{known})/?\Z")
    return patterns


class Router:
    def __init__(self, path_items: list[PathItem]) -> None:
        # Literal paths first, so /products/ is never read as /{something}/.
        ordered = sorted(path_items, key=lambda item: item.path.count("{"))
        self._routes = [_Route(pattern, item) for item in ordered for pattern in _patterns(item)]
        # A path without parameters is matched by its text alone (it is tried first anyway):
        # one dict lookup instead of trying every pattern on each request.
        self._literal = {item.path: item for item in path_items if "{" not in item.path}

    def match(self, path: str) -> RouteMatch | None:
        literal = self._literal.get(path)
        if literal is not None:
            return RouteMatch(literal, {}, None)
        for route in self._routes:
            if not path.startswith(route.prefix):
                continue
            found = route.match(path)
            if found:
                params = found.groupdict()
                suffix = params.pop("format", None)
                return RouteMatch(route.path_item, params, suffix)
        return None

    def match_with_slash(self, path: str) -> bool:
        """Whether Django's APPEND_SLASH would redirect this path."""
        return not path.endswith("/") and self.match(path + "/") is not None
