"""`mockserver diff`: the same seeded sequence against the fake (in-process) and a deployment;
every difference in status, shape and state transition is reported."""

import random
from typing import Any

from contract_tests.report import Report
from contract_tests.target import Credentials, Target, in_process_target

READ_SEQUENCES = {
    "akinon": [
        ("GET", "/api/v1/oms/setup/addresses/is_required/", None),
        ("GET", "/api/v1/oms/setup/addresses/get_async_status/", None),
        ("POST", "/api/v1/oms/setup/addresses/is_required/", None),
        ("OPTIONS", "/api/v1/oms/setup/addresses/execute/", None),
        ("HEAD", "/api/v1/oms/setup/addresses/get_async_status/", None),
        ("GET", "/api/v1/oms/setup/addresses/execute/", None),
    ],
    "datawiz": [
        ("GET", "/api/v1/relocate-documents/?page_size=2", None),
        ("GET", "/api/v1/relocate-documents/.json/?search=unknown-string", None),
        ("GET", "/api/v1/relocate-documents/?page=999999", None),
        ("GET", "/api/v1/relocate-documents/?format=xml", None),
        ("OPTIONS", "/api/v1/relocate-documents/", None),
        ("HEAD", "/api/v1/relocate-documents/", None),
        ("GET", "/api/v1/relocate-documents/ct-does-not-exist/", None),
        ("PATCH", "/api/v1/relocate-documents/", {}),
    ],
}
WRITE_SEQUENCES = {
    "akinon": [
        ("POST", "/api/v1/oms/setup/addresses/execute/", {}),
        ("GET", "/api/v1/oms/setup/addresses/get_async_status/", None),
    ],
    "datawiz": [
        ("POST", "/api/v1/relocate-documents/", {}),
        ("POST", "/api/v1/relocate-documents/", [{}]),
        (
            "POST",
            "/api/v1/relocate-documents/",
            {
                "relocate_id": "ct-diff",
                "price_total": "1",
                "relocate_date": "2016-01-01T00:00:00",
                "responsible": "",
                "products": [{"product_id": "ct-diff-missing", "qty": "1", "price": "1", "price_total": "1"}],
            },
        ),
    ],
}


def shape(value: Any) -> Any:
    """The structure of a JSON value: keys and types, not the data."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in sorted(value.items())}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return type(value).__name__


def _observe(target: Target, method: str, url: str, body: Any) -> dict[str, Any]:
    response = target.api_call(method, url, json=body) if body is not None else target.api_call(method, url)
    content_type = response.headers.get("content-type", "").split(";")[0]
    observed: dict[str, Any] = {"status": response.status_code, "content_type": content_type or None}
    if content_type == "application/json":
        try:
            observed["shape"] = shape(response.json())
        except ValueError:
            observed["shape"] = "invalid JSON"
    if "allow" in response.headers:
        observed["allow"] = response.headers["allow"]
    return observed


def run_diff(real: Target, *, seed: int = 0, allow_writes: bool = False) -> Report:
    from mockserver.app import create_app
    from mockserver.settings import Settings

    fake = in_process_target(
        real.api,
        create_app(Settings(auth_mode="strict", tokens=("diff-token",))),
        Credentials(token="diff-token"),
    )
    report = Report(api=real.api, target=f"{real.base_url} vs the fake")
    steps = list(READ_SEQUENCES[real.api]) + (list(WRITE_SEQUENCES[real.api]) if allow_writes else [])
    random.Random(seed).shuffle(steps)
    for index, (method, url, body) in enumerate(steps):
        name = f"{index:02d} {method} {url}"
        expected, actual = _observe(fake, method, url, body), _observe(real, method, url, body)
        differences = {
            key: (expected.get(key), actual.get(key))
            for key in expected.keys() | actual.keys()
            if expected.get(key) != actual.get(key)
        }
        if differences:
            from contract_tests.report import Failure

            for key, (want, got) in sorted(differences.items()):
                report.failures.append(
                    Failure(
                        check="diff",
                        operation=name,
                        message=f"{key} differs",
                        expected=str(want)[:400],
                        actual=str(got)[:400],
                    )
                )
        else:
            report.passed.append(name)
    report.requests_sent = real.requests_sent
    return report
