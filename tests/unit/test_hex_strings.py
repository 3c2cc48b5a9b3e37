"""The block reader of PDF hex strings gives what pyHanko's own reader gives — value, type,
position after it and error — for every shape a hex string takes, and signed PDFs go
through it."""
import io

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PdfStreamError

from commentflow.signatures import hex_strings, verification
from tests.fixtures.signing import Authority, blank_pdf

SHAPES = [
    b"<>", b"<41>", b"<414>", b"<4142434445>", b"<61 62\n63\r\t64\x00\x0c65>",
    b"<FEFF00410042>",  # a text string with its byte-order mark
    b"<DEADbeef>", b"<" + b"3082" * 20000 + b"0" * 30000 + b">",  # a signature's reserve
    b"<41 % a comment\n42>",  # pyHanko skips comments even here
]
BROKEN = [b"<41G2>", b"<4142", b"<" + b"00" * 20000, b"<41 % never ends"]


def read(reader, data: bytes):
    stream = io.BytesIO(b"  " + data + b" /Next")
    stream.seek(2)
    try:
        value = reader(stream)
    except PdfStreamError as error:
        return "error", str(error)
    return type(value), value, stream.tell()


@pytest.mark.parametrize("data", SHAPES + BROKEN, ids=lambda d: repr(d[:24]))
def test_the_block_reader_reads_as_pyhanko_does(data):
    assert read(hex_strings.read_hex_string, data) == read(hex_strings._original, data)


def test_a_stray_byte_stops_the_block_reader_near_it():
    """A hostile file cannot make it scan far past where pyHanko's reader stops."""
    class Counted(io.BytesIO):
        read_bytes = 0

        def read(self, size=-1):
            data = super().read(size)
            Counted.read_bytes += len(data)
            return data

    stream = Counted(b"<4G" + b"0" * 5_000_000 + b">")
    with pytest.raises(PdfStreamError):
        hex_strings.read_hex_string(stream)
    assert Counted.read_bytes < 2 * hex_strings._BLOCK


def test_the_errors_are_pyhankos_own():
    assert read(hex_strings.read_hex_string, b"<41G2>")[0] == "error"
    assert read(hex_strings.read_hex_string, b"<4142")[0] == "error"


def test_a_signature_check_reads_its_contents_with_the_block_reader(monkeypatch):
    calls = []

    def counted(stream):
        calls.append(stream.tell())
        return hex_strings.read_hex_string(stream)

    assert generic.read_hex_string_from_stream is hex_strings.read_hex_string  # installed
    monkeypatch.setattr(generic, "read_hex_string_from_stream", counted)
    authority = Authority()
    signed = authority.signer("Phạm Thị Dung", "Sở Nội vụ").sign(blank_pdf())
    check = verification.check_pdf(signed, verification.load_certificates(authority.pem()))
    assert check.state == verification.VALID and calls
