"""Pages of a long list: which page is asked for, how many there are, and its part."""
from dataclasses import dataclass


@dataclass
class PageInfo:
    page: int
    pages: int
    first: int = 0  #: the number of the page's first item in the whole list (1-based)
    last: int = 0  #: and of its last

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def page_info(count: int, asked: int, per_page: int) -> PageInfo:
    """The asked-for page, brought within 1 … the last page (an empty list has one page)."""
    pages = max(1, -(-count // per_page))
    return PageInfo(min(max(asked, 1), pages), pages)


def page_of(items: list, asked: int, per_page: int) -> tuple[list, PageInfo]:
    """The part of a list already in memory that one page shows."""
    info = page_info(len(items), asked, per_page)
    start = (info.page - 1) * per_page
    part = items[start:start + per_page]
    info.first, info.last = (start + 1, start + len(part)) if part else (0, 0)
    return part, info
