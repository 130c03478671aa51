"""The text of a PDF that WeasyPrint wrote, for tests (no PDF text extractor is installed here).

Enough of the PDF format for our own letters: streams are Flate-compressed, objects may sit in object
streams, fonts are Type0 with Identity-H encoding and a ToUnicode CMap, and text is shown with TJ/Tj
operators of hex glyph strings after a Tf selecting the font.
"""

from __future__ import annotations

import re
import zlib

_STREAM = re.compile(rb"(\d+) 0 obj\s*<<(.*?)>>\s*stream\r?\n", re.S)
_BFCHAR = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>")
_BFRANGE = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>")
_TEXT_OP = re.compile(rb"/(\S+) [\d.]+ Tf|\[(.*?)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj", re.S)


def _objects(pdf: bytes) -> tuple[dict[int, bytes], dict[int, bytes]]:
    """(object number -> dictionary text, object number -> decompressed stream)."""
    dicts: dict[int, bytes] = {}
    streams: dict[int, bytes] = {}
    for m in re.finditer(rb"(\d+) 0 obj\s*(<<.*?>>)\s*(?:stream|endobj)", pdf, re.S):
        dicts[int(m.group(1))] = m.group(2)
    for m in _STREAM.finditer(pdf):
        start = m.end()
        raw = pdf[start : pdf.find(b"endstream", start)]
        try:
            data = zlib.decompress(raw)
        except zlib.error:
            continue
        number = int(m.group(1))
        streams[number] = data
        if b"/Type /ObjStm" in m.group(2):
            first = int(re.search(rb"/First (\d+)", m.group(2)).group(1))
            header = [int(n) for n in data[:first].split()]
            pairs = list(zip(header[::2], header[1::2], strict=True))
            for i, (obj, offset) in enumerate(pairs):
                end = pairs[i + 1][1] if i + 1 < len(pairs) else len(data) - first
                dicts[obj] = data[first + offset : first + end]
    return dicts, streams


def _cmap(data: bytes) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in _BFCHAR.findall(block):
            mapping[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for low, high, dst in _BFRANGE.findall(block):
            start = int(dst, 16)
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                mapping[code] = chr(start + offset)
    return mapping


def pdf_text(pdf: bytes) -> str:
    """The PDF's visible text in drawing order, whitespace collapsed to single spaces."""
    dicts, streams = _objects(pdf)
    font_cmaps: dict[int, dict[int, str]] = {}
    for number, body in dicts.items():
        found = re.search(rb"/ToUnicode (\d+) 0 R", body)
        if b"/Type /Font" in body and found and int(found.group(1)) in streams:
            font_cmaps[number] = _cmap(streams[int(found.group(1))])
    names: dict[bytes, dict[int, str]] = {}
    for body in dicts.values():
        for name, number in re.findall(rb"/(\w+) (\d+) 0 R", body):
            if int(number) in font_cmaps:
                names[name] = font_cmaps[int(number)]
    pieces: list[str] = []
    for data in streams.values():
        if b"BT" not in data or b"Tf" not in data:
            continue
        cmap: dict[int, str] = {}
        for font, array, single in _TEXT_OP.findall(data):
            if font:
                cmap = names.get(font, {})
                continue
            hexes = re.findall(rb"<([0-9a-fA-F]*)>", array) if array else [single]
            glyphs = b"".join(hexes).decode()
            pieces.append("".join(cmap.get(int(glyphs[i : i + 4], 16), "") for i in range(0, len(glyphs), 4)))
            pieces.append(" ")
    return re.sub(r"\s+", " ", "".join(pieces)).strip()


def pdf_title(pdf: bytes) -> str:
    dicts, _ = _objects(pdf)
    for body in dicts.values():
        found = re.search(rb"/Title \((.*?)\)(?:/|>>)", body, re.S)
        if found and b"/Producer" in body:  # the document information, not an outline entry
            return found.group(1).decode("latin-1")
    return ""


def pdf_lang(pdf: bytes) -> str:
    """The document's language: the catalogue's /Lang, which WeasyPrint takes from <html lang>."""
    dicts, _ = _objects(pdf)
    for body in dicts.values():
        found = re.search(rb"/Lang \((.*?)\)", body)
        if found and b"/Catalog" in body:
            return found.group(1).decode("latin-1")
    return ""
