"""Mapbox Vector Tile (MVT 2.1) encoding of point layers, in plain Python.

Only what the webmap needs: one or more layers of points, each feature with an integer id
and a few properties (str, int, float or bool). The protobuf wire format is written by hand
(https://github.com/mapbox/vector-tile-spec/blob/master/2.1/vector_tile.proto).
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Mapping

EXTENT = 4096
POINT = 1
MOVE_TO_ONE = (1 & 0x7) | (1 << 3)  # MoveTo, count 1


def _encode_varint(n: int) -> bytes:
    out = bytearray()
    while n > 0x7F:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


_SMALL = [_encode_varint(n) for n in range(1 << 14)]  # one or two bytes: most keys, values and coordinates


def _varint(n: int) -> bytes:
    return _SMALL[n] if n < 16384 else _encode_varint(n)


def _zigzag(n: int) -> int:
    return (n << 1) ^ (n >> 63)


def _field(number: int, payload: bytes) -> bytes:
    """A length-delimited field (wire type 2)."""
    return _varint((number << 3) | 2) + _varint(len(payload)) + payload


def _uint_field(number: int, value: int) -> bytes:
    return _varint(number << 3) + _varint(value)


def _value(v) -> bytes:
    if isinstance(v, bool):
        return _uint_field(7, int(v))
    if isinstance(v, int):
        return _uint_field(5, v) if v >= 0 else _uint_field(6, _zigzag(v))
    if isinstance(v, float):
        return _varint((3 << 3) | 1) + struct.pack("<d", v)
    return _field(1, str(v).encode())


class Layer:
    """Features of one layer: add(id, x, y, props) with x, y in tile units (0..extent, may overflow into the buffer)."""

    def __init__(self, name: str, extent: int = EXTENT):
        self.name = name
        self.extent = extent
        self._keys: dict[str, int] = {}
        self._values: dict[tuple[type, object], int] = {}
        self._features: list[bytes] = []

    def __len__(self) -> int:
        return len(self._features)

    def _key(self, key: str) -> int:
        index = self._keys.get(key)
        if index is None:
            index = self._keys[key] = len(self._keys)
        return index

    def _val(self, value) -> int:
        marker = (type(value), value)
        index = self._values.get(marker)
        if index is None:
            index = self._values[marker] = len(self._values)
        return index

    def add(self, fid: int, x: int, y: int, props: Mapping[str, object]) -> None:
        tags = bytearray()
        for key, value in props.items():
            if value is None:
                continue
            tags += _varint(self._key(key)) + _varint(self._val(value))
        geometry = _varint(MOVE_TO_ONE) + _varint(_zigzag(int(x))) + _varint(_zigzag(int(y)))
        self._features.append(
            _uint_field(1, fid) + _field(2, bytes(tags)) + _uint_field(3, POINT) + _field(4, geometry)
        )

    def encode(self) -> bytes:
        body = bytearray(_uint_field(15, 2) + _field(1, self.name.encode()))
        for feature in self._features:
            body += _field(2, feature)
        for key in self._keys:
            body += _field(3, key.encode())
        for kind, value in self._values:
            body += _field(4, _value(value))
        body += _uint_field(5, self.extent)
        return bytes(body)


def encode(layers: Iterable[Layer]) -> bytes:
    """A tile: its non-empty layers."""
    return b"".join(_field(3, layer.encode()) for layer in layers if len(layer))
