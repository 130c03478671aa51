"""The bottom-layer kit: pieces every app uses, written once (issue 11).

It imports nothing from other childnrm apps, so any app may import it. No models.
"""
