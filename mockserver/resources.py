"""Where the specs and fixtures live: inside the installed package, or beside it in a source checkout."""

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """Return the directory `specs` or `fixtures`.

    A wheel carries copies under `mockserver/_data/`; a source checkout (or an editable
    install) reads the top-level folders, which stay the single source.
    """
    for candidate in (_PACKAGE_DIR / "_data" / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"mockserver: cannot find the {name!r} directory next to {_PACKAGE_DIR}")


def specs_dir() -> Path:
    return data_dir("specs")


def fixtures_dir() -> Path:
    return data_dir("fixtures")
