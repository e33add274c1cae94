"""Tests of comics.discovery."""
