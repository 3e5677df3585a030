"""Opening whatever users throw at us, and converting it into the Fashion-MNIST domain."""

import struct
import zlib

import numpy as np
import pytest
from conftest import garment_photo
from PIL import Image

from wardrobe.vision.photo import PhotoError, find_photos, open_photo, to_fmnist


def test_plain_photo_converts_to_28x28_bright_garment_on_black(tmp_path):
    converted = to_fmnist(open_photo(garment_photo(tmp_path / "a.jpg")))
    px = converted.pixels
    assert px.shape == (28, 28) and px.dtype == np.uint8
    assert px[-1, 0] == 0 and px[-1, -1] == 0  # the background beside the body is black
    assert px[10:18, 10:18].mean() > 100  # the garment is bright
    assert converted.mask.mean() < 0.6  # the background was found


def test_garment_is_centred_and_fills_the_long_edge(tmp_path):
    px = to_fmnist(open_photo(garment_photo(tmp_path / "a.png"))).pixels
    rows, cols = np.flatnonzero(px.max(1)), np.flatnonzero(px.max(0))
    assert max(rows[-1] - rows[0], cols[-1] - cols[0]) >= 25
    assert abs((rows[0] + rows[-1]) / 2 - 13.5) <= 1.5 and abs((cols[0] + cols[-1]) / 2 - 13.5) <= 1.5


def test_corrupt_jpeg(tmp_path):
    path = tmp_path / "broken.jpg"
    data = garment_photo(tmp_path / "ok.jpg").read_bytes()
    path.write_bytes(data[:200] + b"\x00" * 50 + data[250:600])
    with pytest.raises(PhotoError, match="corrupt or truncated"):
        open_photo(path)


def test_truncated_jpeg(tmp_path):
    path = tmp_path / "cut.jpg"
    path.write_bytes(garment_photo(tmp_path / "ok.jpg").read_bytes()[:-2000])
    with pytest.raises(PhotoError, match="corrupt or truncated"):
        open_photo(path)


def test_text_file_named_jpg(tmp_path):
    path = tmp_path / "notes.jpg"
    path.write_text("shopping list: socks\n")
    with pytest.raises(PhotoError, match="not an image"):
        open_photo(path)


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny valid PNG whose header claims a huge size: the decompression bomb's signature."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 100)) + chunk(b"IEND", b"")


def test_decompression_bomb_is_refused_before_decoding(tmp_path):
    path = tmp_path / "bomb.png"
    path.write_bytes(_png_claiming(30000, 30000))
    with pytest.raises(PhotoError, match="too large"):
        open_photo(path)


def test_cmyk_jpeg(tmp_path):
    path = tmp_path / "cmyk.jpg"
    Image.open(garment_photo(tmp_path / "rgb.png")).convert("CMYK").save(path)
    image = open_photo(path)
    assert image.mode == "RGB"
    assert to_fmnist(image).pixels.max() > 100


def test_16_bit_png(tmp_path):
    path = tmp_path / "deep.png"
    gray = np.array(Image.open(garment_photo(tmp_path / "rgb.png")).convert("L"), dtype=np.uint16) * 257
    Image.fromarray(gray).save(path)
    assert Image.open(path).mode.startswith("I")
    image = open_photo(path)
    assert image.mode == "RGB" and 200 < np.asarray(image)[0, 0, 0] <= 255  # not clipped to white or black


def test_palette_png_with_transparency_gets_a_white_background(tmp_path):
    path = tmp_path / "palette.png"
    rgba = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    rgba.paste((200, 20, 20, 255), (50, 50, 150, 150))
    rgba.convert("P").save(path, transparency=0)
    assert Image.open(path).mode == "P"
    image = open_photo(path)
    assert image.getpixel((5, 5)) == (255, 255, 255)
    assert to_fmnist(image).mask.mean() < 0.5


def test_animated_gif_uses_the_first_frame(tmp_path):
    path = tmp_path / "anim.gif"
    frames = [Image.new("RGB", (120, 120), c) for c in ((250, 250, 250), (0, 0, 0), (255, 0, 0))]
    frames[0].paste((10, 10, 10), (30, 30, 90, 90))
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100, loop=0)
    image = open_photo(path)
    assert image.getpixel((5, 5))[0] > 240  # the first frame's white, not a later frame's black


def test_exif_orientation_is_applied(tmp_path):
    path = tmp_path / "sideways.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    garment_photo(tmp_path / "plain.png", size=(400, 300))
    Image.open(tmp_path / "plain.png").save(path, exif=exif.tobytes())
    assert Image.open(path).size == (400, 300)
    assert open_photo(path).size == (300, 400)


def test_missing_file(tmp_path):
    with pytest.raises(PhotoError, match="no such file"):
        open_photo(tmp_path / "nope.jpg")


def test_find_photos_recurses_case_insensitively_and_reports_bad_inputs(tmp_path):
    (tmp_path / "closet" / "shoes").mkdir(parents=True)
    (tmp_path / "empty").mkdir()
    for name in ("closet/a.JPG", "closet/shoes/b.webp", "closet/c.png", "closet/d.jpeg"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "closet" / "notes.txt").write_text("x")
    entries = find_photos([tmp_path / "closet", tmp_path / "missing.jpg", tmp_path / "empty"])
    names = [(p.name, problem) for p, problem in entries]
    assert names[:4] == [("a.JPG", None), ("c.png", None), ("d.jpeg", None), ("b.webp", None)]
    assert names[4] == ("missing.jpg", "no such file or folder")
    assert names[5][0] == "empty" and "no photos" in names[5][1]


def test_a_jpeg_is_decoded_at_the_smallest_scale_that_keeps_the_longest_edge(tmp_path):
    from wardrobe.vision.photo import draft_scale

    assert draft_scale((400, 533), 256) == 2 and draft_scale((4000, 3000), 256) == 8
    assert draft_scale((511, 300), 256) == 1 and draft_scale((512, 300), 256) == 2 and draft_scale((300, 200), 256) == 1
    garment_photo(tmp_path / "phone.jpg", size=(4000, 3000))
    assert open_photo(tmp_path / "phone.jpg", longest=256).size == (500, 375)
    assert open_photo(tmp_path / "phone.jpg", longest=600).size == (1000, 750)
    assert open_photo(tmp_path / "phone.jpg", longest=None).size == (4000, 3000)
    garment_photo(tmp_path / "phone.png", size=(1200, 900))
    assert open_photo(tmp_path / "phone.png", longest=256).size == (1200, 900)  # only JPEGs have reduced scales


def test_a_rotated_jpeg_keeps_its_longest_edge_when_decoded_small(tmp_path):
    path = tmp_path / "sideways.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6
    garment_photo(tmp_path / "plain.png", size=(2000, 1500))
    Image.open(tmp_path / "plain.png").save(path, exif=exif.tobytes())
    assert open_photo(path, longest=256).size == (375, 500)


def test_the_views_come_from_one_decoding_and_one_resize(tmp_path):
    """read_views decodes a 12-megapixel JPEG at 1/8 (still more than the thumbnail's 256 pixels), frames it as
    read_framed does (what train-head and re-reading old items see), and converts it."""
    from wardrobe.store.library import THUMBNAIL_SIZE
    from wardrobe.vision.photo import DECODED_EDGE
    from wardrobe.vision.views import read_framed, read_views

    assert DECODED_EDGE >= THUMBNAIL_SIZE
    path = garment_photo(tmp_path / "phone.jpg", size=(4000, 3000))
    views = read_views(path, 224)
    assert views.image.size == (500, 375) and views.framed.shape == (224, 224, 3)
    assert np.array_equal(views.framed, read_framed(path, 224))
    assert views.converted.work.shape == (120, 160, 3) and views.converted.pixels.max() > 100
    small = garment_photo(tmp_path / "small.png", size=(60, 80))  # never enlarged for the conversion
    assert read_views(small, 224).converted.work.shape == (80, 60, 3)


def test_colour_names_are_those_of_the_redmean_distance():
    """dominant_colours computes one channel at a time: the same numbers as the distance over all three at once."""
    from wardrobe.domain import PALETTE
    from wardrobe.vision.colours import dominant_colours

    rng = np.random.default_rng(3)
    palette = np.array(list(PALETTE.values()), dtype=np.float32)
    for _ in range(20):
        rgb = rng.integers(0, 256, (60, 50, 3)).astype(np.uint8)
        rgb[: rng.integers(0, 60)] = rng.integers(0, 256, 3)  # a large patch of one colour
        mask = rng.random((60, 50)) < 0.7
        pixels = rgb[mask].astype(np.float32)
        rbar = (pixels[:, None, 0] + palette[None, :, 0]) / 2
        d = pixels[:, None, :] - palette[None, :, :]
        distance = (2 + rbar / 256) * d[..., 0] ** 2 + 4 * d[..., 1] ** 2 + (2 + (255 - rbar) / 256) * d[..., 2] ** 2
        counts = np.bincount(distance.argmin(1), minlength=len(palette)) / len(pixels)
        order = np.argsort(-counts)
        expected = [list(PALETTE)[i] for i in order[:3] if counts[i] >= 0.15] or [list(PALETTE)[order[0]]]
        assert dominant_colours(rgb, mask) == expected


def test_the_closeup_is_cut_from_the_photo_at_full_scale_where_the_views_copy_is_halved(tmp_path):
    """Fine stripes on a 400x533 phone photo (decoded at half scale for the views) survive in the close-up; a
    12-megapixel photo's 1/8 copy already has the pixels, and a PNG is decoded whole, so neither is decoded again
    (bytes that cannot be decoded stand in for the photo and are never opened)."""
    from wardrobe.vision.attributes import closeup
    from wardrobe.vision.views import DETAIL_EDGE, read_closeup, read_views

    pixels = np.full((533, 400, 3), 120, np.uint8)
    rows = np.arange(100, 430)
    pixels[rows, 80:320] = np.where((rows % 2 == 0)[:, None, None], 20, 235)  # every other row dark
    path = tmp_path / "striped.jpg"
    Image.fromarray(pixels).save(path, quality=95)
    views = read_views(path, 224)
    assert max(views.image.size) < DETAIL_EDGE
    sharp, soft = read_closeup(path, views, 224), closeup(views.image, views.converted.mask, 224)
    assert sharp.shape == soft.shape == (224, 224, 3)
    contrast = [float(np.std(c.mean(axis=(1, 2)))) for c in (sharp, soft)]
    assert contrast[0] > 40 and contrast[0] > 10 * contrast[1], contrast

    with pytest.raises(PhotoError):
        read_closeup(b"not a photo", views, 224)  # this one is decoded again
    for name, size in (("phone.jpg", (4000, 3000)), ("small.png", (300, 400))):
        views = read_views(garment_photo(tmp_path / name, size=size), 224)
        assert views.reduced == name.endswith(".jpg")
        assert np.array_equal(read_closeup(b"not a photo", views, 224), closeup(views.image, views.converted.mask, 224))
