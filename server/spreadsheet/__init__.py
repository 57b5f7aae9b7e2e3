"""The plan template (XLSX and CSV): export a bundled plan into it, and turn a filled one into a draft.

Columns follow 自治体標準オープンデータセット: the local government code and name first, one row per plan
or element. The mapping to RDF is CSV on the Web metadata (plan-template.csv-metadata.json).
"""
