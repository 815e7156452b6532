"""The exporters: one subpackage per output format, and what they share.

``base`` is the plug-in interface (``Exporter[Options]``, ``BuildContext``); ``common/`` holds
what several formats need, written once; ``pdf/``, ``epub/`` and ``pptx/`` (``model/`` then
``output/``) each state their pipeline in their ``__init__``.
"""
