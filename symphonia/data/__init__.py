"""From NoteSequences to training data: what each model family learns from, and why the rest was left out.

Extraction (numpy only, no TensorFlow), one function per family, each taking a
NoteSequence and its family's options and returning an
:class:`~symphonia.data.extraction.Extraction` (``events`` and a Counter of
``stats``):

* :func:`symphonia.data.melodies.extract_melodies` (and
  :func:`symphonia.data.squash.squash_melody` before encoding),
* :func:`symphonia.data.drum_tracks.extract_drum_tracks`,
* :func:`symphonia.data.polyphonic_sequences.extract_polyphonic_sequences`,
* :func:`symphonia.data.pianorolls.extract_pianorolls`.

The package imports nothing itself, so importing one module stays cheap.
"""
