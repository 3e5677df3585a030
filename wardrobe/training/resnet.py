"""The paper's ResNet-50 for 28x28 grayscale images, in pure Keras 3 (any backend)."""

from __future__ import annotations

# Fashion-MNIST pixel statistics on the 60,000 training images (0-255 scale).
FMNIST_MEAN = 72.94
FMNIST_STD = 90.02

STEMS = ("conv", "paper")
EMBEDDING_LAYER = "embedding"


def build_resnet50(
    input_shape: tuple[int, int, int] = (28, 28, 1),
    num_classes: int = 10,
    stem: str = "conv",
    blocks: tuple[int, ...] = (3, 4, 6, 3),
    base_filters: int = 64,
    weight_decay: float = 5e-4,
    synchronized: bool = False,
):
    """Build the bottleneck ResNet (stages [3, 4, 6, 3] make ResNet-50) with rescaling inside the model.

    stem="paper": BatchNorm, ReLU, 3x3/2 max-pool, as the paper's text describes.
    stem="conv": He et al.'s conv1 before those (3x3, stride 1 on 28x28 images), so both stems feed
    14x14 maps into stage 1 and cost about the same.
    The model takes raw pixels (0-255) and returns softmax probabilities; its pooled 2048-d features
    are the layer named "embedding". synchronized: BatchNorm takes its statistics over the global batch
    when training on several devices (else each replica normalises by its own share of the batch).
    """
    from wardrobe.training.backend import import_keras

    keras = import_keras()
    layers = keras.layers

    if stem not in STEMS:
        raise ValueError(f"stem must be one of {STEMS}, not {stem!r}")
    # SGD weight decay w on a kernel equals an L2 penalty of w/2 * |k|^2; BatchNorm is left undecayed.
    reg = keras.regularizers.L2(weight_decay / 2) if weight_decay else None

    def conv(x, filters, kernel, strides=1, name=None):
        return layers.Conv2D(
            filters, kernel, strides=strides, padding="same", use_bias=False,
            kernel_initializer="he_normal", kernel_regularizer=reg, name=name,
        )(x)

    def bn(x, name, zero_gamma=False):
        return layers.BatchNormalization(
            momentum=0.9, epsilon=1e-5, name=name, synchronized=synchronized,
            gamma_initializer="zeros" if zero_gamma else "ones",
        )(x)

    def bottleneck(x, filters, strides, name):
        shortcut = x
        if strides != 1 or x.shape[-1] != 4 * filters:
            shortcut = conv(x, 4 * filters, 1, strides, name=f"{name}_proj")
            shortcut = bn(shortcut, f"{name}_proj_bn")
        y = conv(x, filters, 1, name=f"{name}_conv1")
        y = layers.ReLU(name=f"{name}_relu1")(bn(y, f"{name}_bn1"))
        y = conv(y, filters, 3, strides, name=f"{name}_conv2")
        y = layers.ReLU(name=f"{name}_relu2")(bn(y, f"{name}_bn2"))
        y = conv(y, 4 * filters, 1, name=f"{name}_conv3")
        # Zero-initialised last BatchNorm: each block starts as the identity (Goyal et al. 2017).
        y = bn(y, f"{name}_bn3", zero_gamma=True)
        return layers.ReLU(name=f"{name}_out")(layers.Add(name=f"{name}_add")([shortcut, y]))

    inputs = keras.Input(shape=input_shape, name="pixels")
    x = layers.Rescaling(1.0 / FMNIST_STD, offset=-FMNIST_MEAN / FMNIST_STD, name="rescale")(inputs)
    if stem == "conv":
        x = conv(x, base_filters, 3, name="conv1")
    x = layers.ReLU(name="stem_relu")(bn(x, "stem_bn"))
    x = layers.MaxPooling2D(3, strides=2, padding="same", name="stem_pool")(x)
    for stage, count in enumerate(blocks):
        for block in range(count):
            strides = 2 if stage > 0 and block == 0 else 1
            x = bottleneck(x, base_filters * 2**stage, strides, name=f"stage{stage + 1}_block{block + 1}")
    x = layers.GlobalAveragePooling2D(name=EMBEDDING_LAYER)(x)
    outputs = layers.Dense(
        num_classes, activation="softmax", kernel_regularizer=reg, name="predictions"
    )(x)
    name = f"resnet{2 + 3 * sum(blocks)}_{stem}"
    return keras.Model(inputs, outputs, name=name)
