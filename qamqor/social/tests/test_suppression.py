from qamqor.social.suppression import FEWER_THAN_FIVE, suppress_small


def test_counts_from_one_to_four_are_hidden():
    assert [suppress_small(n) for n in (1, 2, 3, 4)] == [FEWER_THAN_FIVE] * 4


def test_zero_and_five_or_more_are_shown():
    assert suppress_small(0) == 0
    assert suppress_small(5) == 5
    assert suppress_small(123) == 123


def test_the_text_is_translated():
    from django.utils import translation

    with translation.override("ru"):
        assert str(suppress_small(3)) == "менее 5"
    with translation.override("kk"):
        assert str(suppress_small(3)) == "5-тен аз"
