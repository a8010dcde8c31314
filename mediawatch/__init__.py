"""mediawatch: monitor news coverage of the Russia-Ukraine peace negotiations.

The domain layer: plain, typed modules with no Prefect and no Streamlit imports.
"""

__version__ = "0.1.0"
