"""A tiny PDF writer for the ingest tests: text (CJK included) placed at given positions, no font embedded.

The font is a Type0/Identity-H font whose character codes are the Unicode code points, with a ToUnicode map, which is
all pdfminer needs to recover the text layer.
"""

from __future__ import annotations

import re
import zlib

Item = tuple[float, float, str, float]  # x, y (PDF units, origin bottom left), text, font size


def _hex(text: str) -> str:
    return "".join(f"{ord(ch):04X}" for ch in text)


def make_pdf(pages: list[list[Item]], *, encrypt: bool = False, image_only: bool = False) -> bytes:
    """Bytes of a PDF with one page per item list; ``image_only`` pages carry a picture and no text."""
    chars = sorted({ch for page in pages for _, _, text, _ in page for ch in text})
    cmap_entries = "\n".join(f"<{ord(ch):04X}> <{ord(ch):04X}>" for ch in chars)
    cmap = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
        "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
        f"{len(chars)} beginbfchar\n{cmap_entries}\nendbfchar\n"
        "endcmap CMapName currentdict /CMap defineresource pop end end"
    )
    objects: list[bytes] = []

    def add(body: str | bytes) -> int:
        objects.append(body.encode("latin-1") if isinstance(body, str) else body)
        return len(objects)

    def stream(content: bytes, extra: str = "") -> bytes:
        return f"<< /Length {len(content)}{extra} >>\nstream\n".encode() + content + b"\nendstream"

    catalog = add("")  # filled in below
    page_tree = add("")
    cid_font = add(
        "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /KGTest /CIDToGIDMap /Identity "
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 "
        "/FontDescriptor << /Type /FontDescriptor /FontName /KGTest /Flags 4 /FontBBox [0 -120 1000 880] "
        "/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >> >>"
    )
    to_unicode = add(stream(cmap.encode("latin-1")))
    font = add(
        f"<< /Type /Font /Subtype /Type0 /BaseFont /KGTest /Encoding /Identity-H "
        f"/DescendantFonts [{cid_font} 0 R] /ToUnicode {to_unicode} 0 R >>"
    )
    kids = []
    for items in pages:
        if image_only:
            pixels = bytes([200]) * (8 * 8)
            image = add(stream(pixels, " /Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceGray "
                                       "/BitsPerComponent 8"))
            content = b"q 400 0 0 400 100 300 cm /Im1 Do Q"
            resources = f"<< /XObject << /Im1 {image} 0 R >> >>"
        else:
            parts = [f"BT /F1 {size} Tf 1 0 0 1 {x} {y} Tm <{_hex(text)}> Tj ET" for x, y, text, size in items]
            content = "\n".join(parts).encode("latin-1")
            resources = f"<< /Font << /F1 {font} 0 R >> >>"
        contents = add(stream(content))
        kids.append(add(
            f"<< /Type /Page /Parent {page_tree} 0 R /MediaBox [0 0 600 800] /Resources {resources} "
            f"/Contents {contents} 0 R >>"
        ))
    objects[catalog - 1] = f"<< /Type /Catalog /Pages {page_tree} 0 R >>".encode()
    objects[page_tree - 1] = (
        f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>".encode()
    )
    encrypt_ref = ""
    if encrypt:
        # A standard security handler whose user password is not empty: readers must ask for it.
        entry = add(
            "<< /Filter /Standard /V 1 /R 2 /Length 40 /P -44 "
            f"/O <{'11' * 32}> /U <{'22' * 32}> >>"
        )
        encrypt_ref = f" /Encrypt {entry} 0 R /ID [<{'33' * 16}> <{'33' * 16}>]"
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    positions = []
    for number, body in enumerate(objects, start=1):
        positions.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{p:010d} 00000 n \n" for p in positions).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root {catalog} 0 R{encrypt_ref} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def make_bomb_pdf(decoded_mib: int, *, filter_name: str = "FlateDecode") -> bytes:
    """A one-page PDF with a line of text whose content stream decompresses to ``decoded_mib`` MiB (padded with
    spaces, which a content stream ignores): a few hundred kilobytes that expand a thousandfold."""
    base = make_pdf([[(72, 700, "乌海市", 12)]])
    content = base[base.index(b"stream\nBT ") + 7 : base.index(b"ET\nendstream") + 2]  # the page's content stream
    if filter_name == "FlateDecode":
        packer = zlib.compressobj(9)
        chunk = b" " * 2**20
        packed = packer.compress(content + b"\n")
        for _ in range(decoded_mib):
            packed += packer.compress(chunk)
        packed += packer.flush()
    else:  # RunLengthDecode: runs of 128 spaces, two bytes each
        literal = b"".join(bytes([len(piece) - 1]) + piece for piece in _pieces(content + b"\n", 128))
        packed = literal + bytes([129, 32]) * (decoded_mib * 2**20 // 128) + bytes([128])
    return _replace_stream(base, content, packed, filter_name)


def _replace_stream(pdf: bytes, content: bytes, packed: bytes, filter_name: str) -> bytes:
    """``pdf`` with the stream holding exactly ``content`` replaced by ``packed`` under ``filter_name``; the cross
    reference table is rebuilt."""
    old = f"<< /Length {len(content)} >>\nstream\n".encode() + content + b"\nendstream"
    new = f"<< /Length {len(packed)} /Filter /{filter_name} >>\nstream\n".encode() + packed + b"\nendstream"
    assert old in pdf
    return _rebuild_xref(pdf.replace(old, new))


def _rebuild_xref(body: bytes) -> bytes:
    """``body`` (a PDF as make_pdf writes it, objects edited) with the cross-reference table rebuilt."""
    header_end = body.index(b"1 0 obj")
    objects = body[header_end : body.index(b"xref\n")]
    out = bytearray(body[:header_end])
    positions = []
    for chunk in objects.split(b"endobj\n")[:-1]:
        positions.append(len(out))
        out += chunk + b"endobj\n"
    xref = len(out)
    trailer = body[body.index(b"trailer\n") : body.index(b"startxref")]
    out += f"xref\n0 {len(positions) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{p:010d} 00000 n \n" for p in positions).encode()
    out += trailer + f"startxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _pieces(data: bytes, size: int) -> list[bytes]:
    return [data[at : at + size] for at in range(0, len(data), size)]


def make_nested_forms_pdf(depth: int) -> bytes:
    """A one-page PDF whose page draws a form XObject that draws a form … ``depth`` forms deep, the last one text."""
    base = make_pdf([[(72, 700, "乌海市", 12)]])
    content = base[base.index(b"stream\nBT ") + 7 : base.index(b"ET\nendstream") + 2]
    count = base.count(b" 0 obj\n")
    font = re.search(rb"/Font << /F1 (\d+) 0 R >>", base).group(1).decode()  # type: ignore[union-attr]
    forms = []
    for level in range(depth):
        number = count + 1 + level
        last = level == depth - 1
        inner = content if last else b"/X Do"
        resources = f"/Font << /F1 {font} 0 R >>" if last else f"/XObject << /X {number + 1} 0 R >>"
        forms.append(f"{number} 0 obj\n<< /Type /XObject /Subtype /Form /BBox [0 0 600 800] /Resources << {resources} "
                     f">> /Length {len(inner)} >>\nstream\n".encode() + inner + b"\nendstream\nendobj\n")
    body = base.replace(f"<< /Length {len(content)} >>\nstream\n".encode() + content, b"<< /Length 5 >>\nstream\n/X Do")
    body = body.replace(f"/Resources << /Font << /F1 {font} 0 R >> >>".encode(),
                        f"/Resources << /XObject << /X {count + 1} 0 R >> >>".encode())
    body = body.replace(b"xref\n", b"".join(forms) + b"xref\n", 1)
    body = body.replace(f"/Size {count + 1} ".encode(), f"/Size {count + 1 + depth} ".encode())
    return _rebuild_xref(body)
