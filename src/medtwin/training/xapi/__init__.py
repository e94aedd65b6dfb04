"""Learning records: xAPI 1.0.3 statements of a case run, a local store, an LRS.

- `statements`: the statements of a run (start and end, every trainee action with its
  case time and key vitals, every scored result, every coach prompt), with ids derived
  from the run so the same run gives the same statements;
- `validation`: the xAPI 1.0.3 structure every statement must have, checked before a
  statement is written, stored or sent;
- `reading`: statements read back from JSON lines, every bad line named;
- `store`: a local statements store (SQLite, or any SQLAlchemy URL) with an outbox of
  statements not yet forwarded, so a site without an LRS keeps its records;
- `lrs`: forwarding the outbox to an external LRS in order, with retries; a statement
  leaves the outbox only once the LRS has it;
- `commands`: `medtwin xapi import|send|status`, and what `case run --xapi --store` writes.

docs/training.md ("Learning records") shows the statements and the verbs they use.
"""
