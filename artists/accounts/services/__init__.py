"""The rules of accounts and security, apart from the pages that ask for them (see artists/accounts/)."""
