"""Span tagging: the character-level base encoder, the NER model, windowed decoding, training."""
