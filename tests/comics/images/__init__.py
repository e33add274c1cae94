"""Tests of comics.images."""
