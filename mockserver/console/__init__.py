"""The web console's files: its own page, script and style (static/) and the vendored Swagger UI
(vendor/swagger-ui/, see VENDORED.md there), all read from the installed package."""

from pathlib import Path

from mockserver.http import RawBody

CONSOLE_PATH = "/__mockserver__/ui/"
_HERE = Path(__file__).parent
MEDIA_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".png": "image/png",
}
# Every file a browser may ask for, by the name it asks with: nothing else of the package is served.
ASSETS = {
    "index.html": _HERE / "static" / "index.html",
    "docs.html": _HERE / "static" / "docs.html",
    "console.js": _HERE / "static" / "console.js",
    "docs.js": _HERE / "static" / "docs.js",
    "console.css": _HERE / "static" / "console.css",
    "swagger-ui-bundle.js": _HERE / "vendor" / "swagger-ui" / "swagger-ui-bundle.js",
    "swagger-ui.css": _HERE / "vendor" / "swagger-ui" / "swagger-ui.css",
    "favicon.png": _HERE / "vendor" / "swagger-ui" / "favicon-32x32.png",
}
# Swagger UI changes only with the package; the console's own files are read afresh on each load
# (an editable install shows an edit at once; they are small).
VENDORED = frozenset({"swagger-ui-bundle.js", "swagger-ui.css", "favicon.png"})


def console_asset(name: str) -> RawBody | None:
    """The file named `name`, or None when the console has no such file."""
    path = ASSETS.get(name)
    if path is None:
        return None
    return RawBody(path.read_bytes(), MEDIA_TYPES[path.suffix])


# The browser itself refuses anything from elsewhere: scripts, styles, images, fetches and frames
# come from this fake only. (Swagger UI sets style attributes, hence 'unsafe-inline' for styles.)
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


def asset_headers(name: str) -> dict[str, str]:
    headers = {
        "Cache-Control": "public, max-age=86400" if name in VENDORED else "no-cache",
        "X-Content-Type-Options": "nosniff",
    }
    if name.endswith(".html"):
        headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    return headers
