"""Guard stage: the one hardened XML parser, size caps, and hostile-input detection.

Every XML document the product reads (outer envelope and inner tables) goes through
:func:`hardened_parser`: no DTD, no entity expansion, no network, libxml2's depth and
text-size limits kept (``huge_tree`` off).
"""

from __future__ import annotations

from lxml import etree


def hardened_parser() -> etree.XMLParser:
    """A new hardened parser. lxml parsers are not thread-safe: make one per process or thread."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        attribute_defaults=False,
        huge_tree=False,
        collect_ids=False,
        remove_blank_text=False,
        remove_comments=False,
        remove_pis=False,
    )
