"""Annotations of plan elements: a lexicon (ontology/vocabularies.ttl), an annotator that proposes
target groups, 重層 functions, 再犯 priorities and statutory topics from an element's text and headings,
the curators' recorded decisions (data/annotations/decisions.tsv), and an audit report."""
