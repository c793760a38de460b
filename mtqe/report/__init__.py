"""Renderers: each takes an Evaluation and returns text; writing is the caller's job."""
