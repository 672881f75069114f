"""User text becomes sanitised HTML whose every block reads in its own direction."""

from knowledge.markup import render_markdown


def test_each_block_takes_its_own_direction_so_mixed_arabic_and_english_never_reverse():
    html = render_markdown("> نقترح إرسال جدول الأعمال\n\nAgreed: a week before.\n\n- أولاً\n- second")
    assert '<blockquote dir="auto">' in html
    assert '<p dir="auto">Agreed: a week before.</p>' in html
    assert '<li dir="auto">أولاً</li>' in html and '<li dir="auto">second</li>' in html


def test_an_author_cannot_set_a_direction_or_an_attribute_of_their_own():
    html = render_markdown('<p dir="rtl" onclick="alert(1)">raw</p>\n\n[x](https://a.example "<p >")')
    assert 'dir="rtl"' not in html and "onclick" not in html
    assert 'title="&lt;p &gt;"' in html
