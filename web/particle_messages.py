"""gettext that fills in Korean particles: every message, in Python and in the templates, passes through
web.particles.fill_particles before its values are put in, so "%(site)s{은/는}" reads "Free Lines는".

Flask-Babel formats a message in two places: its Domain (gettext, lazy_gettext, ngettext … in Python)
and the gettext functions it gives Jinja (`_()`, `{% trans %}`). The factory calls
use_particle_messages(app) once after babel.init_app, which puts a Domain that fills particles in the
first place and the same step in the second, so a message behaves the same wherever it is used.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import Babel, Domain, get_translations
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from web.particles import fill_particles


class ParticleDomain(Domain):
    """Flask-Babel's Domain, with each message's particles chosen before its values are put in."""

    def gettext(self, string: str, **variables: Any) -> str:
        message = self.get_translations().ugettext(string)
        return _filled(message, variables) if variables else message

    def ngettext(self, singular: str, plural: str, num: int, **variables: Any) -> str:
        variables.setdefault("num", num)
        return _filled(self.get_translations().ungettext(singular, plural, num), variables)

    def pgettext(self, context: str, string: str, **variables: Any) -> str:
        message = self.get_translations().upgettext(context, string)
        return _filled(message, variables) if variables else message

    def npgettext(self, context: str, singular: str, plural: str, num: int, **variables: Any) -> str:
        variables.setdefault("num", num)
        return _filled(self.get_translations().unpgettext(context, singular, plural, num), variables)


def _filled(message: str, variables: dict[str, Any]) -> str:
    return fill_particles(message, variables) % variables


def _in_template(context: Context, message: str, variables: dict[str, Any]) -> str:
    """Fill a message in a template as Jinja's own newstyle gettext does: escaped, always formatted."""
    message = fill_particles(message, variables)
    if context.eval_ctx.autoescape:
        return Markup(message) % variables
    return message % variables


@pass_context
def template_gettext(context: Context, string: str, **variables: Any) -> str:
    return _in_template(context, get_translations().ugettext(string), variables)


@pass_context
def template_ngettext(context: Context, singular: str, plural: str, num: int, **variables: Any) -> str:
    variables.setdefault("num", num)
    return _in_template(context, get_translations().ungettext(singular, plural, num), variables)


@pass_context
def template_pgettext(context: Context, message_context: str, string: str, **variables: Any) -> str:
    return _in_template(context, get_translations().upgettext(message_context, string), variables)


@pass_context
def template_npgettext(context: Context, message_context: str, singular: str, plural: str, num: int, **variables: Any) -> str:
    variables.setdefault("num", num)
    return _in_template(context, get_translations().unpgettext(message_context, singular, plural, num), variables)


def use_particle_messages(app: Flask, babel: Babel) -> None:
    """Make Flask-Babel's gettext, in Python and in the app's templates, fill in particles."""
    # Flask-Babel has no setting for its Domain class: its default domain is a cached property, set here.
    babel.domain_instance = ParticleDomain(domain=app.extensions["babel"].default_domain)
    app.jinja_env.globals.update(
        gettext=template_gettext,
        _=template_gettext,
        ngettext=template_ngettext,
        pgettext=template_pgettext,
        npgettext=template_npgettext,
    )
