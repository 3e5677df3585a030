"""Small PNG charts drawn with Pillow: line charts for training history, a heat map for confusion matrices."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

COLOURS = [(31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189)]


def _font(size: int = 14):
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1
        return ImageFont.load_default()


def _nice_step(raw: float) -> float:
    """The smallest of 1, 2, 5 (times a power of ten) at least `raw`: round gridlines a reader can use."""
    power = 10 ** np.floor(np.log10(raw))
    return float(next(m * power for m in (1, 2, 5, 10) if m * power >= raw))


def line_chart(path: Path, series: dict[str, tuple[list[float], list[float]]], title: str, xlabel: str,
               ylabel: str, size=(800, 500)) -> Path:
    """series: name -> (xs, ys). Axes fit the data; a legend names each line."""
    width, height = size
    left, right, top, bottom = 80, 20, 50, 60
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    font, small = _font(16), _font(12)
    xs = [x for xs_, _ in series.values() for x in xs_]
    ys = [y for _, ys_ in series.values() for y in ys_ if y is not None]
    if not xs or not ys:
        draw.text((left, top), "no data", fill="black", font=font)
        image.save(path)
        return path
    x0, x1 = min(xs), max(xs) if max(xs) > min(xs) else min(xs) + 1
    step = _nice_step((max(ys) - min(ys)) / 5 or 0.01)
    y0, y1 = np.floor(min(ys) / step) * step, np.ceil(max(ys) / step) * step
    if y1 - y0 < step:
        y1 = y0 + step

    def point(x, y):
        return (left + (x - x0) / (x1 - x0) * (width - left - right),
                height - bottom - (y - y0) / (y1 - y0) * (height - top - bottom))

    draw.rectangle([left, top, width - right, height - bottom], outline="black")
    decimals = max(0, -int(np.floor(np.log10(step))))
    for tick in np.arange(y0, y1 + step / 2, step):
        _, py = point(x0, tick)
        draw.line([left - 5, py, width - right, py], fill=(225, 225, 225))
        draw.text((8, py - 7), f"{tick:.{decimals}f}", fill="black", font=small)
    x_step = max(1.0, _nice_step((x1 - x0) / 10))
    for tick in sorted({x0, *np.arange(np.ceil(x0 / x_step) * x_step, x1 + x_step / 2, x_step)}):
        px, _ = point(tick, y0)
        draw.line([px, height - bottom, px, height - bottom + 5], fill="black")
        draw.text((px - 8, height - bottom + 8), f"{tick:.0f}", fill="black", font=small)
    for k, (name, (sx, sy)) in enumerate(series.items()):
        colour = COLOURS[k % len(COLOURS)]
        pts = [point(x, y) for x, y in zip(sx, sy) if y is not None]
        if len(pts) > 1:
            draw.line(pts, fill=colour, width=3)
        for px, py in pts:
            draw.ellipse([px - 3, py - 3, px + 3, py + 3], fill=colour)
        draw.rectangle([left + 15, top + 12 + 20 * k, left + 35, top + 24 + 20 * k], fill=colour)
        draw.text((left + 42, top + 10 + 20 * k), name, fill="black", font=small)
    draw.text((left, 15), title, fill="black", font=font)
    draw.text(((width - left) // 2, height - 25), xlabel, fill="black", font=small)
    draw.text((8, top - 22), ylabel, fill="black", font=small)
    image.save(path)
    return path


def confusion_png(path: Path, matrix: np.ndarray, labels: list[str], title: str) -> Path:
    """A row-normalised confusion matrix as a heat map with counts in the cells."""
    n = len(labels)
    cell, left, top = 56, 110, 70
    image = Image.new("RGB", (left + n * cell + 40, top + n * cell + 110), "white")
    draw = ImageDraw.Draw(image)
    font, small = _font(16), _font(11)
    rows = matrix.sum(1, keepdims=True).clip(min=1)
    share = matrix / rows
    for i in range(n):
        for j in range(n):
            # Mistakes are rare next to the diagonal: a tenth of a row already gets the full red.
            strength = share[i, j] if i == j else min(1.0, share[i, j] * 10)
            shade = int(255 - 200 * strength)
            colour = (shade, shade, 255) if i == j else (255, shade, shade)
            x, y = left + j * cell, top + i * cell
            draw.rectangle([x, y, x + cell, y + cell], fill=colour, outline=(200, 200, 200))
            draw.text((x + 8, y + 20), str(int(matrix[i, j])), fill="black", font=small)
        draw.text((5, top + i * cell + 20), labels[i][:14], fill="black", font=small)
        draw.text((left + i * cell + 2, top + n * cell + 8 + 14 * (i % 2)), labels[i], fill="black", font=small)
    draw.text((left, 20), title, fill="black", font=font)
    draw.text((5, top - 18), "true \\ predicted", fill="black", font=small)
    image.save(path)
    return path


def _wrapped(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    """text in lines no wider than `width` pixels, broken between words (a word wider than that is cut)."""
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) <= width or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
        while draw.textlength(line, font=font) > width and len(line) > 1:
            cut = next(k for k in range(len(line), 0, -1) if draw.textlength(line[:k], font=font) <= width)
            lines.append(line[:max(cut, 1)])
            line = line[max(cut, 1):]
    return lines + ([line] if line else [])


def _shortened(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> str:
    """text cut in its middle (…) until it is no wider than `width` pixels."""
    if draw.textlength(text, font=font) <= width:
        return text
    keep = len(text)
    while keep > 3 and draw.textlength(text[: keep // 2] + "…" + text[-(keep - keep // 2 - 1):], font=font) > width:
        keep -= 1
    return text[: keep // 2] + "…" + text[-(keep - keep // 2 - 1):]


def explain_png(path: Path, photo: np.ndarray, mask: np.ndarray, pixels: np.ndarray,
                top: list[tuple[str, float]], title: str, framed: np.ndarray | None = None,
                notes: list[str] = ()) -> Path:
    """What the networks saw: the photo, the garment mask, the paper's 28x28 input, the photo network's framing,
    the decision's top 3 and a few notes (what each network said on its own)."""
    panel, side = 224, 260
    panels = 4 if framed is not None else 3
    width = panels * panel + (panels + 1) * 16 + side
    font, small = _font(16), _font(13)
    measure = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    lines = [line for note in notes for line in _wrapped(measure, note, small, side - 16)]
    height = max(panel + 90, 60 + len(top) * 50 + len(lines) * 18 + 16)
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)

    def fit(picture: Image.Image) -> Image.Image:
        picture = picture.copy()
        picture.thumbnail((panel, panel))
        return picture

    original = fit(Image.fromarray(photo))
    tinted = photo.astype(np.float32).copy()
    tinted[~mask] = tinted[~mask] * 0.25 + np.array([255, 0, 180]) * 0.15
    overlay = fit(Image.fromarray(tinted.clip(0, 255).astype(np.uint8)))
    seen = Image.fromarray(pixels).resize((panel, panel), Image.Resampling.NEAREST).convert("RGB")
    pictures = [(original, "photo"), (overlay, "garment found"), (seen, "ResNet-50 sees (28x28)")]
    if framed is not None:
        pictures.append((fit(Image.fromarray(framed)), "photo network sees (colour)"))
    for k, (picture, caption) in enumerate(pictures):
        x = 16 + k * (panel + 16)
        image.paste(picture, (x, 50))
        draw.text((x, 50 + panel + 8), caption, fill="black", font=small)
    x = 16 + panels * (panel + 16)
    for k, (name, p) in enumerate(top):
        y = 60 + k * 50
        draw.text((x, y), f"{name} {p:.0%}", fill="black", font=small)
        draw.rectangle([x, y + 20, x + 220, y + 34], outline=(180, 180, 180))
        draw.rectangle([x, y + 20, x + int(220 * p), y + 34], fill=COLOURS[0] if k == 0 else (160, 160, 160))
    for k, line in enumerate(lines):
        draw.text((x, 60 + len(top) * 50 + k * 18), line, fill=(90, 90, 90), font=small)
    draw.text((16, 15), _shortened(draw, title, font, width - 32), fill="black", font=font)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path)
    return path
