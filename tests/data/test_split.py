from symphonia.data.split import is_eval

IDS = [f"/id/midi/collection/{i:040x}" for i in range(4000)]


def test_same_seed_same_split_and_order_does_not_matter():
    first = {i for i in IDS if is_eval(i, 0.1, seed=7)}
    again = {i for i in reversed(IDS) if is_eval(i, 0.1, seed=7)}
    assert first == again


def test_the_eval_share_is_close_to_the_ratio():
    for ratio in (0.1, 0.5):
        share = sum(is_eval(i, ratio, seed=1) for i in IDS) / len(IDS)
        assert abs(share - ratio) < 0.03


def test_another_seed_gives_another_split():
    assert {i for i in IDS if is_eval(i, 0.1, seed=1)} != {i for i in IDS if is_eval(i, 0.1, seed=2)}


def test_ratios_zero_and_one():
    assert not any(is_eval(i, 0.0) for i in IDS[:100])
    assert all(is_eval(i, 1.0) for i in IDS[:100])


def test_raising_the_ratio_only_moves_pieces_into_eval():
    small = {i for i in IDS if is_eval(i, 0.1, seed=3)}
    large = {i for i in IDS if is_eval(i, 0.2, seed=3)}
    assert small < large
