"""EfficientNet-Lite in pure Keras 3, built from (and loaded with) a lukemelas-layout ImageNet state_dict.

EfficientNet-Lite is EfficientNet without squeeze-excitation, with ReLU6, and with the stem (32) and head
(1280 filters) fixed across sizes. The blocks are read off the state_dict itself (expansion, kernel,
channels); only the stage strides are the architecture's own. Padding is TensorFlow's "same", as in
Google's checkpoints the weights come from. Preprocessing, (x - 127) / 128, is inside the model.
"""

from __future__ import annotations

import re

import numpy as np

from wardrobe.training.backend import import_keras

VARIANTS = {"lite0": 224, "lite1": 240, "lite2": 260}  # input size of each
STAGE_STRIDES = (1, 2, 2, 2, 1, 2, 1)
BN_EPSILON = 1e-3
FEATURES = 1280


def _conv(w: np.ndarray) -> np.ndarray:
    return np.transpose(w, (2, 3, 1, 0))  # torch (out, in, kh, kw) -> keras (kh, kw, in, out)


def _depthwise(w: np.ndarray) -> np.ndarray:
    return np.transpose(w, (2, 3, 0, 1))  # torch (channels, 1, kh, kw) -> keras (kh, kw, channels, 1)


def _bn(state: dict, prefix: str) -> list[np.ndarray]:
    return [state[f"{prefix}.weight"], state[f"{prefix}.bias"], state[f"{prefix}.running_mean"],
            state[f"{prefix}.running_var"]]


def block_specs(state: dict) -> list[dict]:
    """Each MBConv block's expansion, kernel, channels and stride, read off the state_dict."""
    count = 1 + max(int(m.group(1)) for k in state if (m := re.match(r"_blocks\.(\d+)\.", k)))
    specs, stage = [], -1
    for i in range(count):
        p = f"_blocks.{i}."
        depthwise = state[p + "_depthwise_conv.weight"]
        expand = state.get(p + "_expand_conv.weight")
        inputs = expand.shape[1] if expand is not None else depthwise.shape[0]
        outputs = state[p + "_project_conv.weight"].shape[0]
        first = i == 0 or inputs != outputs or specs[-1]["outputs"] != outputs
        stage += first
        if stage >= len(STAGE_STRIDES):
            raise ValueError("more stages than EfficientNet-Lite has")
        specs.append({"expand": expand is not None, "kernel": depthwise.shape[-1], "inputs": inputs,
                      "outputs": outputs, "stride": STAGE_STRIDES[stage] if first else 1, "stage": stage})
    return specs


def build(state: dict, size: int = 224, classifier: bool = True):
    """The Keras model: input (size, size, 3) pixels 0-255; outputs pooled features (and ImageNet logits)."""
    keras = import_keras()
    layers = keras.layers
    weights: list[tuple[str, list[np.ndarray]]] = []

    def conv(x, key, filters, kernel=1, stride=1, name=""):
        weights.append((name, [_conv(state[key])]))
        return layers.Conv2D(filters, kernel, stride, padding="same", use_bias=False, name=name)(x)

    def bn(x, prefix, name, act=True):
        weights.append((name, _bn(state, prefix)))
        x = layers.BatchNormalization(epsilon=BN_EPSILON, name=name)(x)
        return layers.ReLU(6.0, name=name + "_relu6")(x) if act else x

    inputs = keras.Input((size, size, 3), name="photo")
    x = layers.Rescaling(1 / 128, offset=-127 / 128, name="normalise")(inputs)
    stem = state["_conv_stem.weight"]
    x = bn(conv(x, "_conv_stem.weight", stem.shape[0], stem.shape[-1], 2, "stem_conv"), "_bn0", "stem_bn")
    for i, spec in enumerate(block_specs(state)):
        p, n = f"_blocks.{i}.", f"block{i:02d}"
        shortcut = x
        if spec["expand"]:
            filters = state[p + "_expand_conv.weight"].shape[0]
            x = bn(conv(x, p + "_expand_conv.weight", filters, name=n + "_expand"), p + "_bn0", n + "_expand_bn")
        weights.append((n + "_depthwise", [_depthwise(state[p + "_depthwise_conv.weight"])]))
        x = layers.DepthwiseConv2D(spec["kernel"], spec["stride"], padding="same", use_bias=False,
                                   name=n + "_depthwise")(x)
        x = bn(x, p + "_bn1", n + "_depthwise_bn")
        x = conv(x, p + "_project_conv.weight", spec["outputs"], name=n + "_project")
        x = bn(x, p + "_bn2", n + "_project_bn", act=False)
        if spec["stride"] == 1 and spec["inputs"] == spec["outputs"]:
            x = layers.Add(name=n + "_add")([x, shortcut])
    head = state["_conv_head.weight"]
    x = bn(conv(x, "_conv_head.weight", head.shape[0], name="head_conv"), "_bn1", "head_bn")
    features = layers.GlobalAveragePooling2D(name="features")(x)
    outputs = [features]
    if classifier:
        weights.append(("imagenet", [state["_fc.weight"].T, state["_fc.bias"]]))
        outputs.append(layers.Dense(state["_fc.bias"].shape[0], name="imagenet")(features))
    model = keras.Model(inputs, outputs, name="efficientnet_lite")
    for name, values in weights:
        model.get_layer(name).set_weights([np.asarray(v, np.float32) for v in values])
    return model
