"""tools/gpt2_bpe.py on a small hand-made vocabulary: the word split, the merge order, the byte
table and decoding back to text."""

import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..",
                                "tools"))
from gpt2_bpe import Gpt2Bpe, byte_symbols  # noqa: E402

MERGES = [("h", "e"), ("l", "l"), ("he", "ll"), ("Ġ", "w"), ("o", "r"), ("Ġw", "or"), ("t", "'")]


def make_vocab(folder):
    symbols = list(byte_symbols().values()) + [a + b for a, b in MERGES]
    with open(os.path.join(folder, "encoder.json"), "w", encoding="utf-8") as f:
        json.dump({s: i for i, s in enumerate(symbols)}, f)
    with open(os.path.join(folder, "vocab.bpe"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n" + "".join(f"{a} {b}\n" for a, b in MERGES))


class Gpt2BpeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.folder = tempfile.mkdtemp(dir=os.environ.get("TEST_TMPDIR"))
        make_vocab(cls.folder)
        cls.bpe = Gpt2Bpe.from_folder(cls.folder)

    def symbols(self, text):
        return [self.bpe.decoder[i] for i in self.bpe.encode(text)]

    def test_byte_table_is_a_bijection_onto_printable_characters(self):
        table = byte_symbols()
        self.assertEqual(len(set(table.values())), 256)
        self.assertEqual(table[ord("a")], "a")
        self.assertEqual(table[ord(" ")], "Ġ")  # space is byte 32, the 33rd non-printable
        self.assertTrue(all(c.isprintable() for c in table.values()))

    def test_merges_apply_lowest_rank_first(self):
        self.assertEqual(self.symbols("hello"), ["hell", "o"])
        self.assertEqual(self.symbols(" world"), ["Ġwor", "l", "d"])
        self.assertEqual(self.symbols("hello world"), ["hell", "o", "Ġwor", "l", "d"])

    def test_words_split_before_merging(self):
        # "he" and "ll" are different words here, so "hell" cannot form across the space.
        self.assertEqual(self.symbols("he ll"), ["he", "Ġ", "ll"])
        # "'s" is a word of its own, so the merge of "t" and "'" never applies.
        self.assertEqual(self.symbols("it's 42!"), ["i", "t", "'", "s", "Ġ", "4", "2", "!"])

    def test_decode_inverts_encode_on_any_text(self):
        for text in ["hello world", "héllo, wörld! 123", "tabs\tand\n\nnewlines  ", "😀 ok"]:
            self.assertEqual(self.bpe.decode(self.bpe.encode(text)), text)

    def test_bad_vocabulary_and_ids_give_clear_errors(self):
        with self.assertRaisesRegex(FileNotFoundError, "encoder.json"):
            Gpt2Bpe.from_folder(os.path.join(self.folder, "missing"))
        with self.assertRaisesRegex(ValueError, "token id 99999 is not in the GPT-2 vocabulary"):
            self.bpe.decode([99999])


if __name__ == "__main__":
    unittest.main()
