"""The photo network: the weights' reader refuses anything but tensors, the Keras port matches, LiteRT matches Keras."""

import os
import pickle

import numpy as np
import pytest
from PIL import Image
from torchfile import tiny_efficientnet_state, write_state_dict

from wardrobe.training.torch_weights import UnsafeWeights, load_state_dict
from wardrobe.vision.photonet import CLOSET_CLASSES, FOOTWEAR, fmnist_as_photo, frame_photo, group_logits


class Planted:
    """What an attacker puts in a weights file: unpickling it would run a shell command."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_state_dict_is_read_without_torch_and_exactly(tmp_path):
    state = tiny_efficientnet_state()
    state["transposed"] = np.arange(12, dtype=np.float32).reshape(3, 4).T  # a non-contiguous tensor's strides
    read = load_state_dict(write_state_dict(tmp_path / "w.pth", state))
    assert set(read) == set(state)
    for name, value in state.items():
        assert read[name].dtype == value.dtype and np.array_equal(read[name], value), name


def test_a_planted_global_is_refused_and_never_runs(tmp_path):
    marker = tmp_path / "ran"
    path = write_state_dict(tmp_path / "evil.pth", {"w": np.ones(3, np.float32)}, extra=Planted(marker))
    with pytest.raises(UnsafeWeights, match="posix.system|os.system"):
        load_state_dict(path)
    assert not marker.exists()


def test_other_files_are_refused_with_one_clear_error(tmp_path):
    (tmp_path / "text.pth").write_text("not weights")
    (tmp_path / "pickle.pth").write_bytes(pickle.dumps({"a": 1}))
    good = write_state_dict(tmp_path / "good.pth", {"w": np.ones(1000, np.float32)})
    (tmp_path / "short.pth").write_bytes(good.read_bytes()[:-100])
    for name in ("text.pth", "pickle.pth", "short.pth"):
        with pytest.raises(UnsafeWeights):
            load_state_dict(tmp_path / name)


def test_keras_port_and_litert_file_agree(tiny_weights, tiny_photo_model):
    import json

    from wardrobe.training import efficientnet
    from wardrobe.vision.photonet import PhotoNetwork

    state = load_state_dict(tiny_weights)
    assert [s["stride"] for s in efficientnet.block_specs(state)] == list(efficientnet.STAGE_STRIDES)
    card = json.loads((tiny_photo_model / "card.json").read_text())
    assert card["source"]["licence"].startswith("Apache-2.0") and card["framing_version"]
    assert max(card["artifacts"]["litert"]["max_abs_difference_from_keras"].values()) < 1e-3
    net = PhotoNetwork(tiny_photo_model / card["artifacts"]["litert"]["file"])
    x = np.random.default_rng(1).integers(0, 256, (3, net.size, net.size, 3)).astype(np.uint8)
    features, logits = net.read(x)
    model = efficientnet.build(state, net.size)
    keras_features, keras_logits = model.predict(x.astype(np.float32), verbose=0)
    assert np.allclose(features, keras_features, atol=1e-3)
    assert np.allclose(logits, keras_logits[:, list(CLOSET_CLASSES)], atol=1e-3)
    one, _ = net.read(x[:1])  # a lone photo runs at batch 1, with the same answer
    assert np.allclose(one, features[:1], atol=1e-5)


def test_framing_pads_to_a_square_with_the_border_colour():
    image = Image.new("RGB", (100, 200), (10, 200, 30))
    image.paste((250, 0, 0), (40, 90, 60, 110))
    framed = frame_photo(image, 64)
    assert framed.shape == (64, 64, 3)
    assert tuple(framed[32, 2]) == (10, 200, 30)  # the padding continues the photo's own border
    assert framed[32, 32, 0] > 200  # the garment stays whole and centred
    catalogue = fmnist_as_photo(np.zeros((2, 28, 28), np.uint8), 64)
    assert catalogue.shape == (2, 64, 64, 3) and catalogue.min() == 255  # black Fashion-MNIST background -> white


def test_footwear_groups_take_the_strongest_member():
    logits = np.zeros((1, len(CLOSET_CLASSES)))
    logits[0, CLOSET_CLASSES.index(630)] = 4.0  # loafer counts for Sneaker
    assert list(FOOTWEAR)[int(group_logits(logits, FOOTWEAR).argmax())] == 7


def test_fine_tuning_moves_the_top_stages_only(tiny_weights):
    """The stages below stay ImageNet's; the top's weights learn; BatchNorm keeps its statistics."""
    from wardrobe.training import photonet_finetune as tuning
    from wardrobe.training.photonet_export import closet_model

    state = load_state_dict(tiny_weights)
    model = closet_model(state, 32)
    lower, top = tuning.split(model, state, top_stages=2)
    top_names = {layer.name for layer in top.layers}
    before = {layer.name: [w.copy() for w in layer.get_weights()] for layer in model.layers}
    rng = np.random.default_rng(0)
    photos = rng.integers(0, 256, (40, 32, 32, 3)).astype(np.uint8)
    seen = tuning.run_lower(lower, photos)
    mirrored = tuning.run_lower(lower, photos[:, :, ::-1]).activations
    labels = np.arange(40) % 3
    nothing_held = np.zeros(40, bool)  # then the last epoch is kept
    report = tuning.train_top(top, seen.activations, mirrored, labels, np.ones(40), nothing_held, 13, epochs=2)
    assert [h["epoch"] for h in report["history"]] == [0, 1, 2] and report["best_epoch"] == 2
    assert report["trained_photos"] == 40 and report["held_photos"] == 0
    moved = {layer.name for layer in model.layers
             if any(not np.array_equal(a, b) for a, b in zip(before[layer.name], layer.get_weights()))}
    assert "head_conv" in moved and moved <= top_names  # nothing below the top changed
    assert not any("_bn" in name for name in moved)  # BatchNorm statistics and scales stay
    held = np.arange(40) % 5 == 0
    report = tuning.train_top(top, seen.activations, mirrored, labels, np.ones(40), held, 13, epochs=2)
    best = max(report["history"], key=lambda h: h["held_accuracy"])  # the first of the best, as kept
    assert report["held_photos"] == 8 and report["best_epoch"] == best["epoch"]


def test_photo_network_fine_tune_command_publishes_a_tuned_network(tiny_weights, tiny_fmnist, tmp_path):
    import json

    from conftest import garment_photo, run_cli

    for name, colour in (("t-shirt", (200, 30, 40)), ("pants", (30, 160, 40))):
        (tmp_path / "photos" / name).mkdir(parents=True)
        for i in range(6):
            garment_photo(tmp_path / "photos" / name / f"{name}{i}.png", colour=colour, size=(120 + 8 * i, 150))
    out = tmp_path / "tuned"
    result = run_cli("photo-network", "--weights", str(tiny_weights), "--precision", "int8", "--out", str(out),
                     "--fine-tune", str(tmp_path / "photos"), "--epochs", "1", "--top-stages", "1",
                     "--data", str(tiny_fmnist), timeout=300)
    assert result.returncode == 0, result.stderr
    assert "fine-tuned on 12 photos" in result.stdout and "train-head" in result.stdout
    card = json.loads((out / "card.json").read_text())
    assert card["name"].endswith("-closet") and card["fine_tuned"]["top_stages"] == 1
    assert card["fine_tuned"]["photos"] == 12 and card["fine_tuned"]["fmnist_images"] == 240  # its training split only
    assert (out / card["artifacts"]["litert"]["file"]).is_file()
    assert card["artifacts"]["litert"]["calibrated_on_photos"] == 12  # int8: calibrated on the photos it learnt from
    missing = run_cli("photo-network", "--weights", str(tiny_weights), "--out", str(out), "--fine-tune",
                      str(tmp_path / "nowhere"))
    assert missing.returncode != 0 and "no such folder" in missing.stderr and "Traceback" not in missing.stderr


def test_int8_network_is_calibrated_on_photos_and_reads_like_keras(tiny_weights, tmp_path):
    import json

    from conftest import garment_photo, run_cli

    from wardrobe.training import efficientnet
    from wardrobe.vision.photonet import PhotoNetwork

    photos = tmp_path / "photos"
    photos.mkdir()
    for i, colour in enumerate([(200, 30, 40), (30, 160, 40), (20, 20, 20), (240, 240, 230), (90, 60, 200)] * 2):
        garment_photo(photos / f"p{i}.png", colour=colour, size=(110 + 9 * i, 150))
    out = tmp_path / "int8"
    base = ("photo-network", "--weights", str(tiny_weights), "--out", str(out))
    result = run_cli(*base, "--precision", "int8", "--calibrate", str(photos), timeout=300)
    assert result.returncode == 0, result.stderr
    card = json.loads((out / "card.json").read_text())
    entry = card["artifacts"]["litert"]
    assert entry["format"].startswith("LiteRT flatbuffer, int8 weights and activations")
    assert entry["calibrated_on_photos"] == 10
    # Read like the float network on photos of the calibrated kind: int8 steps, not another answer.
    net = PhotoNetwork(out / entry["file"])
    x = np.stack([frame_photo(Image.open(photos / f"p{i}.png"), net.size) for i in range(10)])
    features, _ = net.read(x)
    keras_features, _ = efficientnet.build(load_state_dict(tiny_weights), net.size).predict(x.astype(np.float32), verbose=0)
    assert np.corrcoef(features.ravel(), keras_features.ravel())[0, 1] > 0.98
    for argv, words in ((("--precision", "int8"), "calibrate on"), (("--calibrate", str(photos)), "int8 only")):
        refused = run_cli(*base, *argv)
        assert refused.returncode == 2 and words in refused.stderr and "Traceback" not in refused.stderr


def test_framing_resizes_the_photo_then_pads_it():
    image = Image.new("RGB", (300, 100), (200, 200, 200))
    image.paste((0, 0, 0), (0, 0, 300, 100))
    framed = frame_photo(image, 30)
    assert framed.shape == (30, 30, 3)
    assert framed[10:20].max() == 0  # the photo, resized to 30x10, in the middle
    assert framed[:10].min() == 0 and framed[:10].max() == 0  # padded with its own border colour (black)
    same = Image.new("RGB", (30, 30), (9, 9, 9))
    assert np.array_equal(frame_photo(same, 30), np.asarray(same))  # already the size: nothing resampled


def test_each_worker_thread_borrows_its_own_one_thread_photo_network(use_tiny_model, tiny_model, tiny_photo_model):
    import threading

    from wardrobe.vision.classifier import Classifier

    classifier = Classifier(tiny_model, tiny_photo_model, need_head=False, threads=1)
    classifier.lend_photo_networks(2)
    x = np.random.default_rng(2).integers(0, 256, (1, classifier.photo_size, classifier.photo_size, 3)).astype(np.uint8)
    expected, _ = classifier.photo_outputs(x)
    inside, lent, same = threading.Barrier(2), [], []

    def work():
        with classifier.photo_network() as network:
            lent.append(network)
            inside.wait(timeout=30)  # both hold one at once: two copies
            same.append(np.allclose(network.read(x)[0], expected, atol=1e-5))

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(n) for n in lent}) == 2 and same == [True, True]
    with classifier.photo_network() as again:  # given back: reused, not made anew
        assert any(again is n for n in lent)


def test_native_stderr_is_given_back_whatever_order_threads_leave_in():
    """Two threads quiet the native stderr at once and leave in the order they came: file descriptor 2 is the real
    one afterwards (each saving and restoring it for itself left /dev/null there for good, and `add` lost its
    summary line)."""
    import threading

    from wardrobe.vision.native import quiet_native_stderr

    before = os.fstat(2)
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    quiet_meanwhile = []

    def first():
        with quiet_native_stderr():
            first_in.set()
            second_in.wait(10)
        first_out.set()

    def second():
        first_in.wait(10)
        with quiet_native_stderr():
            second_in.set()
            first_out.wait(10)
            quiet_meanwhile.append(os.fstat(2).st_ino != before.st_ino)  # the other thread left, this one did not

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    after = os.fstat(2)
    assert (after.st_dev, after.st_ino) == (before.st_dev, before.st_ino) and quiet_meanwhile == [True]
