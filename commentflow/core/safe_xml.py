"""XML from outside files, read by a parser that refuses DTDs and entities (checked by the
parser itself, whatever the encoding), streamed so that checking costs little memory."""
from collections.abc import Iterable

from lxml import etree


class HostileXml(ValueError):
    """A DOCTYPE or entity declaration: Word, Excel and LibreOffice never write one."""


class BrokenXml(ValueError):
    """Not well-formed XML."""


def _parser(events=("start", "end")) -> etree.XMLPullParser:
    return etree.XMLPullParser(events=events, resolve_entities=False, load_dtd=False,
                               no_network=True, dtd_validation=False, huge_tree=False,
                               remove_comments=True, remove_pis=True)


def _refuse_dtd(element) -> None:
    info = element.getroottree().docinfo
    if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
        raise HostileXml("DOCTYPE")


def check_xml(chunks: Iterable[bytes]) -> None:
    """Parse the chunks through, keeping no tree: refuses a DTD at the first element and
    broken XML anywhere."""
    parser = _parser()
    first = True
    try:
        for chunk in chunks:
            parser.feed(chunk)
            for event, element in parser.read_events():
                if first:
                    _refuse_dtd(element)
                    first = False
                if event == "end":
                    element.clear(keep_tail=False)
                    parent = element.getparent()
                    if parent is not None:  # drop what was read, not what is being read
                        while element.getprevious() is not None:
                            del parent[0]
        root = parser.close()
    except etree.XMLSyntaxError as error:
        raise BrokenXml(str(error)) from None
    if first:
        _refuse_dtd(root)


def parse_xml(data: bytes):
    """The root element of a small XML document (relationships, content types), with the
    same refusals."""
    parser = _parser(events=("start",))
    try:
        parser.feed(data)
        for _event, element in parser.read_events():
            _refuse_dtd(element)
            break
        return parser.close()
    except etree.XMLSyntaxError as error:
        raise BrokenXml(str(error)) from None
