"""The rules that turn the model's raw entities into clean mentions, one document at a
time: trimming and rejecting spans (`cleaning`), context cues, places the layout gives
away (`places`), sports teams (`teams`), in-document consistency (`consistency`) and
aliases (`document_aliases`), the user's curation file (`curation`), and the language
knowledge they share (`french`, `lexicon`, `known_names`).
"""
