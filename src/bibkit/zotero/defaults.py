"""Defaults of the Zotero client that the command line shows before any client is made."""

DEFAULT_ENDPOINT = "https://api.zotero.org"
RETRY_BUDGET = 30.0  # seconds one request may spend retrying a busy server; --retry-budget
