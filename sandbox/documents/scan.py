"""Paper through a scanner or a fax machine: page images with the defects real ones have.

Pages are drawn at 200 dpi (fax fine mode) with DejaVu fonts, then rotated
up to ±3 degrees, speckled and blurred, and for faxes reduced to black and
white. Every defect comes from a seeded generator, so a document is the same
each time it is downloaded.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from PIL import Image, ImageDraw, ImageFilter, ImageFont

DPI = 200
LETTER_PX = (int(8.5 * DPI), int(11 * DPI))
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


def font(size_pt: float, *, mono: bool = False, bold: bool = False, serif: bool = False, condensed: bool = False,
         dpi: int = DPI) -> ImageFont.FreeTypeFont:
    name = ("DejaVuSansMono" if mono else "DejaVuSerif" if serif else "DejaVuSans") + ("Condensed" if condensed else "")
    if bold:
        name += "-Bold"
    return ImageFont.truetype(str(FONT_DIR / f"{name}.ttf"), int(size_pt * dpi / 72))


class Page:
    """A white letter page to draw on in points (1/72 inch), like a form designer would."""

    def __init__(self, dpi: int = DPI) -> None:
        self.dpi = dpi
        self.image = Image.new("L", (int(8.5 * dpi), int(11 * dpi)), 255)
        self.draw = ImageDraw.Draw(self.image)

    def px(self, points: float) -> int:
        return int(points * self.dpi / 72)

    def text(self, x: float, y: float, value: str, size: float = 10, *, mono: bool = False, bold: bool = False,
             serif: bool = False, condensed: bool = False) -> None:
        self.draw.text((self.px(x), self.px(y)), value, fill=0,
                       font=font(size, mono=mono, bold=bold, serif=serif, condensed=condensed, dpi=self.dpi))

    def box(self, x: float, y: float, w: float, h: float, width: int = 2) -> None:
        self.draw.rectangle((self.px(x), self.px(y), self.px(x + w), self.px(y + h)), outline=0, width=width)

    def line(self, x1: float, y1: float, x2: float, y2: float, width: int = 2) -> None:
        self.draw.line((self.px(x1), self.px(y1), self.px(x2), self.px(y2)), fill=0, width=width)

    def check(self, x: float, y: float, checked: bool, size: float = 9) -> None:
        self.box(x, y, size, size, width=2)
        if checked:
            self.line(x + 1.5, y + 1.5, x + size - 1.5, y + size - 1.5, width=3)
            self.line(x + size - 1.5, y + 1.5, x + 1.5, y + size - 1.5, width=3)

    def signature(self, x: float, y: float, rng: random.Random, width: float = 150) -> None:
        """A scrawl: a handwritten signature is never text a reader could OCR."""
        points = []
        steps = 40
        for i in range(steps + 1):
            px = x + width * i / steps
            py = y + 8 * rng.uniform(-1, 1) + 6 * ((i % 7) - 3) / 3
            points.append((self.px(px), self.px(py)))
        self.draw.line(points, fill=0, width=4, joint="curve")


def text_page(lines: Sequence[str], *, size: float = 8.0, margin: float = 36, title: str | None = None,
              dpi: int = DPI) -> Image.Image:
    page = Page(dpi)
    y = margin
    if title:
        page.text(margin, y, title, 12, bold=True)
        y += 20
    leading = size * 1.25
    for line in lines:
        page.text(margin, y, line, size, mono=True)
        y += leading
    return page.image


@dataclass(frozen=True)
class Noise:
    skew_deg: float = 1.5
    speckle: float = 0.0008  # share of pixels flipped to black
    blur: float = 0.6
    bilevel: bool = True     # fax: black and white only
    scale: float = 1.0       # printed at another size (the form read by labels, not positions)


def degrade(image: Image.Image, rng: random.Random, noise: Noise) -> Image.Image:
    out = image
    if noise.scale != 1.0:
        w, h = out.size
        scaled = out.resize((int(w * noise.scale), int(h * noise.scale)), Image.Resampling.BILINEAR)
        canvas = Image.new("L", (w, h), 255)
        canvas.paste(scaled, (int(rng.uniform(0, max(w - scaled.width, 1))), int(rng.uniform(0, max(h - scaled.height, 1)))))
        out = canvas
    if noise.skew_deg:
        angle = rng.uniform(-noise.skew_deg, noise.skew_deg)
        out = out.rotate(angle, resample=Image.Resampling.BILINEAR, expand=False, fillcolor=255)
    if noise.blur:
        out = out.filter(ImageFilter.GaussianBlur(noise.blur))
    if noise.speckle:
        pixels = out.load()
        w, h = out.size
        for _ in range(int(w * h * noise.speckle)):
            x, y = rng.randrange(w), rng.randrange(h)
            pixels[x, y] = 0
            if rng.random() < 0.3 and x + 1 < w:
                pixels[x + 1, y] = 0
    if noise.bilevel:
        out = out.point(lambda v: 255 if v > 150 else 0, mode="1")
    return out


def tiff_g4(pages: Sequence[Image.Image], dpi: int = DPI) -> bytes:
    """A multi-page fax TIFF, CCITT Group 4 compressed."""
    bilevel = [p if p.mode == "1" else p.convert("1") for p in pages]
    out = io.BytesIO()
    bilevel[0].save(out, format="TIFF", save_all=True, append_images=bilevel[1:], compression="group4",
                    dpi=(dpi, dpi))
    return out.getvalue()
