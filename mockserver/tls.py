"""A self-signed localhost certificate for `serve --tls` (trustme), written where clients can read it."""

import tempfile
from dataclasses import dataclass
from pathlib import Path

import trustme


@dataclass(frozen=True)
class TlsFiles:
    ca_cert: Path
    cert_chain: Path
    private_key: Path


def generate_localhost_certificate(directory: Path | None = None, host: str = "127.0.0.1") -> TlsFiles:
    target = directory or Path(tempfile.mkdtemp(prefix="mockserver-tls-"))
    target.mkdir(parents=True, exist_ok=True)
    authority = trustme.CA(organization_name="mockserver local CA")
    names = sorted({"localhost", "127.0.0.1", "::1", host})
    certificate = authority.issue_cert(*names)
    files = TlsFiles(target / "ca.pem", target / "server-chain.pem", target / "server-key.pem")
    authority.cert_pem.write_to_path(str(files.ca_cert))
    certificate.private_key_pem.write_to_path(str(files.private_key))
    with files.cert_chain.open("wb") as chain:
        for blob in certificate.cert_chain_pems:
            chain.write(blob.bytes())
    return files
