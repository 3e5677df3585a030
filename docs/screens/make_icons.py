"""Draw the web app's icons (wardrobe/web/static/icon-192.png and icon-512.png): a coat hanger on the theme colour."""

from pathlib import Path

from PIL import Image, ImageDraw

STATIC = Path(__file__).resolve().parents[2] / "wardrobe" / "web" / "static"


def icon(size: int) -> Image.Image:
    scale = 4  # drawn large, then reduced: smooth edges
    n = size * scale
    image = Image.new("RGB", (n, n), (36, 48, 58))
    draw = ImageDraw.Draw(image)
    line = max(2, n // 22)
    cx = n // 2
    hook_top, shoulder = int(n * 0.22), int(n * 0.42)
    draw.arc([cx - n * 0.07, hook_top, cx + n * 0.07, hook_top + n * 0.14], 180, 90, fill=(244, 241, 236), width=line)
    draw.line([(cx, hook_top + n * 0.14), (cx, shoulder)], fill=(244, 241, 236), width=line)
    left, right, bottom = int(n * 0.16), int(n * 0.84), int(n * 0.66)
    draw.line([(cx, shoulder), (left, bottom), (right, bottom), (cx, shoulder)], fill=(244, 241, 236), width=line,
              joint="curve")
    draw.rectangle([left + n * 0.08, bottom + n * 0.05, right - n * 0.08, bottom + n * 0.12], fill=(214, 140, 69))
    return image.resize((size, size), Image.LANCZOS)


if __name__ == "__main__":
    for size in (192, 512):
        icon(size).save(STATIC / f"icon-{size}.png", optimize=True)
