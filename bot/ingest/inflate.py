"""Content-Encoding decoded in bounded pieces.

A 300 KB gzip body can expand to 300 MB; zlib asked for "everything" would build it in
memory before anyone could count it. Here each compressed chunk yields at most PIECE
bytes at a time, so the caller's byte cap stops the transfer after one piece too many.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator, Iterator

PIECE = 64 * 1024
_IDENTITY = frozenset({"", "identity"})


class BadEncoding(Exception):
    """A compressed body that does not decode, or an encoding we did not ask for."""


class _Zlib:
    def __init__(self, encoding: str) -> None:
        self.deflate = encoding == "deflate"
        # gzip and x-gzip: the gzip header; deflate: zlib-wrapped, or raw as some send it.
        self.obj = zlib.decompressobj(zlib.MAX_WBITS | 16 if not self.deflate else zlib.MAX_WBITS)
        self.started = False
        self.started_any = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        self.started_any = self.started_any or bool(data)
        if self.deflate and not self.started and data:
            self.started = True
            try:
                probe = zlib.decompressobj(zlib.MAX_WBITS)
                probe.decompress(data[:2])
            except zlib.error:
                self.obj = zlib.decompressobj(-zlib.MAX_WBITS)
        try:
            piece = self.obj.decompress(data, PIECE)
            while piece:
                yield piece
                piece = self.obj.decompress(self.obj.unconsumed_tail, PIECE)
        except zlib.error as error:
            raise BadEncoding(f"damaged compressed data: {error}") from None

    def flush(self) -> Iterator[bytes]:
        try:
            rest = self.obj.flush(PIECE)
        except zlib.error as error:
            raise BadEncoding(f"damaged compressed data: {error}") from None
        if rest:
            yield rest
        if self.started_any and not self.obj.eof:
            raise BadEncoding("compressed data ends early")


def _decoders(header: str | None) -> list[_Zlib]:
    # "gzip, deflate" means deflate was applied last: undo from the right.
    layers = [part.strip().lower() for part in (header or "").split(",")]
    decoders = []
    for layer in reversed(layers):
        if layer in _IDENTITY:
            continue
        if layer not in ("gzip", "x-gzip", "deflate"):
            raise BadEncoding(f"unsupported content encoding {layer!r}")
        decoders.append(_Zlib(layer))
    return decoders


def _through(decoders: list[_Zlib], data: bytes, depth: int = 0) -> Iterator[bytes]:
    if depth == len(decoders):
        if data:
            yield data
        return
    for piece in decoders[depth].feed(data):
        yield from _through(decoders, piece, depth + 1)


def _flush(decoders: list[_Zlib], depth: int = 0) -> Iterator[bytes]:
    if depth == len(decoders):
        return
    for piece in decoders[depth].flush():
        yield from _through(decoders, piece, depth + 1)
    yield from _flush(decoders, depth + 1)


async def inflate(raw: AsyncIterator[bytes], encoding: str | None) -> AsyncIterator[bytes]:
    """The decoded body of `raw` (the bytes as sent), in pieces of at most PIECE bytes."""
    decoders = _decoders(encoding)
    async for chunk in raw:
        for piece in _through(decoders, chunk):
            yield piece
    for piece in _flush(decoders):
        yield piece
