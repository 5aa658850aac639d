"""Small images made byte by byte for the thumbnail tests: real PNGs (zlib-compressed
rows, CRCs right), JPEG headers (the server reads headers only), and hostile ones."""

import struct
import zlib

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(kind, data):
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data)))


def png(width, height, rows=None):
    """An RGB PNG of width x height; rows (raw filtered scanlines) default to red
    pixels. A huge size with few rows given is a decompression bomb's shape."""
    if rows is None:
        rows = b"".join(b"\0" + b"\xff\0\0" * width for _ in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (PNG_SIGNATURE + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", zlib.compress(rows, 9))
            + _chunk(b"IEND", b""))


def png_bomb(side=100000):
    """A few hundred bytes declaring side x side pixels (30 GB decoded): the zeros of
    its rows compress to almost nothing."""
    return png(side, side, rows=bytes(side * 3 + 1) * 64)


def jpeg(width, height):
    """SOI, JFIF APP0, a baseline frame header of width x height, a scan, EOI."""
    return (b"\xff\xd8"
            + b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
            + b"\xff\xc0\x00\x11\x08" + struct.pack(">HH", height, width)
            + b"\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01"
            + b"\xff\xda\x00\x0c\x03\x01\x00\x02\x11\x03\x11\x00\x3f\x00"
            + b"\x12\x34\xff\xd9")
