"""HTTP-side plumbing shared by all blueprints: security headers, errors, locale, login."""
