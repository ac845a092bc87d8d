"""The vocabulary matcher: greedy longest match of normalised word keys.

A spaCy PhraseMatcher over ~100k patterns is slow to rebuild at start-up and its
pickle re-adds every pattern; a dict of word tuples loads from the cache in a
fraction of a second and matches with one lookup per candidate length. The
component reads the spaCy tokenisation (spacy.blank('en'): no model, no download)
and leaves its results in `doc.user_data` for the next components.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.attrs import IDX, IS_SPACE, LENGTH
from spacy.tokens import Doc

from .normalize import SKIP_TOKENS, norm_word
from .vocab import TermTable

WORDS = "cleanhealth.words"  # list[str]: token texts kept for matching
NORMS = "cleanhealth.norms"  # list[str]: their normalised forms ('\n' marks a line break)
TOKEN_IDS = "cleanhealth.token_ids"  # list[int]: spaCy token index of each kept word
TEXT = "cleanhealth.text"  # str: the text the Doc was made from (doc.text rebuilds it token by token)
STARTS = "cleanhealth.starts"  # list[int]: character offset of each kept word
MATCHES = "cleanhealth.matches"  # list[Match]
BREAK = "\n"  # never part of a key: a match may not cross a line break


@dataclass(slots=True)
class Match:
    start: int  # index into the kept-word stream (not spaCy tokens)
    end: int
    concept: int
    negated: bool = False
    via: str = "vocab"  # vocab | abbreviation


class VocabMatcher:
    """Finds vocabulary terms; longest match wins, left to right."""

    name = "cleanhealth_vocab"

    def __init__(self, table: TermTable) -> None:
        self.keys = table.keys
        self.cs_keys = table.cs_keys
        self.max_len = table.max_len

    def __call__(self, doc: Doc) -> Doc:
        if WORDS in doc.user_data:  # the word stream came from tokenize.ChunkTokenizer.stream
            words, ids, starts = doc.user_data[WORDS], doc.user_data[TOKEN_IDS], doc.user_data[STARTS]
        else:
            words, ids, starts = self.read_doc(doc)
        self.match(doc, words, ids, starts)
        return doc

    @staticmethod
    def read_doc(doc: Doc) -> tuple[list[str], list[int], list[int]]:
        """The word stream of a spaCy Doc (what ChunkTokenizer.stream gives without one)."""
        # Read offsets as one array: creating a Token object per word costs more than
        # all the matching (measured with cProfile on the bench texts).
        text = doc.user_data.get(TEXT) or doc.text
        words: list[str] = []
        ids: list[int] = []
        starts: list[int] = []
        for i, (start, length, space) in enumerate(doc.to_array([IDX, LENGTH, IS_SPACE]).tolist()):
            word = text[start:start + length]
            if space:
                if "\n" in word:
                    words.append(BREAK)
                    ids.append(i)
                    starts.append(start)
                continue
            if word in SKIP_TOKENS:
                continue
            words.append(word)
            ids.append(i)
            starts.append(start)
        return words, ids, starts

    def match(self, doc, words: list[str], ids: list[int], starts: list[int]) -> None:
        """Greedy longest match over the word stream; results go to doc.user_data."""
        norms = [norm_word(w) for w in words]
        keys, cs_keys, max_len = self.keys, self.cs_keys, self.max_len
        matches: list[Match] = []
        n = len(norms)
        i = 0
        while i < n:
            longest = max_len.get(norms[i], 0)
            hit = None
            for length in range(min(longest, n - i), 0, -1):
                concept = cs_keys.get(tuple(words[i:i + length]))
                if concept is None:
                    concept = keys.get(tuple(norms[i:i + length]))
                if concept is not None:
                    hit = (length, concept)
                    break
            if hit:
                matches.append(Match(i, i + hit[0], hit[1]))
                i += hit[0]
            else:
                i += 1
        doc.user_data[WORDS] = words
        doc.user_data[NORMS] = norms
        doc.user_data[TOKEN_IDS] = ids
        doc.user_data[STARTS] = starts
        doc.user_data[MATCHES] = matches
