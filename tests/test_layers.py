"""Layer contracts (import-linter) and start-up weight: what each entry point imports."""

import shutil
import sys
from pathlib import Path

from conftest import REPO


def test_import_contracts_are_kept(processes):
    lint = Path(sys.executable).with_name("lint-imports")
    assert lint.exists() or shutil.which("lint-imports"), "import-linter is a test dependency: pip install -e '.[test]'"
    result = processes.run([str(lint) if lint.exists() else "lint-imports"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_services_and_store_import_without_tensorflow(processes):
    code = ("import sys, wardrobe.services, wardrobe.store.repository, wardrobe.training.train, wardrobe.vision.classifier\n"
            "print('tensorflow' in sys.modules, 'keras' in sys.modules, 'textual' in sys.modules)")
    out = processes.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False", "False"]


def test_ruff_is_clean(processes):
    ruff = Path(sys.executable).with_name("ruff")
    assert ruff.exists(), "ruff is a test dependency: pip install -e '.[test]'"
    result = processes.run([str(ruff), "check", "wardrobe", "tests", "benchmarks", "data"], cwd=REPO,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_suggesting_and_rating_import_neither_scikit_learn_nor_scipy(processes):
    # A rating used to import scikit-learn (about a second) for one SGD step.
    code = ("import sys, numpy as np, wardrobe.cli\n"
            "from wardrobe.outfits.preference import PreferenceModel\n"
            "from wardrobe.services.stylist import Stylist\n"
            "model = PreferenceModel()\n"
            "model.learn(np.ones((1, len(model.names))), np.array([1]), replay=(np.ones((3, len(model.names))), [0, 1, 0]))\n"
            "model.fit(np.ones((4, len(model.names))), np.array([0, 1, 0, 1]))\n"
            "print(model.coef.any(), 'sklearn' in sys.modules, 'scipy' in sys.modules)")
    out = processes.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["True", "False", "False"]
