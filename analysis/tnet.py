"""Bounded tnetstring reading for flow files that may be hostile.

The same values as `mitmproxy.io.tnetstring.load` (which flow files are written with), but:

- a length prefix is checked against what the file still holds before anything is allocated
  (a prefix of 999999999999 is damage, not a 1 TB read);
- nesting is bounded (`MAX_DEPTH`; a real flow state nests about 8 deep), so a value nested
  100,000 deep is a `ValueError`, not a `RecursionError` deep in the parser.

Every problem is a `ValueError` whose message says what is wrong.
"""

from __future__ import annotations

from typing import IO

MAX_DEPTH = 64
_MAX_PREFIX_DIGITS = 12
_COMMA, _SEMI, _HASH, _CARET, _BANG, _TILDE, _RBRACK, _RBRACE = (ord(c) for c in ",;#^!~]}")
_COLON = ord(":")

TSerializable = bytes | str | int | float | bool | None | list | dict


class EmptyFile(ValueError):
    """The file ends exactly where a value would start (the normal end of a flow file)."""


def load(f: IO[bytes], remaining: int) -> TSerializable:
    """One value from `f`, of which at most `remaining` bytes are left."""
    c = f.read(1)
    if not c:
        raise EmptyFile("end of file")
    digits = b""
    while c.isdigit():
        digits += c
        if len(digits) > _MAX_PREFIX_DIGITS:
            raise ValueError("not a tnetstring: absurdly large length prefix")
        c = f.read(1)
    if c != b":" or not digits:
        raise ValueError("not a tnetstring: missing or invalid length prefix")
    length = int(digits)
    left = remaining - len(digits) - 1
    if length + 1 > left:
        raise ValueError(
            f"declares {length:,} bytes but only {max(left - 1, 0):,} follow (truncated or damaged)"
        )
    data = f.read(length)
    tag = f.read(1)
    if len(data) != length or len(tag) != 1:
        raise ValueError("truncated")
    return _parse(tag[0], memoryview(data), 0)


def loads(data: bytes) -> TSerializable:
    value, rest = _pop(memoryview(data), 0)
    return value


def _parse(tag: int, data: memoryview, depth: int) -> TSerializable:
    if tag == _COMMA:
        return data.tobytes()
    if tag == _SEMI:
        return str(data, "utf8")
    if tag == _RBRACE:
        if depth >= MAX_DEPTH:
            raise ValueError(f"not a flow: values nested more than {MAX_DEPTH} deep")
        d = {}
        while data:
            key, data = _pop(data, depth + 1)
            val, data = _pop(data, depth + 1)
            d[key] = val
        return d
    if tag == _RBRACK:
        if depth >= MAX_DEPTH:
            raise ValueError(f"not a flow: values nested more than {MAX_DEPTH} deep")
        lst = []
        while data:
            item, data = _pop(data, depth + 1)
            lst.append(item)
        return lst
    if tag == _HASH:
        try:
            return int(data)
        except ValueError:
            raise ValueError(f"not a tnetstring: invalid integer literal: {bytes(data[:40])!r}") from None
    if tag == _CARET:
        try:
            return float(data)
        except ValueError:
            raise ValueError(f"not a tnetstring: invalid float literal: {bytes(data[:40])!r}") from None
    if tag == _BANG:
        if data == b"true":
            return True
        if data == b"false":
            return False
        raise ValueError(f"not a tnetstring: invalid boolean literal: {bytes(data[:40])!r}")
    if tag == _TILDE:
        if data:
            raise ValueError("not a tnetstring: invalid null literal")
        return None
    raise ValueError(f"not a tnetstring: unknown type tag {tag}")


def _pop(data: memoryview, depth: int) -> tuple[TSerializable, memoryview]:
    i = 0
    n = len(data)
    while i < n and i <= _MAX_PREFIX_DIGITS and data[i] != _COLON:
        i += 1
    if i >= n or i > _MAX_PREFIX_DIGITS or i == 0:
        raise ValueError("not a tnetstring: missing or invalid length prefix")
    try:
        length = int(data[:i])
    except ValueError:
        raise ValueError("not a tnetstring: invalid length prefix") from None
    start = i + 1
    if length < 0 or start + length >= n:
        raise ValueError(f"not a tnetstring: invalid length prefix: {length}")
    return _parse(data[start + length], data[start : start + length], depth), data[start + length + 1 :]
