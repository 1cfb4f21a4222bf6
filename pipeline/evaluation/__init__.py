"""Quality against gold annotations: span and B-cubed scores (`scoring`) and the
`entity-graph eval` runner (`evaluate`)."""
