"""Draw the integration's icons: custom_components/ovh_sms/brand/icon.png and icon@2x.png.

A house in a speech bubble: a home that sends a text. Drawn for this project
(no third-party logo). Needs Pillow: ``python scripts/draw_brand.py``.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

BRAND = Path(__file__).parent.parent / "custom_components" / "ovh_sms" / "brand"
BLUE = (25, 91, 204, 255)
WHITE = (255, 255, 255, 255)
SUPERSAMPLING = 4


def draw(size: int) -> Image.Image:
    """Draw the icon at size x size pixels, antialiased by supersampling."""
    scale = size * SUPERSAMPLING / 256
    image = Image.new("RGBA", (size * SUPERSAMPLING,) * 2, (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)

    def box(*coords: float) -> list[float]:
        return [c * scale for c in coords]

    # The bubble, with its tail at the bottom left.
    pen.rounded_rectangle(box(16, 24, 240, 196), radius=44 * scale, fill=BLUE)
    pen.polygon(box(56, 180, 52, 240, 116, 190), fill=BLUE)
    # The house: roof, walls and a door.
    pen.polygon(box(102, 50, 40, 106, 164, 106), fill=WHITE)
    pen.rectangle(box(58, 100, 146, 164), fill=WHITE)
    pen.rounded_rectangle(box(90, 122, 114, 164), radius=6 * scale, fill=BLUE)
    # Three dots: a message being typed.
    for x in (176, 198, 220):
        pen.ellipse(box(x - 8, 148, x + 8, 164), fill=WHITE)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    """Write both sizes Home Assistant looks for."""
    BRAND.mkdir(exist_ok=True)
    draw(256).save(BRAND / "icon.png", optimize=True)
    draw(512).save(BRAND / "icon@2x.png", optimize=True)


if __name__ == "__main__":
    main()
