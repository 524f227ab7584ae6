"""Every English string has a French translation with the same placeholders, and back."""

from __future__ import annotations

from bot.infra.i18n import Translator, catalog, placeholders


def test_every_english_key_has_a_french_translation_and_vice_versa():
    en, fr = catalog("en"), catalog("fr")
    assert sorted(set(en) - set(fr)) == []
    assert sorted(set(fr) - set(en)) == []


def test_translations_use_the_same_placeholders():
    en, fr = catalog("en"), catalog("fr")
    mismatched = {
        k: (placeholders(en[k]), placeholders(fr[k])) for k in en if placeholders(en[k]) != placeholders(fr[k])
    }
    assert mismatched == {}


def test_plurals_follow_each_language():
    assert Translator("en")("members.lips.count", count=0) == "0 organisations"
    assert Translator("fr")("members.lips.count", count=0) == "0 organisme"
    assert Translator("fr")("members.lips.count", count=2) == "2 organismes"
