"""Check that bytes are `marshal` data of plain values before `marshal.loads` sees them.

The journal carries flow fields as `marshal` data (`journal.py`). `marshal` is not meant for
untrusted input ("not intended to be secure against erroneous or maliciously constructed data"),
and a `flows.journal` in a session folder someone else made is untrusted: journal recovery runs
on it before `replay` or `report` reads the session. This walks the format without building
anything and accepts only what the journal writes — None, booleans, ints, floats, bytes, str,
tuples, lists, dicts, and back-references to values that are already complete — within a depth
and element bound. Anything else (code objects, sets, a reference to a container still being
built, a length past the end) is a `ValueError`.
"""

from __future__ import annotations

import struct

MAX_DEPTH = 64
MAX_ITEMS = 10_000_000

FLAG_REF = 0x80
_LEN = struct.Struct("<i")
_SCALAR_SIZES = {ord("N"): 0, ord("F"): 0, ord("T"): 0, ord("i"): 4, ord("g"): 8}
_SIZED = frozenset(map(ord, "sutaA"))  # 4-byte length, then that many bytes
_SHORT = frozenset(map(ord, "zZ"))  # 1-byte length
_SEQUENCES = frozenset(map(ord, "([)"))


def check(data: bytes) -> None:
    """Raise `ValueError` unless `data` is one marshalled plain value (see the module doc)."""
    view = memoryview(data)
    n = len(view)
    pos = 0
    refs: list[bool] = []  # per FLAG_REF'd object: complete yet?
    # stack of [remaining items, ref index or -1, is_dict]
    stack: list[list[int]] = []
    items = 0

    def finish(ref: int) -> None:
        if ref >= 0:
            refs[ref] = True

    def need(k: int) -> None:
        if pos + k > n:
            raise ValueError("marshal data cut short")

    expect_values = 1
    while True:
        # pop finished containers
        while stack and stack[-1][0] == 0 and not stack[-1][2]:
            finish(stack.pop()[1])
        if not stack and expect_values == 0:
            break
        need(1)
        code = view[pos]
        pos += 1
        if stack and stack[-1][2] and code == ord("0"):  # end of a dict (counted in its parent at its start)
            finish(stack.pop()[1])
            continue
        items += 1
        if items > MAX_ITEMS:
            raise ValueError("marshal data with too many values")
        flag, code = code & FLAG_REF, code & ~FLAG_REF
        ref = -1
        if flag:
            ref = len(refs)
            refs.append(False)
        if code in _SCALAR_SIZES:
            need(_SCALAR_SIZES[code])
            pos += _SCALAR_SIZES[code]
            finish(ref)
        elif code == ord("l"):  # long: 4-byte digit count, 2 bytes per digit
            need(4)
            (digits,) = _LEN.unpack_from(view, pos)
            pos += 4
            size = abs(digits) * 2
            need(size)
            pos += size
            finish(ref)
        elif code in _SIZED:
            need(4)
            (size,) = _LEN.unpack_from(view, pos)
            pos += 4
            if size < 0:
                raise ValueError("marshal data with a negative length")
            need(size)
            pos += size
            finish(ref)
        elif code in _SHORT:
            need(1)
            size = view[pos]
            pos += 1
            need(size)
            pos += size
            finish(ref)
        elif code == ord("r"):
            need(4)
            (index,) = _LEN.unpack_from(view, pos)
            pos += 4
            if flag or not 0 <= index < len(refs) or not refs[index]:
                raise ValueError("marshal data refers to a value that is not complete")
        elif code in _SEQUENCES or code == ord("{"):
            if len(stack) >= MAX_DEPTH:
                raise ValueError(f"marshal data nested more than {MAX_DEPTH} deep")
            if code == ord("{"):
                count, is_dict = -1, True
            elif code == ord(")"):
                need(1)
                count, is_dict = view[pos], False
                pos += 1
            else:
                need(4)
                (count,) = _LEN.unpack_from(view, pos)
                pos += 4
                if count < 0 or count > n - pos:
                    raise ValueError("marshal data with an impossible length")
                is_dict = False
            if stack and not stack[-1][2]:
                stack[-1][0] -= 1
            elif not stack:
                expect_values -= 1
            stack.append([count, ref, is_dict])
            continue
        else:
            raise ValueError(f"marshal data with a type phonehome does not journal ({chr(code)!r})")
        if stack and not stack[-1][2]:
            stack[-1][0] -= 1
        elif not stack:
            expect_values -= 1
    if pos != n:
        raise ValueError("marshal data followed by more bytes")
