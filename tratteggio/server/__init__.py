"""`tratteggio serve`: the diffusion model of this computer, for Tratteggio clients on other computers.

A layer beside the CLI and the studio, on top of core: it runs only the model call of one region at
a time (core.engines.local_model), behind a bearer token, one run per device with a queue. FastAPI
and uvicorn come with the optional extra `tratteggio[server]`; torch only through the engine.
"""
