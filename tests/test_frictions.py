"""What a newcomer tripped over (issue 24): the right hint for the right model, doctor on both networks."""

from __future__ import annotations

import json
import shutil

from conftest import garment_photo, run_cli


def test_an_empty_photo_model_folder_names_the_photo_model_and_how_to_make_one(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_cli("--photo-model", str(empty), "add", str(garment_photo(tmp_path / "shirt.png")))
    assert result.returncode == 4
    assert "--photo-model" in result.stderr and "wardrobe photo-network" in result.stderr
    assert "point --model" not in result.stderr


def test_doctor_checks_and_loads_both_networks(use_tiny_model, tmp_path):
    healthy = run_cli("doctor", "--json")
    assert healthy.returncode == 0, healthy.stdout
    checks = {f["check"]: f["ok"] for f in json.loads(healthy.stdout)}
    assert checks["model"] and checks["photo model"] and checks["networks"]
    empty = tmp_path / "empty"
    empty.mkdir()
    broken = run_cli("--photo-model", str(empty), "doctor")
    assert broken.returncode == 8 and "PROBLEM   photo model" in broken.stdout and "--photo-model" in broken.stdout


def test_doctor_accepts_a_model_whose_training_weights_are_not_installed(use_tiny_model, tmp_path):
    model = tmp_path / "model"
    shutil.copytree(use_tiny_model, model)
    for weights in model.glob("*-weights-*.npz"):
        weights.unlink()  # as a wheel installs it
    result = run_cli("--model", str(model), "doctor")
    assert result.returncode == 0 and "training weights are not installed" in result.stdout, result.stdout
