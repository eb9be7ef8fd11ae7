"""The one module that imports pyzotero.

pyzotero sets up the client: authentication headers, the API version, the endpoint.  The
writes themselves go through ``HttpGateway`` on pyzotero's httpx client rather than
``create_items``/``update_items``: those mint a new write token per call, reuse one
``If-Unmodified-Since-Version`` across chunks and swallow a 429.
"""

from __future__ import annotations

import httpx
from pyzotero import zotero

from .defaults import DEFAULT_ENDPOINT
from .gateway import HttpGateway


def connect(
    group_id: int,
    api_key: str,
    endpoint: str = DEFAULT_ENDPOINT,
    transport: httpx.BaseTransport | None = None,
    timeout: float = 30.0,
) -> HttpGateway:
    zot = zotero.Zotero(str(group_id), "group", api_key)
    zot.endpoint = endpoint.rstrip("/")
    # pyzotero's headers (Authorization: Bearer <key>, Zotero-API-Version: 3) on a client with
    # timeouts and, in tests, a local transport. (Not assigned back to pyzotero: it closes its
    # client when it is garbage-collected.)
    client = httpx.Client(
        headers=dict(zot.client.headers),
        timeout=httpx.Timeout(timeout, connect=10.0),
        follow_redirects=True,
        transport=transport,
    )
    return HttpGateway(client, f"{zot.endpoint}/{zot.library_type}/{zot.library_id}")
