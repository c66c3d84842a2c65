"""callpack: Chinese MOST calls for proposals into structured data, English drafts and documents."""

__version__ = "0.1.0"
