"""Hypothesis strategies shared by the property-based tests of the importers."""

from __future__ import annotations

from hypothesis import strategies as st


@st.composite
def mutated(draw: st.DrawFn, data: bytes) -> bytes:
    """`data` damaged as files are: bytes flipped, deleted, inserted, or the tail cut off."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 8))):
        if not out:
            break
        at = draw(st.integers(0, len(out) - 1))
        action = draw(st.sampled_from(["flip", "delete", "insert", "truncate"]))
        if action == "flip":
            out[at] ^= draw(st.integers(1, 255))
        elif action == "delete":
            del out[at : at + draw(st.integers(1, 64))]
        elif action == "insert":
            out[at:at] = draw(st.binary(min_size=1, max_size=16))
        else:
            del out[at:]
    return bytes(out)
