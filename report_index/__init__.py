"""report-index: ingest UK policing accountability reports, understand their structure, search them.

The stages are plain functions over typed records (see ``models``):
``reader.read_document`` -> ``structure.parse_report`` -> ``ingest.ingest`` (Whoosh index) ->
``search.search``.
"""

__version__ = "0.1.0"
