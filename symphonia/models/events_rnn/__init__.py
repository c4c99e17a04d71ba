"""The events RNN behind Melody RNN, Drums RNN and Polyphony RNN.

``configs`` (no TensorFlow) holds Magenta's named presets; ``model`` the Keras
model; ``metrics`` the loss and Magenta's summaries; ``train`` the training and
evaluation entry points the console scripts call.
"""
