"""bibkit's reading-list styles: pybtex style plugins (entry point group pybtex.style.formatting)."""
