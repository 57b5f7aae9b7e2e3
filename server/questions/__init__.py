"""The named questions (queries/*.rq): their declared parameters, the query a set of parameter values makes, and
the page of rows a request asks for. Used by the command line, the pages and the build's summaries."""
