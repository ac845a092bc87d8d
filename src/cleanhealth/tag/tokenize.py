"""spaCy's English tokenisation without spaCy Docs: the same tokens, at a fraction of the cost.

The tagger only needs each token's text and offset. spaCy's tokenizer builds a Doc
and, for every word it has not seen, a Lexeme whose attributes are computed by
Python getters; on the bench texts that was ~30 ms per page, most of the tag stage,
and the vocabulary (so the worker's memory) grew with every new word.

`ChunkTokenizer` applies the same rules to each whitespace-separated chunk: the
prefix, suffix and infix patterns, the URL matcher and the special cases of the
`spacy.blank('en')` tokenizer it is given, following `Tokenizer._split_affixes` and
`_attach_tokens` (spacy/tokenizer.pyx) step by step, and spaCy's whitespace handling
(one ' ' after a chunk is that token's trailing space; other whitespace becomes
tokens). A chunk whose tokens could take part in spaCy's special-case matcher (a
rule containing punctuation, e.g. 'a.m.' split as 'a.m' + '.') is handed to spaCy
itself. Results are cached per chunk, in a cache that is emptied when it reaches
CACHE_CHUNKS so memory stays flat on any corpus. tests/test_tag.py checks the tokens
against spaCy's on real pages.
"""

from __future__ import annotations

import re
from typing import Callable

# Distinct chunks remembered (each entry ~200 bytes): ~20 MB at most, and most
# chunks of a page repeat within a few thousand pages (Zipf).
CACHE_CHUNKS = 100_000
_RUNS = re.compile(r"\S+|\s+")  # \s is str.isspace, as in spaCy's tokenizer loop
_WORD_AND_SPACE = re.compile(r"(\S+)(\s*)")
ORTH = 65  # spacy.attrs.ORTH: the key of a special case's token text


class ChunkTokenizer:
    """Token (start, length) pairs of a text, as `nlp.tokenizer(text)` would give them."""

    def __init__(self, nlp) -> None:  # a spacy Language (blank English)
        tokenizer = nlp.tokenizer
        never = re.compile("a^")
        self._tokenizer = tokenizer
        self.prefix_search: Callable = tokenizer.prefix_search or never.search
        self.suffix_search: Callable = tokenizer.suffix_search or never.search
        self.infix_finditer: Callable = tokenizer.infix_finditer or never.finditer
        self.token_match: Callable | None = tokenizer.token_match
        self.url_match: Callable | None = tokenizer.url_match
        self.specials: dict[str, tuple[str, ...]] = {}
        for key, pieces in tokenizer.rules.items():
            self.specials[key] = tuple(p.get(ORTH, p.get("ORTH", "")) for p in pieces)
        # Special cases spaCy also looks for after splitting (its _special_matcher): the
        # token sequences they split into without special cases. A chunk whose tokens
        # contain one is left to spaCy. (faster_heuristics, spaCy's default, decides.)
        self.matcher_patterns: set[tuple[str, ...]] = set()
        heuristics = getattr(tokenizer, "faster_heuristics", True)
        for key in self.specials:
            if (not heuristics or self._find_prefix(key) or list(self.infix_finditer(key))
                    or self._find_suffix(key) or " " in key):
                self.matcher_patterns.add(tuple(self._split(key, with_specials=False)))
        self.longest_pattern = max((len(p) for p in self.matcher_patterns), default=0)
        self.cache: dict[str, tuple[int, ...]] = {}

    # -- spaCy's Tokenizer.find_prefix / find_suffix ---------------------------------------
    def _find_prefix(self, string: str) -> int:
        match = self.prefix_search(string)
        return (match.end() - match.start()) if match is not None else 0

    def _find_suffix(self, string: str) -> int:
        match = self.suffix_search(string)
        return (match.end() - match.start()) if match is not None else 0

    def _split(self, string: str, with_specials: bool = True) -> list[str]:
        """One chunk's token texts: Tokenizer._split_affixes then _attach_tokens."""
        specials = self.specials if with_specials else {}
        if string in specials:  # _try_specials_and_cache on the whole chunk
            return list(specials[string])
        prefixes: list[str] = []
        suffixes: list[str] = []
        last_size = 0
        while string and len(string) != last_size:
            if self.token_match and self.token_match(string):
                break
            if string in specials:
                break
            last_size = len(string)
            pre_len = self._find_prefix(string)
            prefix = minus_pre = ""
            if pre_len != 0:
                prefix, minus_pre = string[:pre_len], string[pre_len:]
                if minus_pre and minus_pre in specials:
                    string = minus_pre
                    prefixes.append(prefix)
                    break
            suf_len = self._find_suffix(string[pre_len:])
            suffix = minus_suf = ""
            if suf_len != 0:
                suffix, minus_suf = string[-suf_len:], string[:-suf_len]
                if minus_suf and minus_suf in specials:
                    string = minus_suf
                    suffixes.append(suffix)
                    break
            if pre_len and suf_len and (pre_len + suf_len) <= len(string):
                string = string[pre_len:-suf_len]
                prefixes.append(prefix)
                suffixes.append(suffix)
            elif pre_len:
                string = minus_pre
                prefixes.append(prefix)
            elif suf_len:
                string = minus_suf
                suffixes.append(suffix)
        tokens = prefixes
        if string:
            if string in specials:
                tokens.extend(specials[string])
            elif (self.token_match and self.token_match(string)) or (self.url_match and self.url_match(string)):
                tokens.append(string)
            else:
                matches = list(self.infix_finditer(string))
                if not matches:
                    tokens.append(string)
                else:
                    start = 0
                    for match in matches:
                        infix_start, infix_end = match.start(), match.end()
                        if infix_start == 0:  # start_before_infixes
                            continue
                        if infix_start != start:
                            tokens.append(string[start:infix_start])
                        if infix_start != infix_end:
                            tokens.append(string[infix_start:infix_end])
                        start = infix_end
                    if string[start:]:
                        tokens.append(string[start:])
        tokens.extend(reversed(suffixes))
        return tokens

    def _needs_matcher(self, tokens: list[str]) -> bool:
        n = len(tokens)
        for i in range(n):
            for j in range(i + 1, min(n, i + self.longest_pattern) + 1):
                if tuple(tokens[i:j]) in self.matcher_patterns:
                    return True
        return False

    def chunk_lengths(self, chunk: str) -> tuple[int, ...]:
        """Lengths of the tokens one chunk splits into (cached)."""
        lengths = self.cache.get(chunk)
        if lengths is None:
            tokens = self._split(chunk)
            if "".join(tokens) != chunk or self._needs_matcher(tokens):
                tokens = [t.text for t in self._tokenizer(chunk)]
            lengths = tuple(len(t) for t in tokens)
            if len(self.cache) >= CACHE_CHUNKS:
                self.cache.clear()
            self.cache[chunk] = lengths
        return lengths

    def __call__(self, text: str) -> list[tuple[int, int]]:
        """(start, length) of every token of `text`, whitespace tokens included."""
        out: list[tuple[int, int]] = []
        after_word = False
        for match in _RUNS.finditer(text):
            start, chunk = match.start(), match.group()
            if chunk[0].isspace():
                if after_word and chunk[0] == " ":  # the previous token's trailing space
                    start, chunk = start + 1, chunk[1:]
                after_word = False
                if not chunk:
                    continue
            else:
                after_word = True
            for length in self.chunk_lengths(chunk):
                out.append((start, length))
                start += length
        return out

    def stream(self, text: str, skip: frozenset[str] = frozenset(),
               line_break: str = "\n") -> tuple[list[str], list[int], list[int]]:
        """What the vocabulary matcher reads: (words, token indexes, start offsets).

        Whitespace tokens are left out except one `line_break` entry for each that holds
        a newline; words in `skip` are left out. Token indexes count every token, as in
        the spaCy Doc. The same tokens as __call__, in one pass without tuples.
        """
        words: list[str] = []
        ids: list[int] = []
        starts: list[int] = []
        cache = self.cache
        index = 0
        body = text.lstrip()
        pos = len(text) - len(body)

        def spaces(ws: str, at: int, index: int) -> int:
            for length in self.chunk_lengths(ws):
                if "\n" in text[at:at + length]:
                    words.append(line_break)
                    ids.append(index)
                    starts.append(at)
                index += 1
                at += length
            return index

        if pos:
            index = spaces(text[:pos], 0, index)
        for word, ws in _WORD_AND_SPACE.findall(text, pos):
            lengths = cache.get(word)
            if lengths is None:
                lengths = self.chunk_lengths(word)
            if len(lengths) == 1:
                if word not in skip:
                    words.append(word)
                    ids.append(index)
                    starts.append(pos)
                index += 1
                pos += lengths[0]
            else:
                for length in lengths:
                    token = text[pos:pos + length]
                    if token not in skip:
                        words.append(token)
                        ids.append(index)
                        starts.append(pos)
                    index += 1
                    pos += length
            if ws:
                if ws[0] == " ":
                    pos += 1
                    ws = ws[1:]
                    if not ws:
                        continue
                index = spaces(ws, pos, index)
                pos += len(ws)
        return words, ids, starts
