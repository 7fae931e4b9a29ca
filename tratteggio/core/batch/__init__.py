"""Collections: one request run over many photos, each result documented, resumable.

`plan_jobs` turns a folder or a list into `Job`s (paths only); a `Worker` loads its engine once and
restores photo after photo exactly as `tratteggio restore` does; a backend runs the workers, in this
process (`inprocess`) or on a Ray cluster (`cluster`, the only module that imports Ray); `run_batch`
keeps the journal (`OUT/_batch/status.jsonl`, `summary.json`, `errors/`).
"""
