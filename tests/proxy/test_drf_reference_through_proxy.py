"""The proxy in front of a real Django REST Framework service (tests/drf_reference), built from the
same spec, on both pinned Django/DRF pairs: the ordinary client session raises no false alarm. Then in front of the same service
with its decided behaviours set the other way (pages of 10, other search and ordering fields,
read from a spec copy the reference alone is given): still no violation, only notes."""

import shutil
from pathlib import Path

import pytest
import yaml

from mockserver.apis import spec_path
from mockserver.proxy.app import ProxyApp
from mockserver.proxy.settings import ProxySettings
from mockserver.resources import fixtures_dir, specs_dir
from tests.drf_reference.older_pair import older_pair_packages
from tests.drf_reference.process import reference_server
from tests.drf_reference.serve import BEARER_TOKEN
from tests.live_server import live_server
from tests.proxy.traffic import datawiz_traffic

# What the session touches, and what they link to (the reference adds those itself).
COLLECTIONS = ("relocate-documents", "products", "shops", "receipts", "loss-documents", "units")


def flipped_specs(folder: Path) -> Path:
    """The project's specs with every collection's decided behaviours chosen otherwise: a default
    page of 10, search and ordering in the key field and the fields a source documents only (a
    documented field, such as products' name from seed 004, stays: it is no choice to flip)."""
    shutil.copytree(specs_dir(), folder, dirs_exist_ok=True)
    path = spec_path("datawiz", folder)
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    for item in document["paths"].values():
        declared = item.get("x-drf-collection") if isinstance(item, dict) else None
        if declared:
            key = (declared.get("lookup") or declared.get("upsert_key") or declared["default_ordering"])[0]
            decided = (declared.get("provenance") or {}).get("decided") or {}
            declared["page_size"] = 10
            for behaviour in ("search", "ordering"):
                chosen = decided.get(behaviour)
                documented = [
                    n for n in declared.get(behaviour, []) if isinstance(chosen, dict) and n not in chosen
                ]
                kept = [key, *(n for n in documented if n != key)]
                if behaviour == "search":
                    declared["search"] = kept
                else:
                    kinds = declared.get("ordering", {})
                    declared["ordering"] = {name: kinds.get(name, "text") for name in kept}
                # a field-by-field provenance may name only the fields still declared
                if isinstance(chosen, dict):
                    chosen = {f: d for f, d in chosen.items() if f in declared[behaviour]}
                    if chosen:
                        decided[behaviour] = chosen
                    else:
                        del decided[behaviour]
            declared["default_ordering"] = [key]
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return folder


@pytest.mark.parametrize("pair", ["drf-3.18", "drf-3.14"])
@pytest.mark.parametrize("variant", ["as-declared", "decisions-flipped"])
def test_the_session_through_the_proxy_in_front_of_drf(tmp_path, variant, pair):
    specs = flipped_specs(tmp_path / "specs") if variant == "decisions-flipped" else None
    packages = older_pair_packages() if pair == "drf-3.14" else None
    data = tmp_path / "reference"
    data.mkdir()
    fixtures = fixtures_dir() / "datawiz"
    with reference_server(data, fixtures, specs, COLLECTIONS, packages=packages) as upstream:
        proxy = ProxyApp(ProxySettings(upstream=upstream, apis=("datawiz",)))
        with live_server(proxy) as base:  # type: ignore[arg-type]
            datawiz_traffic(base, BEARER_TOKEN)
    print(
        f"\n{pair}, {variant}: {proxy.traffic.exchanges} exchanges, {proxy.violations.total} violations, "
        f"{proxy.notes.total} notes {sorted({n.kind for n in proxy.notes.all()})}"
    )
    log = "\n".join(v.log_line() for v in [*proxy.violations.all(), *proxy.notes.all()])
    assert proxy.traffic.exchanges > 30
    assert proxy.violations.total == 0, log
    if variant == "as-declared":
        assert proxy.notes.total == 0, log
    else:
        assert {n.kind for n in proxy.notes.all()} <= {
            "decided.page_size",
            "decided.search",
            "decided.ordering",
        }, log
        assert proxy.notes.total > 0, log
