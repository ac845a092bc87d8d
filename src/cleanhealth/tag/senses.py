"""Sense rules: keep a match of an everyday word only in its medical sense.

Rules are data (data/senses.json), keyed by the normalised term ('back', 'cold').
A rule may list contexts that *allow* the term (keep_if_prev / keep_if_next: if
either list is given, one of them must match) and contexts that *forbid* it
(drop_if_prev / drop_if_next), require what follows (require_next: the term must
be followed by one of these, e.g. punctuation for a noun such as 'a cold.'), or say
the word is never a term ("never": true). Phrases may use <punct>, <num> and <end>;
they are word phrases compared with the words right
before or after the match ('come back', 'back to', 'cut back', 'shot in the arm').
"""

from __future__ import annotations

import json
from importlib import resources

from spacy.tokens import Doc

from .matcher import MATCHES, NORMS
from .normalize import plural_of, singular_of

FILE = "senses.json"
CONTEXT = 4  # words of context a rule phrase may span


def load_rules() -> dict[str, dict[str, list[tuple[str, ...]]]]:
    raw = json.loads(resources.files("cleanhealth.data").joinpath(FILE).read_text("utf-8"))
    rules = {}
    for term, rule in raw.items():
        if term.startswith("_"):
            continue
        if rule.get("never"):
            rules[term] = {"never": True}
            continue
        # an empty list means 'no constraint', not 'nothing allows it' (use "never" for that)
        # phrases are split like page text: hyphens are dropped ('pre-match' -> 'pre match')
        rules[term] = {k: [tuple(p.lower().replace("-", " ").split()) for p in v]
                       for k, v in rule.items() if k != "note" and v}
    return rules


PUNCT = "<punct>"  # rule placeholder: any punctuation word
NUM = "<num>"  # rule placeholder: any number ('the depression of 1929')
END = "<end>"  # rule placeholder: nothing follows (end of text)


def _word_fits(word: str, pattern: str) -> bool:
    if pattern == PUNCT:
        return not any(ch.isalnum() for ch in word)
    if pattern == NUM:
        return word[:1].isdigit()
    return word == pattern


def _ends_with(words: list[str], phrase: tuple[str, ...]) -> bool:
    if len(words) < len(phrase):
        return False
    tail = words[len(words) - len(phrase):]
    return all(_word_fits(w, p) for w, p in zip(tail, phrase))


def _starts_with(words: list[str], phrase: tuple[str, ...]) -> bool:
    if phrase == (END,):
        return not words
    if len(words) < len(phrase):
        return False
    return all(_word_fits(w, p) for w, p in zip(words, phrase))


def _plural_guess(term: str) -> str | None:
    head = term.rsplit(" ", 1)[-1]
    plural = plural_of(head)
    return term[: len(term) - len(head)] + plural if plural else None


class SenseFilter:
    name = "cleanhealth_senses"

    def __init__(self, rules: dict[str, dict[str, list[tuple[str, ...]]]] | None = None) -> None:
        self.rules = load_rules() if rules is None else rules
        # plurals whose singular has a rule; checked with a set lookup per match
        self.plural_terms = frozenset(t for t in (_plural_guess(r) for r in self.rules) if t and t not in self.rules)

    def rule_for(self, term: str) -> dict | None:
        """The rule for a term, or for its singular ('operations' follows 'operation')."""
        rule = self.rules.get(term)
        if rule is None:
            head = term.rsplit(" ", 1)[-1]
            single = singular_of(head)
            if single:
                rule = self.rules.get(term[: len(term) - len(head)] + single)
        return rule

    def allowed(self, term: str, prev: list[str], nxt: list[str]) -> bool:
        rule = self.rule_for(term)
        if rule is None:
            return True
        if rule.get("never"):
            return False
        if any(_ends_with(prev, p) for p in rule.get("drop_if_prev", ())):
            return False
        if any(_starts_with(nxt, p) for p in rule.get("drop_if_next", ())):
            return False
        required = rule.get("require_next")
        if required is not None and not any(_starts_with(nxt, p) for p in required):
            return False
        keep_prev, keep_next = rule.get("keep_if_prev"), rule.get("keep_if_next")
        if keep_prev is None and keep_next is None:
            return True
        return any(_ends_with(prev, p) for p in keep_prev or ()) or any(_starts_with(nxt, p) for p in keep_next or ())

    def __call__(self, doc: Doc) -> Doc:
        norms: list[str] = doc.user_data[NORMS]
        kept = []
        for m in doc.user_data[MATCHES]:
            term = " ".join(norms[m.start:m.end])
            if term in self.rules or term in self.plural_terms:
                prev = norms[max(0, m.start - CONTEXT):m.start]
                nxt = norms[m.end:m.end + CONTEXT]
                if not self.allowed(term, prev, nxt):
                    continue
            kept.append(m)
        doc.user_data[MATCHES] = kept
        return doc
