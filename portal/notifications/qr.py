"""QR codes of a visit's reference: PNG for mails, inline SVG for web pages.

Mail programs show PNG but often not SVG; pages prefer SVG (sharp at any size, no extra
request). Both are made by ``qrcode`` without Pillow (the PNG through pypng).
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from functools import lru_cache

import png
import qrcode
from qrcode.constants import ERROR_CORRECT_M
from qrcode.image.pure import PyPNGImage
from qrcode.image.svg import SvgPathFillImage

# Pixels per module in the PNG: a reference gives 25 modules + 2 x 4 quiet zone = 264 px.
PNG_BOX_SIZE = 8
# CSS pixels per module of the inline SVG (its viewBox keeps it sharp at any size).
SVG_MODULE_PX = 6
# qrcode's SVG writers draw one module per user unit at a box size of 10.
SVG_BOX_SIZE = 10
QUIET_ZONE = 4


def _code(reference: str, image_factory, box_size: int):
    code = qrcode.QRCode(
        error_correction=ERROR_CORRECT_M,
        box_size=box_size,
        border=QUIET_ZONE,
        image_factory=image_factory,
    )
    code.add_data(reference)
    code.make(fit=True)
    return code


@lru_cache(maxsize=1024)
def reference_qr_png(reference: str) -> bytes:
    """A PNG of the QR code of ``reference``, for the inline image of a mail.

    The counter scans it to find the visit, so it only holds the reference itself.
    The same image ``qrcode``'s PNG writer makes (1-bit grey, dark modules black), but
    written from packed rows: a module is ``PNG_BOX_SIZE`` = 8 pixels, one byte, so a
    row of modules packs without pypng's pixel-by-pixel packing (most of the time of a
    confirmation mail). Kept per reference: a visit's later mails (confirmation after
    activation, moves, the reminder) show the same code.
    """
    matrix = _code(reference, PyPNGImage, PNG_BOX_SIZE).get_matrix()  # quiet zone included
    pixels = len(matrix) * PNG_BOX_SIZE
    writer = png.Writer(pixels, pixels, greyscale=True, bitdepth=1)
    rows = []
    for modules in matrix:
        packed = bytes(0x00 if dark else 0xFF for dark in modules)
        rows.extend([packed] * PNG_BOX_SIZE)
    buffer = io.BytesIO()
    writer.write_packed(buffer, rows)
    return buffer.getvalue()


def reference_qr_svg(reference: str, aria_label: str) -> str:
    """SVG markup (no XML declaration) of the QR code of ``reference``, to embed inline.

    The element gets ``role="img"`` and ``aria-label`` so that screen readers announce it
    (pass a translated label that contains the reference), a white background so that it
    scans on a dark page, and no ``id`` (several codes may share one page).
    """
    code = _code(reference, SvgPathFillImage, SVG_BOX_SIZE)
    root = code.make_image().get_image()
    modules = code.modules_count + 2 * QUIET_ZONE
    root.set("width", str(modules * SVG_MODULE_PX))
    root.set("height", str(modules * SVG_MODULE_PX))
    root.set("role", "img")
    root.set("aria-label", aria_label)
    root.set("shape-rendering", "crispEdges")
    root.set("class", "qr-code")
    for element in root.iter():
        element.attrib.pop("id", None)
    return ET.tostring(root, encoding="unicode")
