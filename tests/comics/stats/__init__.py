"""Tests of comics.stats."""
