"""PAdES/PDF signatures checked with pyHanko: integrity, signer, signing time, and the
certificate against the trust roots the operator configured (none bundled). Pure: bytes and
certificates in, a plain result out; no network (no revocation fetching), no private key."""
import asyncio
import io
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from commentflow.signatures import hex_strings

log = logging.getLogger(__name__)
hex_strings.install()  # a signature's reserved /Contents read in blocks, not byte by byte

VALID, INVALID, UNTRUSTED, EXPIRED, UNSIGNED, UNREADABLE = (
    "valid", "invalid", "untrusted", "expired", "none", "unreadable")


@dataclass
class SignatureCheck:
    state: str
    signer_name: str = ""
    organisation: str = ""
    #: The time the signer's software wrote into the signature (no timestamp authority).
    signed_at: datetime | None = None
    #: How many signatures the file carries (the first one, the signer's, is described).
    count: int = 0
    detail: str = ""


def load_certificates(data: bytes) -> list[asn1_x509.Certificate]:
    """Certificates from a .pem (one or several) or a .cer/.crt/.der file."""
    if pem.detect(data):
        return [asn1_x509.Certificate.load(der) for _type, _headers, der in pem.unarmor(
            data, multiple=True)]
    return [asn1_x509.Certificate.load(data)]


def _names(certificate) -> tuple[str, str]:
    subject = certificate.subject.native
    return subject.get("common_name", ""), subject.get("organization_name", "")


def _state(status, certificate, signed_at: datetime | None) -> str:
    if not (status.intact and status.valid):
        return INVALID  # the bytes signed are not the bytes received
    if status.docmdp_ok is False:
        return INVALID  # changed after signing beyond what the signer allowed
    if status.trusted:
        return VALID
    end = certificate["tbs_certificate"]["validity"]["not_after"].native
    if signed_at is not None and end < signed_at:
        return EXPIRED
    return UNTRUSTED


def check_pdf(data: bytes, trust_roots: list) -> SignatureCheck:
    """The signatures of a PDF: VALID only when intact, unchanged since and issued under one
    of the trust roots; the certificate is judged at the signing time the signature states."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _check(data, trust_roots)
    # pyHanko runs an event loop of its own, which cannot start inside a running one.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(_check, data, trust_roots).result()


def _check(data: bytes, trust_roots: list) -> SignatureCheck:
    try:
        signatures = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
    except Exception as error:  # a broken or hostile file: say so, never fail the upload
        log.info("PDF signatures unreadable: %s", error)
        return SignatureCheck(UNREADABLE, detail=str(error)[:200])
    if not signatures:
        return SignatureCheck(UNSIGNED)
    states, first = [], None
    for embedded in signatures:
        try:
            signed_at = embedded.self_reported_timestamp
            context = ValidationContext(trust_roots=trust_roots, allow_fetching=False,
                                        moment=signed_at, revocation_mode="soft-fail")
            status = validate_pdf_signature(embedded, context)
            certificate = status.signing_cert
            states.append(_state(status, certificate, signed_at))
        except Exception as error:
            log.info("PDF signature not verifiable: %s", error)
            states.append(INVALID)
            certificate, signed_at = embedded.signer_cert, None
        if first is None:
            name, organisation = _names(certificate) if certificate is not None else ("", "")
            first = SignatureCheck("", name, organisation, signed_at)
    first.count = len(signatures)
    first.state = next((s for s in (INVALID, EXPIRED, UNTRUSTED) if s in states), VALID)
    return first
