"""`train --devices N`: data-parallel over the CPU split into two logical devices matches one device's doubled batch."""

import json
import subprocess
import sys

from conftest import run_cli

# TensorFlow splits the CPU only before it first uses it: so in a fresh interpreter.
ONE_STEP = """
import json, sys
from pathlib import Path
import numpy as np
import tensorflow as tf
tf.config.set_logical_device_configuration(tf.config.list_physical_devices("CPU")[0],
                                          [tf.config.LogicalDeviceConfiguration()] * 2)
from wardrobe.vision.backend import import_keras
from wardrobe.vision.resnet import build_resnet50
from wardrobe.vision.train import TrainConfig, train
keras = import_keras()
data, out = sys.argv[1], Path(sys.argv[2])
tiny = dict(blocks=(1, 1, 1, 1), width=4, val_per_class=5, learning_rate=0.05, limit=32, epochs=1)
weights = {}
for devices, batch in ((1, 32), (2, 16)):  # one step each: 32 images, as one batch or as 16 on each device
    keras.utils.set_random_seed(0)
    train(TrainConfig(batch_size=batch, **tiny), out / f"run{devices}", data_dir=data, verbose=0, devices=devices)
    weights[devices] = keras.models.load_model(out / f"run{devices}" / "checkpoint.keras").get_weights()
keras.utils.set_random_seed(0)
start = build_resnet50(blocks=(1, 1, 1, 1), base_filters=4).get_weights()
print(json.dumps({
    "differ": max(float(np.max(np.abs(a - b))) for a, b in zip(weights[1], weights[2])),
    "moved": max(float(np.max(np.abs(a - b))) for a, b in zip(weights[1], start)),
    "replicas": json.loads((out / "run2" / "config.json").read_text())["replicas"],
}))
"""


def test_two_devices_take_the_same_step_as_one_with_the_doubled_batch(tiny_fmnist, tmp_path):
    done = subprocess.run([sys.executable, "-c", ONE_STEP, str(tiny_fmnist), str(tmp_path)], capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["replicas"] == 2
    assert found["moved"] > 1e-3  # the step changed the weights...
    assert found["differ"] < 1e-4, found  # ...the same way on two devices as on one


def test_train_command_splits_the_cpu_and_resumes_on_one_device(tiny_fmnist, tmp_path):
    run = tmp_path / "runs" / "split"
    common = ["--limit", "64", "--batch-size", "16", "--arch", "lite", "--data", str(tiny_fmnist),
              "--runs-dir", str(tmp_path / "runs"), "--run", "split", "--out", str(tmp_path / "model")]
    first = run_cli("train", "--devices", "2", "--epochs", "1", *common, timeout=300, env={"CUDA_VISIBLE_DEVICES": ""})
    assert first.returncode == 0, first.stderr
    assert "2 replicas, 32 images a step" in first.stderr and "published" in first.stdout
    config = json.loads((run / "config.json").read_text())
    assert config["replicas"] == 2 and config["batch_size"] == 16
    # Stopped after epoch 1 of 2 (as a crash would leave it): resumed on one device, with the same global batch.
    (run / "config.json").write_text(json.dumps({**config, "epochs": 2}))
    again = run_cli("train", "--devices", "1", "--epochs", "2", *common, timeout=300, env={"CUDA_VISIBLE_DEVICES": ""})
    assert again.returncode == 0, again.stderr
    assert "resumed run split after epoch 1/2" in again.stderr
    assert [line.split(",")[0] for line in (run / "history.csv").read_text().splitlines()[1:]] == ["1", "2"]
    assert json.loads((run / "config.json").read_text())["replicas"] == 2
    assert run_cli("train", "--devices", "0", *common).returncode == 2
