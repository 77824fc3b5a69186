"""Linking each VALUE span to its INDICATOR, TIME and DOMAIN spans."""
