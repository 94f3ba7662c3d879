"""The UI-free core: sessions, their files, the index, and the rules of the craft.

Nothing here imports Textual or Rich (an import contract in pyproject.toml checks).
"""
