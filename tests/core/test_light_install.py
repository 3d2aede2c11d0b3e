"""The stand-in installs and runs without the contract suite's dependencies: the fake, the pytest
plugin and mockserver.testing import none of them, and `verify`/`diff` say which extra they need."""

import subprocess
import sys

SUITE_ONLY = ("schemathesis", "hypothesis", "contract_tests")


def _python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


def test_the_stand_in_imports_nothing_of_the_contract_suite():
    ran = _python(
        "import sys\n"
        "import mockserver.pytest_plugin, mockserver.testing, mockserver.cli\n"
        "from mockserver.app import create_app\n"
        "from mockserver.testing import settings_for\n"
        "create_app(settings_for())\n"
        "mockserver.cli.build_parser('serve')\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {SUITE_ONLY!r}))\n"
    )
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == "[]"


def test_verify_and_diff_without_the_extra_name_it_in_one_line():
    for command in ("verify", "diff"):
        ran = _python(
            "import sys\n"
            "sys.modules.update(schemathesis=None, hypothesis=None)  # as in an install without [verify]\n"
            "from mockserver.cli import main\n"
            f"sys.exit(main([{command!r}, '--api', 'akinon', '--base-url', 'http://127.0.0.1:9']))\n"
        )
        assert ran.returncode == 2, ran.stderr
        lines = ran.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in ran.stderr
        assert f"mockserver {command}" in lines[0] and "[verify]" in lines[0]
        assert "schemathesis, hypothesis" in lines[0]


def test_the_version():
    ran = subprocess.run(
        [sys.executable, "-m", "mockserver", "--version"], capture_output=True, text=True, timeout=60
    )
    from mockserver import __version__

    assert (ran.returncode, ran.stdout.strip()) == (0, f"mockserver {__version__}")
