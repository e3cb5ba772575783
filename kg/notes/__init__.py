"""Notes: reading note files (front matter), [[wikilinks]], rendering Markdown to safe HTML."""
