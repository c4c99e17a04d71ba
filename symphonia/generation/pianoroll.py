"""Pianoroll RNN-NADE generation from Python: a primer NoteSequence in, NoteSequences out.

    config, model = stored_models.load_run_dir(RNN_NADE, "run_dir")   # or load_checkpoint, load_bundle
    generator = PianorollGenerator(config, model)
    sequences = generator.generate(primer, num_steps=128, num_outputs=10, seed=1)

As in Magenta, the primer is put on the model's grid (4 steps a quarter), read
as a piano roll of its whole length, and generation goes on from its end up
to ``num_steps`` steps from time 0; the outputs include the primer's frames.
An empty primer (no notes, no length) is fine: generation starts from silence
(Magenta fails there). All outputs are drawn together in one batch (see
:mod:`~symphonia.generation.pianoroll_rollout`); beam search ranks candidates
by their NADE log-probability; the same seed gives the same outputs.
"""

import ast
import random

import numpy as np

from symphonia.codecs.pianoroll import MAX_PITCH, MIN_PITCH, NUM_KEYS, frames_from_notes, notes_from_frames
from symphonia.generation.note_sequences import quantize_primer, sequence_from_notes, tempo_of
from symphonia.generation.options import GenerationOptions
from symphonia.generation.primers import PrimerError
from symphonia.generation.stored_models import ModelFamily

DEFAULT_QPM = 60.0  # Magenta's pianoroll_rnn_nade_generate, unlike the other models' 120
_PIANOROLL_EXAMPLE = '"[(55,), (54,), (55, 53), (50,), (62, 52), (), (63, 55)]"'


def _build_rnn_nade(config):
    from symphonia.models.pianoroll_rnn_nade.model import RnnNade

    return RnnNade.from_rnn_nade_config(config)


def _rnn_nade_config(values):
    from symphonia.models.pianoroll_rnn_nade.configs import RnnNadeConfig

    return RnnNadeConfig.from_dict(values)


# What symphonia.generation.stored_models needs to load an RNN-NADE.
RNN_NADE = ModelFamily("an RNN-NADE", _rnn_nade_config, _build_rnn_nade)


def parse_pianoroll(text, flag="--primer_pianoroll"):
    """Frames ``[T, 88]`` bool from a literal list of steps, each a tuple of the MIDI pitches sounding then.

    Read as a Python literal (never evaluated as code). Pitches off the piano
    (outside 21..108) are dropped, as Magenta's ``shift_range`` does; other
    mistakes are a one-line :class:`PrimerError`.
    """
    expected = f"a list of steps, each a tuple of the MIDI pitches (0..127) sounding then, e.g. {_PIANOROLL_EXAMPLE}"
    shown = text if len(text) <= 60 else text[:57] + "..."
    try:
        steps = ast.literal_eval(text.strip())
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        raise PrimerError(f"{flag} must be {expected}; got {shown!r} (not a Python literal)") from None
    if not isinstance(steps, (list, tuple)):
        raise PrimerError(f"{flag} must be {expected}; got {shown!r} ({type(steps).__name__}, not a list)")
    frames = np.zeros((len(steps), NUM_KEYS), dtype=bool)
    for index, step in enumerate(steps):
        pitches = step if isinstance(step, (list, tuple, set, frozenset)) else [step]
        for pitch in pitches:
            if not isinstance(pitch, int) or isinstance(pitch, bool) or not 0 <= pitch <= 127:
                raise PrimerError(f"{flag} must be {expected}; got {shown!r} (step {index} holds {pitch!r})")
            if MIN_PITCH <= pitch <= MAX_PITCH:
                frames[index, pitch - MIN_PITCH] = True
    return frames


def pianoroll_sequence(frames, qpm, steps_per_quarter=4):
    """A NoteSequence of frames ``[T, 88]`` at ``qpm``: a key on in consecutive frames is one note."""
    pitches, starts, ends = notes_from_frames(frames)
    return sequence_from_notes(pitches, starts, ends, qpm, steps_per_quarter, total_steps=len(frames))


def primer_frames(primer, steps_per_quarter):
    """The primer NoteSequence as the model's frames ``[T, 88]`` (T = its length in steps; 0 for an empty one)."""
    quantized = quantize_primer(primer, steps_per_quarter)
    notes = quantized.notes
    return frames_from_notes(notes.pitch, notes.start, notes.end, quantized.total_steps)


class PianorollGenerator:
    """Generates NoteSequences with an RNN-NADE and its configuration.

    Parameters
    ----------
    config : symphonia.models.pianoroll_rnn_nade.configs.RnnNadeConfig
    model : symphonia.models.pianoroll_rnn_nade.model.RnnNade
        With its weights loaded.
    jit_compile : bool
        Compile the generation loop with XLA.
    """

    def __init__(self, config, model, jit_compile=True):
        from symphonia.generation.pianoroll_rollout import FrameLoop

        self.config = config
        self.model = model
        self.loop = FrameLoop(model, jit_compile=jit_compile)

    def generate_frames(self, primer, num_steps, num_outputs=1, options=None, seed=None):
        """Frames ``[num_outputs, num_steps, 88]`` bool continuing ``primer`` (frames ``[P, 88]``, P < num_steps).

        Returns ``(frames, scores)``: scores are each output's summed
        log-probability of its generated frames under the model.
        """
        from symphonia.generation.beam_search import beam_search
        from symphonia.generation.pianoroll_rollout import FrameRollout

        if num_outputs < 1:
            raise ValueError(f"num_outputs must be at least 1, got {num_outputs}")
        primer = np.asarray(primer, dtype=bool).reshape(-1, NUM_KEYS)
        if num_steps <= len(primer):
            raise PrimerError(f"nothing to generate: the primer takes {len(primer)} of the {num_steps} steps asked "
                              f"for; ask for more steps")
        options = options or GenerationOptions()
        if seed is None:
            seed = random.SystemRandom().randrange(2**63)
        width = options.rows_per_output
        rollout = FrameRollout(self.loop, primer, num_outputs * width, options.temperature, seed)
        best, scores = beam_search(rollout, num_outputs, num_steps - len(primer), options.beam_size,
                                   options.branch_factor, options.steps_per_iteration)
        return rollout.frames(best), scores

    def generate(self, primer, num_steps, num_outputs=1, options=None, seed=None):
        """``num_outputs`` continuations of the primer NoteSequence, each ``num_steps`` steps long.

        Parameters
        ----------
        primer : NoteSequence
            Its first tempo is the output's (120 qpm without one, as for
            every primer NoteSequence; the command line's default is 60).
        num_steps : int
            Length of each output in steps from time 0, primer included.
        num_outputs : int
        options : GenerationOptions, optional
            Temperature and beam search; Magenta's defaults when None.
        seed : int, optional
            None draws fresh randomness.

        Raises
        ------
        PrimerError
            When the primer cannot be quantized or leaves nothing to generate.
        """
        qpm = tempo_of(primer)
        frames, _ = self.generate_frames(primer_frames(primer, self.config.steps_per_quarter), num_steps,
                                         num_outputs, options, seed)
        return [pianoroll_sequence(output, qpm, self.config.steps_per_quarter) for output in frames]
