"""Make data/samples: the first Fashion-MNIST test image of each class, as a catalogue-style photo.

Each 28x28 image is enlarged 4x and negated back (dark garment on white), so the samples travel the
same road as a user's photo: background removal, trimming, resizing, negation.
Run: python data/make_samples.py [--data DIR]
"""

import argparse
from pathlib import Path

import numpy as np
from PIL import Image

from wardrobe.domain import category_slug
from wardrobe.vision import fmnist


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="folder with the Fashion-MNIST IDX files")
    args = parser.parse_args()
    data = fmnist.load(args.data)
    out = Path(__file__).parent / "samples"
    out.mkdir(exist_ok=True)
    for label in range(10):
        index = int(np.flatnonzero(data["test_labels"] == label)[0])
        image = Image.fromarray(255 - data["test_images"][index]).resize((112, 112), Image.Resampling.LANCZOS)
        image.convert("RGB").save(out / f"{label}-{category_slug(label)}-test{index}.png", optimize=True)
        print(out / f"{label}-{category_slug(label)}-test{index}.png")


if __name__ == "__main__":
    main()
