"""Tests of the SPARQL endpoint, its commands and the competency queries."""
