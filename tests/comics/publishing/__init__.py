"""Tests of comics.publishing."""
