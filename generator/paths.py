"""Where the project's own files live."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_GUIDE = PROJECT_ROOT / "guides" / "strategic-sti-cooperation.zh.txt"
TEMPLATES_DIR = PROJECT_ROOT / "templates"
GLOSSARY_DIR = PROJECT_ROOT / "glossary"
TERMS_DIR = GLOSSARY_DIR / "terms"
MEMORY_DIR = GLOSSARY_DIR / "memory"
OUTPUT_DIR = PROJECT_ROOT / "output"
# Working state (translation memory database, caches) that is rebuilt from the files above.
STATE_DIR_NAME = ".callpack"
STATE_DIR = PROJECT_ROOT / STATE_DIR_NAME
