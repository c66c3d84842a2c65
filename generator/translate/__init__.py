"""Translation stage: memory, pattern rules, glossary, offline MT, QA and the post-editing round trip."""
