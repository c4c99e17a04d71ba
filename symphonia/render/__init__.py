"""Previews of generated music a person can hear and see, with no dependency beyond numpy.

* :mod:`~symphonia.render.audio`: a NoteSequence as a WAV file (a SoundFont
  synthesizer when one is installed, else a small built-in synth);
* :mod:`~symphonia.render.plot`: a NoteSequence as a PNG piano roll.

Both are optional outputs of the generate scripts (``--render_audio``,
``--plot``); importing them imports neither TensorFlow nor note-seq.
"""
