"""The JSON shapes of the Zotero Web API v3, as the sync code passes them around."""

from __future__ import annotations

from typing import Any

JSONObject = dict[str, Any]
ItemData = JSONObject  # an item's "data": itemType, title, creators, tags, collections, version...
CollectionData = JSONObject  # a collection's "data": key, name, parentCollection, version
NoteData = JSONObject  # a child note: itemType "note", parentItem, note (HTML)
WriteReport = JSONObject  # a write's response: successful / unchanged / failed, by index
