"""Tests of comics.studio."""
