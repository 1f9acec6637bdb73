"""Alexa request verification with a test CA as the trust root: genuine requests pass; tampered,
stale, unsigned, wrongly named or wrongly hosted ones are refused."""
import asyncio
from datetime import datetime, timedelta, timezone

import pytest

from spasm_aid.channels.alexa_verify import RequestVerifier, VerificationError, check_cert_url, load_roots
from tests.alexa_ca import CERT_URL, SKILL_ID, FakeAmazonCA, alexa_request

CA = FakeAmazonCA()


def verifier(ca=CA, roots=None, skill_id=SKILL_ID, fetched=None):
    async def fetch(url):
        (fetched if fetched is not None else []).append(url)
        return ca.chain_pem

    return RequestVerifier(load_roots(roots or CA.root_pem), fetch, skill_id)


def verify(body, headers, **options):
    return asyncio.run(verifier(**options).verify(headers, body))


def test_a_genuine_request_passes_and_is_returned():
    body = alexa_request(intent="AMAZON.HelpIntent")
    assert verify(body, CA.headers(body))["request"]["intent"]["name"] == "AMAZON.HelpIntent"


@pytest.mark.parametrize("url", [
    "https://s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com:443/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api/../echo.api/echo-api-cert.pem",
    "HTTPS://S3.AMAZONAWS.COM/echo.api/echo-api-cert.pem",
])
def test_allowed_certificate_urls(url):
    check_cert_url(url)


@pytest.mark.parametrize("url", [
    "http://s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "https://notamazon.com/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem",
    "https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com/invalid.path/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api/../invalid.path/echo-api-cert.pem",
    "https://s3.amazonaws.com.evil.example/echo.api/cert.pem",
    "",
])
def test_refused_certificate_urls(url):
    with pytest.raises(VerificationError):
        check_cert_url(url)


def test_a_tampered_body_is_refused():
    body = alexa_request(intent="CatchAllIntent", slots={"utterance": "I can't feel my legs"})
    headers = CA.headers(body)
    with pytest.raises(VerificationError, match="does not match"):
        verify(body.replace(b"can't feel", b"can feel"), headers)


def test_an_unsigned_request_is_refused():
    body = alexa_request()
    with pytest.raises(VerificationError, match="missing"):
        verify(body, {"SignatureCertChainUrl": CERT_URL})
    with pytest.raises(VerificationError):
        verify(body, {"Signature-256": CA.sign(body)})


def test_a_stale_request_is_refused():
    body = alexa_request(when=datetime.now(timezone.utc) - timedelta(seconds=200))
    with pytest.raises(VerificationError, match="150"):
        verify(body, CA.headers(body))


def test_a_signature_by_another_key_is_refused():
    body = alexa_request()
    with pytest.raises(VerificationError, match="does not match"):
        verify(body, CA.headers(body, signature=FakeAmazonCA().sign(body)))


def test_a_chain_from_an_untrusted_root_is_refused():
    other = FakeAmazonCA()
    body = alexa_request()
    with pytest.raises(VerificationError, match="not valid"):
        verify(body, other.headers(body), ca=other)  # signed and chained, but not by our root


@pytest.mark.parametrize("ca", [FakeAmazonCA(signer_name="evil.example.com"), FakeAmazonCA(expired=True)])
def test_a_wrongly_named_or_expired_certificate_is_refused(ca):
    body = alexa_request()
    with pytest.raises(VerificationError, match="not valid"):
        verify(body, ca.headers(body), ca=ca, roots=ca.root_pem)


def test_a_request_for_another_skill_is_refused():
    body = alexa_request(skill_id="amzn1.ask.skill.someone-else")
    with pytest.raises(VerificationError, match="another skill"):
        verify(body, CA.headers(body))


def test_the_chain_is_fetched_once_and_cached():
    fetched = []
    check = verifier(fetched=fetched)
    for _ in range(3):
        body = alexa_request()
        asyncio.run(check.verify(CA.headers(body), body))
    assert fetched == [CERT_URL]
