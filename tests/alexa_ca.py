"""A test certificate authority standing in for Amazon's: it issues an echo-api.amazon.com
signing certificate and signs request bodies as Alexa does (SHA256withRSA, base64)."""
from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta, timezone
from typing import Optional

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-12.pem"
SKILL_ID = "amzn1.ask.skill.test-spasm-aid"


def _name(common_name):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


class FakeAmazonCA:
    def __init__(self, signer_name: str = "echo-api.amazon.com", valid_days: int = 30, expired: bool = False) -> None:
        now = datetime.now(timezone.utc)
        self.root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.root = (
            x509.CertificateBuilder().subject_name(_name("Spasm Aid Test Root")).issuer_name(_name("Spasm Aid Test Root"))
            .public_key(self.root_key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(self.root_key.public_key()), critical=False)
            .sign(self.root_key, hashes.SHA256())
        )
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        start = now - timedelta(days=10) if expired else now - timedelta(days=1)
        end = now - timedelta(days=1) if expired else now + timedelta(days=valid_days)
        self.leaf = (
            x509.CertificateBuilder().subject_name(_name(signer_name)).issuer_name(self.root.subject)
            .public_key(self.key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(end)
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(signer_name)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(True, False, True, False, False, False, False, False, False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.root_key.public_key()), critical=False)
            .sign(self.root_key, hashes.SHA256())
        )

    @property
    def root_pem(self) -> bytes:
        return self.root.public_bytes(serialization.Encoding.PEM)

    @property
    def chain_pem(self) -> bytes:
        return self.leaf.public_bytes(serialization.Encoding.PEM) + self.root_pem

    def sign(self, body: bytes, key=None) -> str:
        return base64.b64encode((key or self.key).sign(body, padding.PKCS1v15(), hashes.SHA256())).decode()

    def headers(self, body: bytes, url: str = CERT_URL, signature: Optional[str] = None) -> dict:
        return {"SignatureCertChainUrl": url, "Signature-256": signature if signature is not None else self.sign(body)}


def alexa_request(kind="IntentRequest", intent=None, slots=None, session_id="amzn1.echo-api.session.test",
                  new=False, when=None, skill_id=SKILL_ID, reason=None) -> bytes:
    """A request body as Alexa sends it, built with the official Alexa Skills Kit SDK's request
    models and serialised by its serializer (ask-sdk-model, ask-sdk-core): the field names,
    nesting and formats are Amazon's, not this project's idea of them."""
    from ask_sdk_core.serialize import DefaultSerializer
    from ask_sdk_model import (
        Application,
        Context,
        Intent,
        IntentConfirmationStatus,
        IntentRequest,
        LaunchRequest,
        RequestEnvelope,
        Session,
        SessionEndedReason,
        SessionEndedRequest,
        Slot,
        User,
    )
    from ask_sdk_model.interfaces.system import SystemState

    stamp = (when or datetime.now(timezone.utc)).replace(microsecond=0)
    common = dict(request_id="amzn1.echo-api.request.1", timestamp=stamp, locale="en-US")
    if kind == "IntentRequest":
        request = IntentRequest(**common, intent=Intent(
            name=intent, confirmation_status=IntentConfirmationStatus.NONE,
            slots={k: Slot(name=k, value=v) for k, v in (slots or {}).items()}))
    elif kind == "LaunchRequest":
        request = LaunchRequest(**common)
    elif kind == "SessionEndedRequest":
        request = SessionEndedRequest(**common, reason=SessionEndedReason(reason) if reason else None)
    else:
        raise ValueError(f"no such request type in this helper: {kind}")
    application, user = Application(application_id=skill_id), User(user_id="amzn1.ask.account.TEST")
    envelope = RequestEnvelope(
        version="1.0", session=Session(new=new, session_id=session_id, application=application, user=user),
        context=Context(system=SystemState(application=application, user=user)), request=request,
    )
    return json.dumps(DefaultSerializer().serialize(envelope)).encode()


# --- what Alexa sends for a phrase, given the interaction model -------------------------------
def _model_intents():
    from spasm_aid.paths import ROOT

    model = json.loads((ROOT / "deploy" / "alexa" / "interaction-model.json").read_text())
    return model["interactionModel"]["languageModel"]["intents"]


def alexa_routes(utterance: str):
    """(intent name, slots) Alexa sends for `utterance` under the interaction model: a sample
    equal to the whole phrase wins; else the sample "<carrier> {utterance}" whose carrier starts
    the phrase, with only the rest in the slot (as AMAZON.SearchQuery does: the carrier words
    are not passed); else AMAZON.FallbackIntent."""
    from tools.make_alexa_model import words as spoken_words

    words = spoken_words(utterance)  # as the model's samples were written
    phrase = " ".join(words)
    intents = _model_intents()
    for intent in intents:
        if phrase in intent.get("samples", []):
            return intent["name"], {}
    for intent in intents:
        if len(words) > 1 and f"{words[0]} {{utterance}}" in intent.get("samples", []):
            return intent["name"], {"utterance": " ".join(words[1:])}
    return "AMAZON.FallbackIntent", {}


def alexa_says(utterance: str, **options) -> bytes:
    """The request body Alexa sends when the person says `utterance`."""
    intent, slots = alexa_routes(utterance)
    return alexa_request(intent=intent, slots=slots or None, **options)
