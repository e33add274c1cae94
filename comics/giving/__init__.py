"""Giving to the publishing organisation: its Give page, in each language, with a plain donation link."""
