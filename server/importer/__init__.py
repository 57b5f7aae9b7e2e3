"""Import a plan document (text or PDF) into a draft in the project's data model.

reading.py gives the document's lines with page numbers, outline.py finds the plan in them with
rules for how Japanese municipal plans are written, draft.py writes the draft Turtle and review.py
the page a planner checks it on.
"""
