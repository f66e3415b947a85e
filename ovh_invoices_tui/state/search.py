"""The quick filter's search keys of a listing: one lower-case key per row, all in one ``bytearray``.

A key per row as its own object costs 72 bytes (a pointer, a header, the text) for the 22 characters of an
invoice's "reference, order"; in a slot of :data:`WIDTH` bytes of one array it costs 32. A slot holds the key
in UTF-8 (lone surrogates kept, so any text the API sent is searchable) padded with :data:`PAD`; a key that
does not fit, or holds :data:`PAD` itself, is kept apart. Searching a slot is ``bytearray.find`` bounded to
it: as fast as ``needle in key``, and a match can never run into the padding or the next row.
"""

from __future__ import annotations

from collections.abc import Iterable

WIDTH = 32  # an OVHcloud "FR0123456789\0123456789\0" fits with room to spare
PAD = b"\n"  # a quick filter's text is one line: it never holds one
_PAD_TEXT = PAD.decode()
_PADDED = "{:" + _PAD_TEXT + "<" + str(WIDTH) + "}"  # an ASCII key shorter than WIDTH, padded to its slot


def utf8(text: str) -> bytes:
    """``text`` in UTF-8, lone surrogates kept: one text contains another exactly when their UTF-8 forms do."""
    return text.encode("utf-8", "surrogatepass")


class SearchKeys:
    """The search keys of rows 0 … n - 1, set and extended by position."""

    __slots__ = ("_apart", "_slots")

    def __init__(self) -> None:
        self._slots = bytearray()
        self._apart: dict[int, bytes] = {}  # the keys that do not fit a slot, by position

    def __len__(self) -> int:
        return len(self._slots) // WIDTH

    def __getitem__(self, position: int) -> bytes:
        """The key of the row at ``position`` (UTF-8)."""
        if position in self._apart:
            return self._apart[position]
        start = position * WIDTH
        return bytes(self._slots[start : start + WIDTH]).rstrip(PAD)

    def extend(self, keys: Iterable[str]) -> None:
        """Append the keys of the rows that follow."""
        keys = list(keys)
        if keys and max(map(len, keys)) < WIDTH and (joined := "".join(keys)).isascii() and _PAD_TEXT not in joined:
            # The common case, a page of plain ASCII keys that all fit: padded and encoded in one go (a fifth of
            # the time of a slot each, which a cold load of 100,000 rows pays).
            self._slots += "".join(map(_PADDED.format, keys)).encode("ascii")
            return
        start = len(self)
        self._slots += b"".join(self._slot(start + offset, key) for offset, key in enumerate(keys))

    def __setitem__(self, position: int, key: str) -> None:
        """Set the key of the row at ``position`` (one past the last appends it)."""
        if position == len(self):
            self.extend([key])
            return
        self._apart.pop(position, None)
        start = position * WIDTH
        self._slots[start : start + WIDTH] = self._slot(position, key)

    def _slot(self, position: int, key: str) -> bytes:
        encoded = utf8(key)
        if len(encoded) < WIDTH and PAD not in encoded:
            return encoded.ljust(WIDTH, PAD)
        self._apart[position] = encoded
        return PAD * WIDTH  # matches nothing: the needle never holds PAD

    def containing(self, indices: list[int], text: str) -> list[int]:
        """The indices whose key contains ``text`` (any case), in the given order; all of them for no text."""
        if not text:
            return indices
        needle = utf8(text.lower())
        apart = self._apart
        if PAD in needle:  # only a key kept apart can hold it
            return [i for i in indices if i in apart and needle in apart[i]]
        find, width = self._slots.find, WIDTH
        if not apart:
            return [i for i in indices if find(needle, i * width, i * width + width) >= 0]
        return [i for i in indices if find(needle, i * width, i * width + width) >= 0 or needle in apart.get(i, b"")]
