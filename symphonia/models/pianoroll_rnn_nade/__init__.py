"""Pianoroll RNN-NADE: an LSTM stack whose output sets the biases of a NADE over each 88-key frame.

``configs`` (no TensorFlow) holds Magenta's two presets; ``model`` the Keras
model; ``metrics`` the loss and Magenta's summaries; ``train`` the training and
evaluation entry points ``pianoroll_rnn_nade_train`` calls.
"""
