"""Checking that a request really comes from Alexa, as Amazon requires of a skill's web service.

1. SignatureCertChainUrl: https, host s3.amazonaws.com, path under /echo.api/ (after
   normalising the path), port 443 if one is given;
2. the certificate chain at that URL: valid now, chaining to a trusted root, and the signing
   certificate named echo-api.amazon.com (path validation by `cryptography`'s X.509 verifier);
3. Signature-256: SHA256withRSA over the raw body, by that certificate's key;
4. the request's timestamp within 150 seconds of now;
5. the skill id, when ALEXA_SKILL_ID is set.
Any failure raises VerificationError (the channel answers 400).
"""
from __future__ import annotations

import base64
import json
import posixpath
import time
from datetime import datetime, timezone
from typing import Awaitable, Callable, Dict, List, Optional, Tuple
from urllib.parse import unquote, urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.verification import PolicyBuilder, Store
from cryptography.x509.verification import VerificationError as ChainError

CERT_HOST = "s3.amazonaws.com"
CERT_PATH = "/echo.api/"
SIGNER_NAME = "echo-api.amazon.com"
MAX_SKEW_SECONDS = 150
CHAIN_CACHE_SECONDS = 3600


class VerificationError(ValueError):
    pass


def check_cert_url(url: str) -> None:
    try:  # urlsplit and .port raise ValueError on a bad port or a broken IPv6 host
        parts = urlsplit(url or "")
        hostname, port = parts.hostname, parts.port
    except ValueError as error:
        raise VerificationError(f"SignatureCertChainUrl is not a valid URL: {error}") from error
    path = posixpath.normpath(unquote(parts.path)) if parts.path else ""
    if parts.scheme.lower() != "https":
        raise VerificationError("SignatureCertChainUrl must use https")
    if (hostname or "").lower() != CERT_HOST:
        raise VerificationError(f"SignatureCertChainUrl must be on {CERT_HOST}")
    if port not in (None, 443):
        raise VerificationError("SignatureCertChainUrl must use port 443")
    if not (path + "/").startswith(CERT_PATH) or path.rstrip("/") == CERT_PATH.rstrip("/"):
        raise VerificationError(f"SignatureCertChainUrl must be a file under {CERT_PATH}")


def load_roots(pem: bytes) -> List[x509.Certificate]:
    roots = x509.load_pem_x509_certificates(pem)
    if not roots:
        raise VerificationError("no trust roots")
    return roots


def verify_chain(chain_pem: bytes, roots: List[x509.Certificate], now: datetime) -> x509.Certificate:
    """The signing certificate, if the chain is valid now, trusted, and names echo-api.amazon.com."""
    try:
        chain = x509.load_pem_x509_certificates(chain_pem)
    except ValueError as error:
        raise VerificationError(f"the certificate chain is not PEM: {error}") from error
    if not chain:
        raise VerificationError("the certificate chain is empty")
    leaf, intermediates = chain[0], chain[1:]
    verifier = (
        PolicyBuilder().store(Store(roots)).time(now.replace(tzinfo=None))
        .build_server_verifier(x509.DNSName(SIGNER_NAME))
    )
    try:
        verifier.verify(leaf, intermediates)
    except ChainError as error:
        raise VerificationError(f"the certificate chain is not valid: {error}") from error
    return leaf


def verify_signature(leaf: x509.Certificate, signature_b64: Optional[str], body: bytes) -> None:
    if not signature_b64:
        raise VerificationError("the Signature-256 header is missing")
    try:
        signature = base64.b64decode(signature_b64, validate=True)
    except ValueError as error:
        raise VerificationError("Signature-256 is not base64") from error
    key = leaf.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise VerificationError("the signing certificate has no RSA key")
    try:
        key.verify(signature, body, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature as error:
        raise VerificationError("Signature-256 does not match the body") from error


def check_request(body: bytes, now: float, skill_id: Optional[str]) -> dict:
    try:
        envelope = json.loads(body)
        stamp = envelope["request"]["timestamp"]
        when = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise VerificationError("the body is not an Alexa request with a timestamp") from error
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    if abs(now - when.timestamp()) > MAX_SKEW_SECONDS:
        raise VerificationError(f"the request timestamp is more than {MAX_SKEW_SECONDS} s from now")
    if skill_id:
        application = ((envelope.get("session") or {}).get("application") or {}).get("applicationId") or (
            ((envelope.get("context") or {}).get("System") or {}).get("application") or {}
        ).get("applicationId")
        if application != skill_id:
            raise VerificationError("the request is for another skill")
    return envelope


class RequestVerifier:
    def __init__(
        self,
        roots: List[x509.Certificate],
        fetch: Callable[[str], Awaitable[bytes]],
        skill_id: Optional[str] = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.roots, self.fetch, self.skill_id, self.clock = roots, fetch, skill_id, clock
        self._chains: Dict[str, Tuple[float, bytes]] = {}

    async def _chain(self, url: str) -> bytes:
        cached = self._chains.get(url)
        if cached and self.clock() - cached[0] < CHAIN_CACHE_SECONDS:
            return cached[1]
        try:
            pem = await self.fetch(url)
        except Exception as error:
            raise VerificationError(f"could not fetch the certificate chain: {error}") from error
        self._chains[url] = (self.clock(), pem)
        return pem

    async def verify(self, headers: Dict[str, str], body: bytes) -> dict:
        """The request as JSON, or VerificationError."""
        url = headers.get("signaturecertchainurl") or headers.get("SignatureCertChainUrl")
        url = url or ""
        check_cert_url(url)
        now = self.clock()
        leaf = verify_chain(await self._chain(url), self.roots, datetime.fromtimestamp(now, tz=timezone.utc))
        verify_signature(leaf, headers.get("signature-256") or headers.get("Signature-256"), body)
        return check_request(body, now, self.skill_id)
