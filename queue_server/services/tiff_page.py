"""Draw one TIFF frame as a PNG: run as a script in a process of its own (see previews.page_png).

    python tiff_page.py SOURCE PAGE TARGET

Standalone on purpose (no project imports): the server starts it under a memory and time limit, so a frame
that slipped past the size check fails alone instead of taking a server worker's memory.
"""

from __future__ import annotations

import sys

from PIL import Image


def draw(source: str, page: int, target: str) -> None:
    with Image.open(source) as image:
        image.seek(page - 1)
        frame = image.convert("L")
        # Faxes are often 204x98 dpi: stretch to square pixels so text is not squashed.
        x_dpi, y_dpi = (float(v) for v in image.info.get("dpi", (0, 0)))
        if x_dpi > 0 and y_dpi > 0 and abs(x_dpi - y_dpi) > 1:
            frame = frame.resize((frame.width, round(frame.height * x_dpi / y_dpi)))
        frame.save(target, format="PNG")


if __name__ == "__main__":
    draw(sys.argv[1], int(sys.argv[2]), sys.argv[3])
