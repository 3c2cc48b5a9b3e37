"""Charts drawn on the server as SVG, for the pages where people would rather look."""
