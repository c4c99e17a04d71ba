"""Generating music from trained models: batched sampling, temperature, beam search, primers.

What every model family shares:

* :mod:`~symphonia.generation.sampling`: the sampling temperature;
* :mod:`~symphonia.generation.beam_search`: Magenta's stochastic beam search,
  for many independent outputs in one batch;
* :mod:`~symphonia.generation.options`: those settings, checked once;
* :mod:`~symphonia.generation.primers`: the ``--primer_*`` flags, read as
  literals and checked;
* :mod:`~symphonia.generation.note_sequences`: primers on the model's grid,
  results as NoteSequences;
* :mod:`~symphonia.generation.midi_files`: Magenta's output file names, atomic writes.

:mod:`symphonia.generation.events_rnn` generates with Melody, Drums and
Polyphony RNNs.

The package imports nothing itself, so importing one module stays cheap;
only the modules that run a model import TensorFlow.
"""
