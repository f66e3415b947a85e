"""An in-process emulation of the OVHcloud billing API: the ASGI app in :mod:`.app`, its settings in :mod:`.config`,
the demo accounts in :mod:`.accounts`, the credentials it accepts in :mod:`.credentials`.

The package itself imports nothing: reading the credentials (the config does) must not pull in Starlette and the
PDF generator, and no submodule depends on the package back.
"""
