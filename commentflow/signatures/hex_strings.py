"""A faster reader for pyHanko's PDF hex strings: a signature's /Contents is a reserved hex
string of 8–64 KB, which pyHanko 0.38 reads one byte at a time (half of a signature check's
CPU). Installed once, it reads the string in blocks and hands anything unusual back to
pyHanko's own reader, so every result and every error stays pyHanko's."""
import binascii
import os

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PDF_WHITESPACE

_BLOCK = 16384
_PLAIN = generic.HEX_DIGITS + PDF_WHITESPACE
_original = generic.read_hex_string_from_stream


def read_hex_string(stream):
    """The hex string at the stream's position (just before its "<"), as pyHanko's reader
    returns it; strings with comments, stray bytes or no end go to pyHanko's reader."""
    start = stream.tell()
    stream.read(1)
    chunks = []
    while True:
        block = stream.read(_BLOCK)
        end = block.find(b">")
        part = block if end < 0 else block[:end]
        # A comment or a stray byte: pyHanko decides, having read no further than one block
        # past it (a hostile file cannot make this reader scan more than pyHanko's would).
        if part.translate(None, _PLAIN):
            return _fallback(stream, start)
        chunks.append(part)
        if end >= 0:
            stream.seek(end + 1 - len(block), os.SEEK_CUR)
            break
        if len(block) < _BLOCK:  # no ">" before the end of the file
            return _fallback(stream, start)
    digits = b"".join(chunks).translate(None, PDF_WHITESPACE)
    if len(digits) % 2:
        digits += b"0"
    return generic.pdf_string(binascii.unhexlify(digits))


def _fallback(stream, start: int):
    stream.seek(start)
    return _original(stream)


def install() -> None:
    """Make pyHanko's object reader use the block reader (idempotent)."""
    generic.read_hex_string_from_stream = read_hex_string
