"""Trained model files shipped with the package (`boilerplate.npz`: the line classifier).

Each file is produced by a script under `scripts/` from the shared development data; this
package holds data only, and `textwash.boilerplate.model` reads it.
"""
