"""Moving data in and out of GraphCRM.

* :mod:`~graphcrm.transfer.salesforce`: import a Salesforce export (one CSV per object).
* :mod:`~graphcrm.transfer.templates`: the GraphCRM templates, CSV or .xlsx (import and export).
* :mod:`~graphcrm.transfer.csvio` and :mod:`~graphcrm.transfer.sheets`: reading CSV files
  (encodings) and .xlsx workbooks as rows of text.
* :mod:`~graphcrm.transfer.plan`: what every import goes through: rows become
  checked nodes and relationships and a row-level report; nothing is written
  unless every row passed (see :class:`~graphcrm.transfer.plan.ImportPlan`).
* :mod:`~graphcrm.transfer.export`: GraphML, GEXF, node-link JSON and CSV.
* :mod:`~graphcrm.transfer.backup`: a complete, versioned JSON Lines dump and its restore.
* :mod:`~graphcrm.transfer.forget`: the right to erasure.
"""
