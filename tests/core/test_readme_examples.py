"""README's and the docs' shell examples survive copy-paste into bash and into zsh: a word holding a
glob character (`?`, `*`, `[`) or a `&` is quoted (zsh stops at an unmatched glob: `no matches found`)."""

import shlex
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
COMMANDS = ("curl ", "mockserver ", "http ", "pytest ", "pip ")


def _commands(text: str) -> list[str]:
    """Indented lines that run one of the commands above; a usage synopsis (`[--flag N]`) is not
    an example to paste."""
    found = []
    for line in text.splitlines():
        command = line.strip()
        if line.startswith("    ") and command.startswith(COMMANDS) and " [--" not in command:
            found.append(command)
    return found


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.name)
def test_shell_examples_quote_what_zsh_would_expand(document):
    unsafe = []
    for command in _commands(document.read_text(encoding="utf-8")):
        lexer = shlex.shlex(command, posix=False, punctuation_chars=False)
        lexer.whitespace_split = True
        lexer.commenters = "#"
        for word in lexer:
            if word[0] in "'\"":
                continue
            if any(mark in word for mark in "?*[&") and word not in ("&", "&&"):
                unsafe.append(f"{command}  <- {word}")
    assert unsafe == []
