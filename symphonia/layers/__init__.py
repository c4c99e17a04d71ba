"""Keras layers shared by the model families (TensorFlow backend).

``lstm`` (one LSTM layer), ``attention`` (Magenta's attention cell around an
LSTM, with its fast recurrence in ``attention_recurrence``) and ``lstm_stack``
(Magenta's stack of them, with dropout and residual connections). Every
recurrent layer takes and returns its state explicitly, so the same layer
trains over whole sequences and generates one step at a time.
"""
