"""Safe redirects: `next` may only point inside this site."""
from urllib.parse import urlsplit

from flask import url_for


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
