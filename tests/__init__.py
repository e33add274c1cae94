"""The test suite, mirroring the packages; fixtures in conftest.py."""
