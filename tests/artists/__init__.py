"""Tests of artists."""
