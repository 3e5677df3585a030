"""Layer contracts (import-linter) and start-up weight: what each entry point imports."""

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import REPO


def test_import_contracts_are_kept():
    lint = Path(sys.executable).with_name("lint-imports")
    assert lint.exists() or shutil.which("lint-imports"), "import-linter is a test dependency: pip install -e '.[test]'"
    result = subprocess.run([str(lint) if lint.exists() else "lint-imports"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_services_and_store_import_without_tensorflow():
    code = ("import sys, wardrobe.services, wardrobe.store.repository, wardrobe.vision.train, wardrobe.vision.classifier\n"
            "print('tensorflow' in sys.modules, 'keras' in sys.modules, 'textual' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False", "False"]


def test_ruff_is_clean():
    ruff = Path(sys.executable).with_name("ruff")
    assert ruff.exists(), "ruff is a test dependency: pip install -e '.[test]'"
    result = subprocess.run([str(ruff), "check", "wardrobe", "tests", "benchmarks", "data"], cwd=REPO,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
