"""Every action kind, one module each; importing this package registers them all.

A new kind is a new module here (see docs/extending.md): it is found and registered
without being listed anywhere.
"""

import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")
