"""Training and evaluating the paper's network, and building the photo network: the only TensorFlow/Keras user."""
