"""An existing SPARQL engine behind the same front: publishing the graphs to it (SPARQL 1.1 Graph Store HTTP
Protocol) and answering /sparql from it (SPARQL 1.1 Protocol), for deployments that outgrow one process."""
