"""People: artist profiles and their links, accounts, sign-in, permissions, the studio's people pages."""
