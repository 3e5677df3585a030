"""Opening user files as images safely: regular files only, allowed formats only, any failure one line."""

from __future__ import annotations

import io
import os
import stat
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PIL import GifImagePlugin, Image, JpegImagePlugin, PngImagePlugin, UnidentifiedImageError, WebPImagePlugin

# What the app opens: JPEG, PNG, WebP and AVIF (where this Pillow reads it: 11.3 and later), plus GIF (first frame);
# a phone's MPO comes through JPEG. Everything else Pillow knows (PostScript via Ghostscript, TIFF, DDS, ...) is
# never handed a user's file.
_PLUGINS = [GifImagePlugin, JpegImagePlugin, PngImagePlugin, WebPImagePlugin]  # registered
try:
    from PIL import AvifImagePlugin

    _PLUGINS.append(AvifImagePlugin)
    AVIF = True
except ImportError:  # an older Pillow
    AVIF = False
ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF") + (("AVIF",) if AVIF else ())
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp") + ((".avif",) if AVIF else ())
EXPECTED = "JPEG, PNG, WebP or AVIF expected" if AVIF else "JPEG, PNG or WebP expected"
# No photo is 20 times longer than it is wide; a 1x59,000,000 PNG is a bomb the pixel limit does not catch
# (padded to a square it would be 59,000,000 pixels a side).
MAX_ASPECT = 20



def quiet_pillow() -> None:
    """Pillow's own warnings (APNG, EXIF, MPO, its bomb warning) are not for users: the app says what matters."""
    warnings.filterwarnings("ignore", module=r"PIL(\..*)?")
    warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)


quiet_pillow()


class UnusableFile(Exception):
    """A file that cannot be used as a photo; str() is a one-line reason."""


def one_line(text: str, limit: int = 160) -> str:
    """A message squeezed onto one line (control characters and newlines become spaces), shortened."""
    flat = " ".join("".join(c if c.isprintable() else " " for c in str(text)).split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def open_regular(path: Path):
    """Open a regular file for reading, refusing devices, FIFOs and sockets without blocking on them."""
    from wardrobe.files import NotRegularFile, open_regular_file

    try:
        return open_regular_file(path)
    except FileNotFoundError as exc:
        raise UnusableFile("no such file") from exc
    except IsADirectoryError as exc:
        raise UnusableFile("is a directory") from exc
    except PermissionError as exc:
        raise UnusableFile("permission denied") from exc
    except NotRegularFile as exc:
        raise UnusableFile("not a regular file (a device, pipe or socket)") from exc
    except OSError as exc:
        raise UnusableFile(one_line(exc.strerror or exc)) from exc


def read_regular(path: Path, max_bytes: int) -> bytes:
    """A regular file's bytes, read once through one descriptor, refused when larger than max_bytes.

    What is read is all the caller ever uses: a file swapped or rewritten meanwhile cannot change it.
    """
    with open_regular(path) as f:
        try:
            size = os.fstat(f.fileno()).st_size
            data = f.read(max_bytes + 1) if size <= max_bytes else b""
        except OSError as exc:
            raise UnusableFile(one_line(exc.strerror or exc)) from exc
    if size > max_bytes or len(data) > max_bytes:
        raise UnusableFile(f"file too large ({max(size, len(data)) / 1e6:.0f} MB; the limit is {max_bytes // 1_000_000} MB)")
    return data


def _sniff(head: bytes) -> str:
    """What a refused file probably is, for the message."""
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftyphevc", b"ftypavif"):
        return "HEIC photos are not supported yet: export it as JPEG (phones do this when sharing)"
    return f"not an image Wardrobe can read ({EXPECTED})"


@contextmanager
def opened_image(source: Path | bytes, max_pixels: int) -> Iterator[Image.Image]:
    """The file (or bytes read from one) identified among ALLOWED_FORMATS, size- and shape-checked, not yet
    decoded; closed on leaving.

    Raises UnusableFile for anything that cannot be used; what happens inside the block is the caller's.
    """
    with (io.BytesIO(source) if isinstance(source, bytes) else open_regular(source)) as f:
        try:
            image = Image.open(f, formats=ALLOWED_FORMATS)
        except UnidentifiedImageError as exc:
            f.seek(0)
            raise UnusableFile(_sniff(f.read(16))) from exc
        except Image.DecompressionBombError as exc:
            raise UnusableFile(too_large(None, max_pixels)) from exc
        except Exception as exc:  # noqa: BLE001  a plugin failing on a crafted header (ValueError, KeyError...)
            raise UnusableFile(decoder_failure(exc)) from exc
        with image:
            width, height = image.size
            if width * height > max_pixels:
                raise UnusableFile(too_large((width, height), max_pixels))
            if width <= 0 or height <= 0:
                raise UnusableFile("corrupt image (no pixels)")
            if max(width, height) > MAX_ASPECT * min(width, height):
                raise UnusableFile(f"image too long and thin ({width}x{height} pixels; a photo may be at most "
                                   f"{MAX_ASPECT} times longer than it is wide)")
            yield image


def too_large(size: tuple[int, int] | None, max_pixels: int) -> str:
    shown = f"{size[0]}x{size[1]} pixels; " if size else ""
    return f"image too large ({shown}the limit is {max_pixels // 1_000_000} megapixels)"


def decoder_failure(exc: BaseException) -> str:
    """One line for any exception a decoder raised on one photo."""
    if isinstance(exc, MemoryError):
        return "image too large to decode in the memory available"
    if isinstance(exc, Image.DecompressionBombError):
        return "image too large"
    detail = one_line(str(exc), 80)
    return f"corrupt or truncated image ({detail})" if detail else f"corrupt or truncated image ({type(exc).__name__})"


def scan_folder(folder: Path, skipped: list[tuple[Path, str]],
                suffixes: tuple[str, ...] = PHOTO_SUFFIXES) -> list[Path]:
    """Regular files with a photo suffix under folder (recursively, sorted, symlinked folders not followed).

    Everything passed over is appended to `skipped` with its reason.
    """
    found: list[Path] = []

    def unreadable(error: OSError) -> None:
        reason = "permission denied" if isinstance(error, PermissionError) else one_line(error.strerror or error)
        skipped.append((Path(error.filename or folder), f"folder cannot be read ({reason})"))

    for root, dirs, files in os.walk(folder, onerror=unreadable):
        dirs.sort()
        for name in sorted(files):
            path = Path(root) / name
            if path.suffix.lower() not in suffixes:
                skipped.append((path, "not a photo"))
                continue
            try:
                regular = stat.S_ISREG(path.stat().st_mode)
            except OSError:
                regular = False
            if regular:
                found.append(path)
            else:
                skipped.append((path, "not a regular file"))
    return sorted(found)
