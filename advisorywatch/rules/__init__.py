"""Alert rules: the built-in multilingual lexicon, text normalisation and matching."""
