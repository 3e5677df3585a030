"""`train --devices N`: data-parallel on the CPU split in two matches one device's doubled batch, and resumes."""

import json
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
from wardrobe.training.backend import import_keras
from wardrobe.training.resnet import build_resnet50
from wardrobe.training.train import TrainConfig, train
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
# Stopped after epoch 1 of 2 (as a crash would leave it), the two-device run resumes on one device.
config = json.loads((out / "run2" / "config.json").read_text())
(out / "run2" / "config.json").write_text(json.dumps({**config, "epochs": 2}))
train(TrainConfig(batch_size=16, **tiny), out / "run2", data_dir=data, verbose=0, devices=1)
print(json.dumps({
    "differ": max(float(np.max(np.abs(a - b))) for a, b in zip(weights[1], weights[2])),
    "moved": max(float(np.max(np.abs(a - b))) for a, b in zip(weights[1], start)),
    "replicas": config["replicas"],
    "resumed": json.loads((out / "run2" / "config.json").read_text()),
    "epochs": (out / "run2" / "history.csv").read_text().count("\\n") - 1,
}))
"""


def test_two_devices_take_the_same_step_as_one_with_the_doubled_batch(processes, keras, tiny_fmnist, tmp_path):
    done = processes.run([sys.executable, "-c", ONE_STEP, str(tiny_fmnist), str(tmp_path)], capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["replicas"] == 2
    assert found["moved"] > 1e-3  # the step changed the weights...
    assert found["differ"] < 1e-4, found  # ...the same way on two devices as on one
    assert found["epochs"] == 2 and found["resumed"]["replicas"] == 2  # resumed on one device, same global batch


def test_devices_must_be_a_positive_number(tmp_path):
    assert run_cli("train", "--devices", "0", "--runs-dir", str(tmp_path)).returncode == 2
