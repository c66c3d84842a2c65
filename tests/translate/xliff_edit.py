"""Editing an exported XLIFF 2.0 file as a translator's CAT tool would, for the tests."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from generator.translate.xliff import NS

X = "{" + NS + "}"


def set_target(path: Path, unit_id: str, text: str | None, state: str) -> None:
    """Give the unit `unit_id` the target `text` and the segment state `state`, in place."""
    tree = etree.parse(str(path))
    unit = next(u for u in tree.getroot().iter(X + "unit") if u.get("id") == unit_id)
    segment = unit.find(X + "segment")
    assert segment is not None
    target = segment.find(X + "target")
    if target is None:
        target = etree.SubElement(segment, X + "target")
    target.text = text
    segment.set("state", state)
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")
