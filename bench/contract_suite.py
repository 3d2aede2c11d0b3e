"""How long the contract suite takes as collections are added: the Datawiz spec copied with N
more collections (clones of products and shops, seeded from their fixtures), served in-process,
and the suite run over it as CI runs it (writes, two ordering and two search fields sampled per
collection) and with every field. Prints a table; asserts nothing.

python -m bench.contract_suite            # 0 and 32 added collections
python -m bench.contract_suite --added 8  # one size
"""

import argparse
import copy
import shutil
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import yaml

from contract_tests.context import RunOptions
from contract_tests.suite import run_suite
from contract_tests.target import Credentials, in_process_target
from mockserver.apis import catalogue, spec_path
from mockserver.app import create_app
from mockserver.resources import fixtures_dir, specs_dir
from mockserver.settings import Settings

TOKEN = "bench-suite"
API, SOURCES = "datawiz", ("products", "shops")  # the collections cloned


def _renamed(node: Any, old: str, new: str) -> Any:
    """A path item with its paths, operation ids and collection name moved from the list path
    `old` to `new`."""
    if isinstance(node, dict):
        changed = {}
        for key, value in node.items():
            if key == "operationId":
                changed[key] = f"{value}{new.replace('-', '_').title().replace('_', '')}"
            else:
                changed[key] = _renamed(value, old, new)
        return changed
    if isinstance(node, list):
        return [_renamed(item, old, new) for item in node]
    if isinstance(node, str) and node.startswith(old):
        return node.replace(old, new, 1)
    return node


def spec_with_clones(directory: Path, added: int) -> Path:
    specs = directory / "specs"
    shutil.copytree(specs_dir(), specs)
    spec = spec_path(API, specs)
    document = yaml.safe_load(spec.read_text(encoding="utf-8"))
    paths = document["paths"]
    for index in range(added):
        source = catalogue().api(API).collection(SOURCES[index % len(SOURCES)])
        name = f"{source.name}-clone{index}"
        old = source.list_path
        new = old[: old.rstrip("/").rindex("/") + 1] + name + "/"
        for path in [p for p in list(paths) if p.startswith(old)]:
            item = _renamed(copy.deepcopy(paths[path]), old, new)
            collection = item.get("x-drf-collection")
            if collection:
                collection.update(name=name, fixtures=source.fixtures)
            paths[path.replace(old, new, 1)] = item
    spec.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False))
    return specs


def measure(added: int, sample: int | None, conformance: bool) -> tuple[float, int, int, int]:
    with tempfile.TemporaryDirectory() as temporary:
        specs = spec_with_clones(Path(temporary), added)
        settings = Settings(auth_mode="strict", tokens=(TOKEN,), specs_dir=specs, fixtures_dir=fixtures_dir())
        app = create_app(settings)
        target = in_process_target(API, app, Credentials(token=TOKEN), specs_dir=specs)
        options = RunOptions(
            allow_writes=True,
            max_examples=8,
            fields_per_collection=sample,
            collection_examples=3,
            conformance_collections=4,
        )
        started = time.perf_counter()
        report = run_suite(target, options, conformance=conformance)
        elapsed = time.perf_counter() - started
        if not report.ok:
            print(report.summary())
        return elapsed, len(target.facts.collections), report.requests_sent, len(report.passed)


def main() -> None:
    warnings.filterwarnings("ignore")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--added", type=int, action="append", help="collections added (repeatable)")
    args = parser.parse_args()
    print(
        f"{'collections':>11} {'fields':>7} {'conformance':>11} {'seconds':>8} {'requests':>9} {'checks':>7}"
    )
    for added in args.added or [0, 32]:
        for sample, conformance in ((2, True), (2, False), (None, False)):
            seconds, collections, requests, checks = measure(added, sample, conformance)
            fields = "all" if sample is None else f"{sample}+{sample}"
            print(
                f"{collections:>11} {fields:>7} {'yes' if conformance else 'no':>11} {seconds:>8.1f} {requests:>9} {checks:>7}"
            )


if __name__ == "__main__":
    main()
