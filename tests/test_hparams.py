import dataclasses
import json

import pytest

from symphonia.hparams import HParams, parse_assignments
from symphonia.models.events_rnn.configs import EventsRnnHParams


@dataclasses.dataclass(frozen=True)
class _Mixed(HParams):
    name: str = "x"
    sizes: tuple[int, ...] = (1,)
    rates: tuple[float, ...] = ()
    flag: bool = False


def test_magenta_syntax_overrides_make_a_copy():
    defaults = EventsRnnHParams()
    changed = defaults.override("batch_size=64,rnn_layer_sizes=[64,64]")
    assert (changed.batch_size, changed.rnn_layer_sizes) == (64, (64, 64))
    assert defaults == EventsRnnHParams()
    with pytest.raises(dataclasses.FrozenInstanceError):
        changed.batch_size = 3


@pytest.mark.parametrize("text, expected", [
    ("", {}),
    (" learning_rate = 1e-3 , clip_norm=5, ", {"learning_rate": 0.001, "clip_norm": 5.0}),
    ("dropout_keep_prob=.5,residual_connections=True", {"dropout_keep_prob": 0.5, "residual_connections": True}),
    ("residual_connections=0,rnn_layer_sizes=[ 32 , 16 ]", {"residual_connections": False, "rnn_layer_sizes": (32, 16)}),
])
def test_values_are_converted_by_declared_type(text, expected):
    assert EventsRnnHParams().override(text) == dataclasses.replace(EventsRnnHParams(), **expected)


def test_strings_lists_of_floats_and_quoted_commas():
    mixed = _Mixed().override("name='a,b',rates=[0.5,2],flag=false,sizes=[]")
    assert mixed == _Mixed(name="a,b", sizes=(), rates=(0.5, 2.0), flag=False)
    assert _Mixed().override("name=plain").name == "plain"


@pytest.mark.parametrize("text, fragment", [
    ("bach_size=3", "unknown hparam 'bach_size'"),
    ("batch_size=1.5", "hparam 'batch_size' must be an int, got '1.5'"),
    ("batch_size=abc", "hparam 'batch_size' must be an int"),
    ("rnn_layer_sizes=64", "hparam 'rnn_layer_sizes' must be a list of int"),
    ("rnn_layer_sizes=[64,x]", "must be a list of int"),
    ("residual_connections=maybe", "must be a bool"),
    ("learning_rate=nan", "must be a float"),
    ("batch_size", "expected name=value"),
    ("batch_size=1,rnn_layer_sizes=[64", "expected name=value"),
    ("batch_size=1,batch_size=2", "given twice"),
    ("dropout_keep_prob=1.5", "dropout_keep_prob must be in (0, 1]"),
    ("rnn_layer_sizes=[]", "rnn_layer_sizes must be a non-empty list"),
    ("batch_size=0", "batch_size must be positive"),
])
def test_mistakes_are_one_line_errors_listing_the_valid_names(text, fragment):
    with pytest.raises(ValueError) as raised:
        EventsRnnHParams().override(text)
    message = str(raised.value)
    assert fragment in message
    assert "\n" not in message
    assert "valid hparams: batch_size (int), rnn_layer_sizes (list of int), dropout_keep_prob (float)" in message


def test_json_round_trip_and_checks():
    hparams = EventsRnnHParams().override("rnn_layer_sizes=[8,4],attn_length=3")
    assert EventsRnnHParams.from_dict(json.loads(json.dumps(hparams.to_dict()))) == hparams
    assert EventsRnnHParams.from_dict({"clip_norm": 1}).clip_norm == 1.0  # JSON ints are fine for floats
    assert EventsRnnHParams.from_dict({}) == EventsRnnHParams()
    with pytest.raises(ValueError, match="unknown hparam 'extra'"):
        EventsRnnHParams.from_dict({"extra": 1})
    with pytest.raises(ValueError, match="'batch_size' must be an int"):
        EventsRnnHParams.from_dict({"batch_size": "64"})
    with pytest.raises(ValueError, match="'residual_connections' must be a bool"):
        EventsRnnHParams.from_dict({"residual_connections": 1})


def test_assignments_split_only_at_top_level_commas():
    assert parse_assignments("a=[1,2],b='x,y', c = 3") == [("a", "[1,2]"), ("b", "'x,y'"), ("c", "3")]
