"""Tests of comics.demo."""
