"""Everything that sees: safe photo opening, the Fashion-MNIST conversion, the ResNet-50 and its training."""
