"""How the engine is compiled: Numba options, the on-disk cache, the cold-start helper.

Kept apart from the body systems in `medtwin.physiology`, which only use the decorators
of `jit`. `cache` names the versioned cache folders (and prunes old ones when asked,
never on import); `precompile` compiles half of the kernel in a helper process on an
empty cache.
"""
