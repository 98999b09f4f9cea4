"""Initiatives: the named schemes, operations, orders, teams, partnerships and campaigns the
reports speak of, recognised with spaCy rules on ``spacy.blank("en")`` (nothing to download).

``gazetteer`` loads the curated list and the user's lists and finds an initiative by any of its
names; ``recognition`` finds mentions and discovers unlisted names (spaCy lives here only);
``figures`` reads the status and figures a sentence gives and compares two reports' mentions.
"""
