# Reusable widgets keep their styles in DEFAULT_CSS (the Textual convention: self-contained, overridable by app CSS).
