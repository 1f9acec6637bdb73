"""Rasa components of Spasm Aid (loaded by config.yml and endpoints.yml). Loading any of them
installs the behaviour-preserving speed-ups of .speedups into the Rasa server."""
from spasm_aid.rasa_components import speedups as _speedups

_speedups.install()
