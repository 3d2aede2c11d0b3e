"""DRF's DefaultContentNegotiation: pick the renderer from the format suffix/parameter and Accept."""

import functools
from dataclasses import dataclass

from mockserver.drf.errors import NotAcceptable, NotFound


@dataclass(frozen=True)
class Renderer:
    format: str
    media_type: str
    indent: int | None = None  # JSON asked for as `application/json; indent=N`


JSON_RENDERER = Renderer("json", "application/json")
BROWSABLE_RENDERER = Renderer("api", "text/html")
RENDERERS = (JSON_RENDERER, BROWSABLE_RENDERER)


@dataclass(frozen=True)
class _MediaRange:
    main_type: str
    sub_type: str
    params: frozenset[tuple[str, str]]

    @classmethod
    def parse(cls, text: str) -> "_MediaRange":
        head, *raw_params = text.split(";")
        main, _, sub = head.strip().lower().partition("/")
        params = []
        for raw in raw_params:
            key, _, value = raw.partition("=")
            key = key.strip().lower()
            if key and key != "q":
                params.append((key, value.strip().strip('"')))
        return cls(main or "*", sub or "*", frozenset(params))

    @property
    def precedence(self) -> int:
        if self.main_type == "*":
            return 0
        if self.sub_type == "*":
            return 1
        return 2 if not self.params else 3

    def matches(self, media_type: str) -> bool:
        # DRF's _MediaType.match, called on the renderer's type: the renderer's parameters must
        # be in the Accept range, not the other way round (`application/json; indent=4` is JSON).
        other = _MediaRange.parse(media_type)
        if not other.params <= self.params:
            return False
        if self.sub_type not in ("*", other.sub_type):
            return False
        return self.main_type in ("*", other.main_type)


@functools.lru_cache(maxsize=1024)  # clients send the same few Accept headers again and again
def select_renderer(accept: str | None, format_name: str | None) -> Renderer:
    renderers = RENDERERS
    if format_name:
        renderers = tuple(r for r in RENDERERS if r.format == format_name)
        if not renderers:
            raise NotFound()
    ranges = [_MediaRange.parse(part) for part in (accept or "*/*").split(",") if part.strip()]
    for precedence in (3, 2, 1, 0):
        for renderer in renderers:
            for media_range in ranges:
                if media_range.precedence == precedence and media_range.matches(renderer.media_type):
                    return _with_indent(renderer, media_range) if precedence == 3 else renderer
    raise NotAcceptable()


def _with_indent(renderer: Renderer, media_range: _MediaRange) -> Renderer:
    """DRF's JSONRenderer.get_indent: `indent` from the accepted media type, 0 to 8, 0 = none."""
    if renderer is not JSON_RENDERER:
        return renderer
    try:
        indent = max(min(int(dict(media_range.params)["indent"]), 8), 0)
    except (KeyError, ValueError):
        return renderer
    return Renderer(renderer.format, renderer.media_type, indent) if indent else renderer
