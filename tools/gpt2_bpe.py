"""GPT-2's byte-level BPE tokenizer, over the standard `encoder.json` and `vocab.bpe` files.

    bpe = Gpt2Bpe.from_folder("/path/to/gpt2-vocab")   # holds encoder.json and vocab.bpe
    ids = bpe.encode("Hello world")                    # [15496, 995] with GPT-2's files
    text = bpe.decode(ids)

How GPT-2 tokenizes: the text is split into words (a letter run, a digit run or a punctuation run,
each with its leading space, plus English contractions and whitespace runs); each word's UTF-8
bytes are written as printable characters (one per byte, a fixed table), then adjacent symbols are
merged, lowest merge rank first, as `vocab.bpe` ranks the pairs; each final symbol is an id in
`encoder.json`. Decoding maps ids back to symbols and symbols back to bytes.

The word split uses the `regex` module's Unicode classes when it is installed; otherwise Python's
`re` with `[^\\W\\d_]` for letters and `\\d` for digits, which agrees on everything but rare scripts.
"""

import json
import os

try:
    import regex as _re
    _WORD = r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""
except ImportError:  # Debian's python3 has no `regex` unless python3-regex is installed
    import re as _re
    _WORD = r"""'s|'t|'re|'ve|'m|'ll|'d| ?[^\W\d_]+| ?\d+| ?(?:[^\s\w]|_)+|\s+(?!\S)|\s+"""


def byte_symbols():
    """The printable character GPT-2 writes for each byte: printable Latin-1 bytes stand for
    themselves, the others (controls, space, ...) for characters from U+0100 on, in order."""
    printable = (list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1))
                 + list(range(ord("®"), ord("ÿ") + 1)))
    table, extra = {}, 0
    for b in range(256):
        if b in printable:
            table[b] = chr(b)
        else:
            table[b] = chr(256 + extra)
            extra += 1
    return table


class Gpt2Bpe:
    def __init__(self, encoder, merges):
        """`encoder`: symbol -> id; `merges`: the symbol pairs, highest priority first."""
        self.encoder = encoder
        self.decoder = {i: s for s, i in encoder.items()}
        self.ranks = {pair: rank for rank, pair in enumerate(merges)}
        self.byte_to_symbol = byte_symbols()
        self.symbol_to_byte = {s: b for b, s in self.byte_to_symbol.items()}
        self.word = _re.compile(_WORD)
        self.cache = {}

    @classmethod
    def from_folder(cls, folder):
        paths = [os.path.join(folder, name) for name in ("encoder.json", "vocab.bpe")]
        for path in paths:
            if not os.path.isfile(path):
                raise FileNotFoundError(f"GPT-2 vocabulary: {path} does not exist (the folder "
                                        "needs GPT-2's encoder.json and vocab.bpe)")
        with open(paths[0], encoding="utf-8") as f:
            encoder = json.load(f)
        with open(paths[1], encoding="utf-8") as f:
            lines = f.read().split("\n")
        merges = [tuple(line.split()) for line in lines
                  if line and not line.startswith("#version")]
        bad = [m for m in merges if len(m) != 2]
        if bad:
            raise ValueError(f"{paths[1]}: a merge line must hold two symbols, got {bad[0]!r}")
        return cls(encoder, merges)

    def merge(self, word):
        """The symbols of `word` (a string of byte symbols) after every applicable merge."""
        if word in self.cache:
            return self.cache[word]
        parts = list(word)
        while len(parts) > 1:
            pairs = [(self.ranks.get((a, b)), i) for i, (a, b) in enumerate(zip(parts, parts[1:]))]
            ranked = [(rank, i) for rank, i in pairs if rank is not None]
            if not ranked:
                break
            best = min(ranked)[0]
            first, second = parts[min(ranked)[1]], parts[min(ranked)[1] + 1]
            merged, i = [], 0
            # Merge every occurrence of the best pair, left to right, as GPT-2 does.
            while i < len(parts):
                if i + 1 < len(parts) and parts[i] == first and parts[i + 1] == second \
                        and self.ranks.get((first, second)) == best:
                    merged.append(first + second)
                    i += 2
                else:
                    merged.append(parts[i])
                    i += 1
            parts = merged
        self.cache[word] = parts
        return parts

    def encode(self, text):
        ids = []
        for word in self.word.findall(text):
            symbols = "".join(self.byte_to_symbol[b] for b in word.encode("utf-8"))
            for part in self.merge(symbols):
                if part not in self.encoder:
                    raise ValueError(f"GPT-2 vocabulary has no id for the symbol {part!r}")
                ids.append(self.encoder[part])
        return ids

    def decode(self, ids):
        unknown = [i for i in ids if i not in self.decoder]
        if unknown:
            raise ValueError(f"token id {unknown[0]} is not in the GPT-2 vocabulary "
                             f"({len(self.decoder)} ids)")
        data = bytes(self.symbol_to_byte[c] for i in ids for c in self.decoder[i])
        return data.decode("utf-8", errors="replace")
