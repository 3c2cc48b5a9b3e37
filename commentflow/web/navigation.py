"""Safe redirects: `next` may only point inside this site; a button returns to its place."""
import re
from urllib.parse import urlsplit

from flask import redirect, request, url_for

_ANCHOR = re.compile(r"[A-Za-z][\w-]{0,60}")


def safe_next(target: str | None, default_endpoint: str = "home.index") -> str:
    """Return target if it is a local path ("/x?y"), else the default page.

    Refuses absolute URLs, scheme-relative "//host" and backslash tricks ("/\\host").
    """
    if target:
        target = target.strip()
        parts = urlsplit(target)
        if (target.startswith("/") and not target.startswith("//")
                and "\\" not in target and not parts.scheme and not parts.netloc
                and not any(ord(ch) < 32 for ch in target)):
            return target
    return url_for(default_endpoint)


def back_to_place(default_url: str, anchor: str | None = None):
    """Redirect a page's button back to the page it was pressed on (the referrer, if it is
    this site's), at the part of the page it belongs to: the form's `anchor` field, else the
    given one. Without JavaScript the reader lands where they were; with it, the in-place
    script reads the same page and swaps in the parts that changed."""
    referrer = request.referrer or ""
    target = default_url
    if referrer.startswith(request.host_url):
        target = safe_next("/" + referrer[len(request.host_url):].split("#", 1)[0])
    anchor = request.form.get("anchor") or anchor
    if anchor and _ANCHOR.fullmatch(anchor):
        target += "#" + anchor
    return redirect(target)
