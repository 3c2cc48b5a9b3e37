"""Digital signatures on reply PDFs checked with certificates made in the test: a valid one,
a tampered file, an expired certificate, an untrusted root, an unsigned and a broken PDF."""
import pytest
from cryptography.hazmat.primitives import serialization

from commentflow.signatures import verification
from tests.fixtures.signing import Authority, blank_pdf, tampered


@pytest.fixture(scope="module")
def authority():
    return Authority()


@pytest.fixture(scope="module")
def signed(authority):
    return authority.signer("Nguyễn Văn An", "UBND xã Mỹ Hòa Hưng").sign(blank_pdf())


def roots(*authorities):
    return [certificate for a in authorities for certificate in
            verification.load_certificates(a.pem())]


def test_a_valid_signature_names_its_signer(authority, signed):
    check = verification.check_pdf(signed, roots(authority))
    assert check.state == verification.VALID
    assert (check.signer_name, check.organisation) == ("Nguyễn Văn An", "UBND xã Mỹ Hòa Hưng")
    assert check.signed_at is not None and check.count == 1


def test_a_file_changed_after_signing_is_invalid(authority, signed):
    assert verification.check_pdf(tampered(signed), roots(authority)).state == \
        verification.INVALID


def test_an_expired_certificate_is_refused(authority):
    late = authority.signer("Trần Thị Bình", "Sở Tư pháp", expired=True).sign(blank_pdf())
    assert verification.check_pdf(late, roots(authority)).state == verification.EXPIRED


def test_a_root_the_operator_did_not_configure_is_not_trusted(authority, signed):
    stranger = Authority("CA lạ")
    assert verification.check_pdf(signed, roots(stranger)).state == verification.UNTRUSTED
    assert verification.check_pdf(signed, []).state == verification.UNTRUSTED  # none bundled
    other = stranger.signer("Lê Văn Cường", "Công ty X").sign(blank_pdf())
    assert verification.check_pdf(other, roots(authority)).state == verification.UNTRUSTED


def test_unsigned_and_broken_files_say_so(authority):
    assert verification.check_pdf(blank_pdf(), roots(authority)).state == verification.UNSIGNED
    assert verification.check_pdf(b"%PDF-1.4 garbage", roots(authority)).state == \
        verification.UNREADABLE


def test_certificates_load_from_pem_and_der(authority):
    der = authority.certificate.public_bytes(serialization.Encoding.DER)
    assert verification.load_certificates(der)[0].subject == \
        verification.load_certificates(authority.pem())[0].subject
