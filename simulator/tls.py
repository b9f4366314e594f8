"""The simulator's https: a self-signed certificate made at start.

node-ovh (the seed's Node.js script) speaks only https, to a host it names; so
``python -m simulator --tls`` serves https with a certificate for that host,
localhost, 127.0.0.1 and ::1, made at each start and written (PEM) where a
client can be told to trust it (Node.js: NODE_EXTRA_CA_CERTS). Its private key
only lives in the server's memory once loaded.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import ipaddress
from pathlib import Path
import ssl
import tempfile
from typing import Final

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

# A certificate for a development server: valid from a day ago (clocks differ) for 30 days.
_VALIDITY: Final = timedelta(days=30)
_BACKDATE: Final = timedelta(days=1)
_LOCAL_NAMES: Final = ("localhost", "127.0.0.1", "::1")


def server_context(host: str, certificate: Path) -> ssl.SSLContext:
    """Make a key and a self-signed certificate for host; write the certificate; serve with both."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _BACKDATE)
        .not_valid_after(now + _VALIDITY)
        .add_extension(x509.SubjectAlternativeName(_alternative_names(host)), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    certificate.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    with tempfile.TemporaryDirectory() as private:
        key_file = Path(private) / "key.pem"
        key_file.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        context.load_cert_chain(certificate, key_file)
    return context


def _alternative_names(host: str) -> list[x509.GeneralName]:
    """Name the host, and this machine's names, each as an IP address or a DNS name."""
    names: list[x509.GeneralName] = []
    for value in dict.fromkeys((host, *_LOCAL_NAMES)):
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(value)))
        except ValueError:
            names.append(x509.DNSName(value))
    return names
