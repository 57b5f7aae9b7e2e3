"""Benchmarks, not tests: what `fukushi-kg bench WHICH` runs (server.commands.bench dispatches). One module per
benchmark; server.bench.harness holds what they share (free ports, starting and stopping servers, timed SPARQL
requests, the peer engine, printing figures against their targets)."""
