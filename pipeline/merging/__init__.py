"""Mentions to corpus-wide entities: an ordered list of merge rules (`rules`), each merge
recorded with the rule that made it, and the entity table built from them (`entities`).
"""
