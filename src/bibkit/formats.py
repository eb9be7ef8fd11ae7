"""The output formats of `bibkit render` (known before pybtex is loaded)."""

FORMATS = ("markdown", "html", "text", "latex")
