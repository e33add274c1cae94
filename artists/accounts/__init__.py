"""Accounts and security: who someone is, how they prove it, and how long it lasts.

Two layers, as FlaskBB's auth/services/:
- services/: the rules, each in one place and none handling a request of its own: passwords, users and
  invitations, tokens kept as digests, second factors and the one proof of a factor, passkeys,
  sessions kept on the server, sign-in limits, the reset of an account's factors. Those whose rule is
  about the browser read what it sent or keep a challenge in the signed session (passkeys, sign-in
  limits); none imports a page, a form or Flask-Login (a contract checks it).
- the faces that call them: auth.py (the "auth" blueprint: signing in and out, invitations, the
  password, one's sessions, and the login wiring the factory installs), security/ (the "security"
  blueprint: the sign-in's second step, enrolment and the Security page), pending_sign_in.py (the
  signed cookie's state between a right password and a proved factor), forms.py and cli.py
  (`flask create-user`, `flask reset-factors`).
"""
