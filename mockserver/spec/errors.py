"""The one error of start-up: what the fake was given and cannot serve (a declaration, a security
scheme, a handler binding, a fixture). The CLI catches it and prints it as one line."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mockserver.spec.loader import ApiSpec


class StartupError(ValueError):
    """The fake refuses to start; the message names the file, the path and the key."""


def declaration_error(spec: "ApiSpec", where: str, message: str) -> StartupError:
    """A declaration of `spec` the engine cannot serve, named by its place in the file."""
    return StartupError(f"{spec.source.name}: {where}: {message}")
