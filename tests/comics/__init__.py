"""Tests of comics."""
