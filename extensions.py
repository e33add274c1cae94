"""Extension singletons, created once here and bound to the app in create_app."""
from __future__ import annotations

import enum
from typing import TYPE_CHECKING

from flask_babel import Babel
from flask_caching import Cache
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import Enum, MetaData
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    # Stable constraint names, so migrations can alter and drop them on every engine.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


def enum_as_text(enum_class: type[enum.StrEnum]) -> Enum:
    """Return a column type storing an enum's values as plain text, the same on every engine.

    Not a native PostgreSQL ENUM: adding a status later is then a code change, not a migration.
    """
    return Enum(enum_class, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


db = SQLAlchemy(model_class=Base)

# The base class of every model: db.Model, which Flask-SQLAlchemy makes from Base at run time (adding the
# bind key and the `query` attribute this project does not use). A type checker cannot subclass a class
# held in an attribute, so it is told the mapping's own base, Base, which declares the same columns.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
babel = Babel()
cache = Cache()
compress = Compress()
csrf = CSRFProtect()
login_manager = LoginManager()
# Storage comes from RATELIMIT_STORAGE_URI (memory:// by default, redis://… in production).
limiter = Limiter(key_func=get_remote_address, headers_enabled=True)
