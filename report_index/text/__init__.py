"""Text helpers every stage shares: cleaning and folding (``clean``), dates (``dates``),
sentences (``sentences``), acronyms a text defines (``acronyms``) and slugs (``slug``)."""
