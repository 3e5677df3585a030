"""Build hook: ship the repository's top-level model/ and data/ inside the package, as wardrobe/_shipped/.

They stay where they live (model/ and data/ at the top of the repository); the build maps them into the
wheel, so a `pip install .` or a wheel carries the model, the sample photos and photo-folders.json.
A clone (`pip install -e .`) reads them from the repository directly (wardrobe.config.shipped).
"""

from setuptools import find_namespace_packages, setup

SHIPPED = {
    "wardrobe._shipped.model": "model",
    "wardrobe._shipped.model.lite": "model/lite",
    "wardrobe._shipped.model.photo": "model/photo",
    "wardrobe._shipped.data": "data",
    "wardrobe._shipped.data.samples": "data/samples",
}

SHIPPED_FILES = ["*.json", "*.md", "*.csv", "*.npz", "*.tflite", "*.png"]

setup(
    # The web app's templates and static files are data folders inside the package (found as namespace packages).
    packages=find_namespace_packages(include=["wardrobe", "wardrobe.*"], exclude=["wardrobe._shipped*"]) + list(SHIPPED),
    package_dir=SHIPPED,
    package_data={"wardrobe": ["**/*.tcss"], "wardrobe.web.templates": ["*.html"], "wardrobe.web.static": ["*"],
                  **{name: SHIPPED_FILES for name in SHIPPED}},
    # The float32 training weights (47 MB of the ResNet-50) stay out of the wheel: the app runs the LiteRT files;
    # only `evaluate --engine keras` and fine-tuning from them read the weights (docs/networks.md: how to fetch them).
    exclude_package_data={"wardrobe._shipped.data": ["*.py"], "wardrobe._shipped.model": ["*-weights-*.npz"],
                          "wardrobe._shipped.model.lite": ["*-weights-*.npz"]},
)
