"""Before any check: is anything there, is it the API asked for, are the credentials accepted?
Each answer is said once, with its own exit status, instead of a run of identical failures."""

from dataclasses import dataclass
from pathlib import Path

import httpx

from contract_tests.target import Target
from mockserver.apis import catalogue
from mockserver.spec.loader import Operation

# Exit statuses of `mockserver verify` and `mockserver diff` (0: kept, 1: drift found, 2: usage).
UNREACHABLE = 3
NOT_THE_API = 4
CREDENTIALS_REFUSED = 5


@dataclass(frozen=True)
class Refusal:
    status: int
    message: str


def probe_operation(api: str, specs: Path | str | None = None) -> Operation:
    """A secured GET with no path parameter, from the API's spec: what every check depends on."""
    for operation in catalogue(specs).api(api).spec.operations:
        if operation.method == "GET" and operation.needs_credentials and "{" not in operation.path:
            return operation
    raise LookupError(f"{api}: no secured GET without path parameters in its spec")


def is_drf_error(answer: httpx.Response) -> bool:
    if not answer.headers.get("content-type", "").startswith("application/json"):
        return False
    try:
        body = answer.json()
    except ValueError:
        return False
    return isinstance(body, dict) and isinstance(body.get("detail"), str)


def _html(answer: httpx.Response) -> bool:
    return answer.headers.get("content-type", "").startswith("text/html")


def preflight(target: Target, command: str = "verify") -> Refusal | None:
    operation = probe_operation(target.api, target.specs_dir)
    where = f"{target.base_url} ({target.api})"
    try:
        anonymous = target.request("GET", operation.path)
    except httpx.HTTPError as error:
        if "CERTIFICATE_VERIFY_FAILED" in str(error):
            return Refusal(
                UNREACHABLE,
                f"mockserver {command}: {where} answers with a certificate this machine does not trust "
                f"({str(error).split('] ')[-1]}); give its CA with --cacert FILE (for `serve --tls`, the "
                "ca.pem it prints), or --insecure to skip the check",
            )
        return Refusal(
            UNREACHABLE,
            f"mockserver {command}: nothing answers at {where}: {error.__class__.__name__}: {error}",
        )
    # The API has this path: a 404 or a redirect elsewhere is another service (or a wrong prefix).
    # Any other answer goes on to the checks, which tell a drift from the contract apart.
    # So is a site that answers every path with a page (a DRF API answers JSON when asked for
    # nothing in particular).
    if (
        anonymous.status_code == 404
        or 300 <= anonymous.status_code < 400
        or (anonymous.status_code < 300 and _html(anonymous))
    ):
        media_type = anonymous.headers.get("content-type", "no content type")
        return Refusal(
            NOT_THE_API,
            f"mockserver {command}: {where} is not the {target.api} API: GET {operation.path} without "
            f"credentials answered {anonymous.status_code} ({media_type}), where the API answers 401 with "
            f'{{"detail": ...}}{" (this one did)" if is_drf_error(anonymous) else ""}. Check --base-url and --api.',
        )
    try:
        answer = target.api_call("GET", operation.path)
    except httpx.HTTPStatusError as error:  # a login that failed
        return Refusal(
            CREDENTIALS_REFUSED,
            f"mockserver {command}: {where} refused the login: {error.response.status_code} {error.response.text[:200]}",
        )
    except httpx.HTTPError as error:
        return Refusal(
            UNREACHABLE, f"mockserver {command}: {where} stopped answering: {error.__class__.__name__}"
        )
    if answer.status_code == 404 or (answer.status_code < 300 and _html(answer)):
        return Refusal(
            NOT_THE_API,
            f"mockserver {command}: {where} is not the {target.api} API: GET {operation.path} with the "
            f"credentials answered {answer.status_code} ({answer.headers.get('content-type', 'no content type')})."
            " Check --base-url and --api.",
        )
    if answer.status_code in (401, 403):
        return Refusal(
            CREDENTIALS_REFUSED,
            f"mockserver {command}: {where} refused the credentials given: GET {operation.path} answered "
            f"{answer.status_code} {answer.text[:200]}",
        )
    return None
