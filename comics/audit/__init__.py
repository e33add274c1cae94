"""The audit log: who did what to which object, and when (log.py writes and reads it; models.py holds its rows).

Its own small package at the bottom of the features, so that anything that acts (the accounts, the
studio, the review, the Give page) may record what it did without importing the review's rules, and the
review need not import the accounts that record their sign-ins.
"""
