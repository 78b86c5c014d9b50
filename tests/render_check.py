#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks what headless Chromium rendered (tests/render.sh), with the standard library only.

  render_check.py png [--size WxH] [--colour RRGGBB] FILE...
      each PNG decodes, has that size, is not blank (at least 2% of its pixels not white and
      at least 16 distinct colours), and has at least 20 pixels of exactly that colour (the
      chart's count ink, so a page that failed to draw the chart does not pass);
  render_check.py pdf FILE...
      each PDF has exactly one page, and its /MediaBox is A4 portrait (595 x 842 pt, to a
      point: Chromium writes 594.96 x 841.92).

Prints one line per file; exits 1 when any check fails.
"""
import re
import struct
import sys
import zlib


def png_pixels(path):
    """(width, height, rows of pixel tuples as bytes) of an 8-bit, non-interlaced PNG."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, ihdr = 8, [], None
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    if ihdr is None:
        raise ValueError("no IHDR")
    width, height, depth, colour, _, _, interlace = ihdr
    channels = {0: 1, 2: 3, 4: 2, 6: 4}.get(colour)
    if depth != 8 or interlace != 0 or channels is None:
        raise ValueError("unsupported PNG (depth %d, colour type %d, interlace %d)"
                         % (depth, colour, interlace))
    raw = zlib.decompress(b"".join(idat))
    stride = width * channels
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(height):
        kind, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        unfilter(kind, line, prev, channels)
        rows.append(bytes(line))
        prev = line
    return width, height, channels, rows


def unfilter(kind, line, prev, bpp):
    """Undoes one scanline's PNG filter in place (RFC 2083, 6)."""
    n = len(line)
    if kind == 0:
        return
    if kind == 1:
        for x in range(bpp, n):
            line[x] = (line[x] + line[x - bpp]) & 0xFF
    elif kind == 2:
        for x in range(n):
            line[x] = (line[x] + prev[x]) & 0xFF
    elif kind == 3:
        for x in range(n):
            left = line[x - bpp] if x >= bpp else 0
            line[x] = (line[x] + ((left + prev[x]) >> 1)) & 0xFF
    elif kind == 4:
        for x in range(n):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            line[x] = (line[x] + pred) & 0xFF
    else:
        raise ValueError("bad filter type %d" % kind)


def check_png(path, size, colour):
    width, height, channels, rows = png_pixels(path)
    if size and (width, height) != size:
        return "is %dx%d, not %dx%d" % (width, height, size[0], size[1])
    white = b"\xff" * min(channels, 3)
    colours, inked, total, matches = set(), 0, width * height, 0
    for row in rows:
        pixels = [row[x:x + min(channels, 3)] for x in range(0, len(row), channels)]
        colours.update(pixels)
        inked += sum(1 for p in pixels if p != white)
        if colour is not None:
            matches += pixels.count(colour)
    if inked < total * 0.02:
        return "blank: %d of %d pixels not white" % (inked, total)
    if len(colours) < 16:
        return "blank: %d distinct colours" % len(colours)
    if colour is not None and matches < 20:
        return "%d pixels of #%s: the chart was not drawn" % (matches, colour.hex())
    return "ok: %dx%d, %.1f%% inked, %d colours" % (width, height, 100.0 * inked / total,
                                                    len(colours))


def pdf_objects(data):
    """The PDF's bytes and those of its compressed streams (object streams hold objects)."""
    yield data
    for m in re.finditer(rb"/FlateDecode.*?stream\r?\n", data, re.S):
        start = m.end()
        end = data.find(b"endstream", start)
        try:
            yield zlib.decompress(data[start:end])
        except zlib.error:
            pass


def check_pdf(path):
    with open(path, "rb") as f:
        data = f.read()
    if not data.startswith(b"%PDF-"):
        return "not a PDF"
    pages, boxes = 0, []
    for chunk in pdf_objects(data):
        pages += len(re.findall(rb"/Type\s*/Page(?![A-Za-z])", chunk))
        boxes += re.findall(rb"/MediaBox\s*\[\s*([-\d.\s]+)\]", chunk)
    if pages != 1:
        return "%d pages, not 1" % pages
    if not boxes:
        return "no /MediaBox"
    for box in boxes:
        x0, y0, x1, y1 = (float(v) for v in box.split())
        if (x0, y0) != (0.0, 0.0) or abs(x1 - 595.28) > 1.0 or abs(y1 - 841.89) > 1.0:
            return "/MediaBox [%s] is not A4 portrait" % box.decode()
    return "ok: 1 page, A4"


def main(argv):
    if len(argv) < 3 or argv[1] not in ("png", "pdf"):
        sys.stderr.write(__doc__)
        return 2
    kind, args, size, colour = argv[1], argv[2:], None, None
    while args and args[0].startswith("--"):
        if args[0] == "--size":
            size = tuple(int(v) for v in args[1].split("x"))
        elif args[0] == "--colour":
            colour = bytes.fromhex(args[1])
        else:
            sys.stderr.write("render_check.py: unknown option %s\n" % args[0])
            return 2
        args = args[2:]
    failed = 0
    for path in args:
        try:
            verdict = check_png(path, size, colour) if kind == "png" else check_pdf(path)
        except (OSError, ValueError, zlib.error) as e:
            verdict = "unreadable: %s" % e
        ok = verdict.startswith("ok")
        failed += not ok
        print("%s: %s: %s" % ("PASS" if ok else "FAIL", path, verdict))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
