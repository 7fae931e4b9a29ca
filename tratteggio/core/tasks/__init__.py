"""Use cases, one function each: restore a file, rerun a record, extend, imagine, revive, export a
document or a project, save a project as.

Each owns the whole protocol: check every target before any work, load, run, write the documented
set with everything it writes (step previews included) inside the one all-or-nothing `FileSet`.
The command line parses, calls one task and prints; the batch worker and the studio call the same
tasks. Nothing is re-exported here: import the task's own module (start-up stays light).
"""
