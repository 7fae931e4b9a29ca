"""Content Credentials (C2PA): a signed manifest inside an exported photo saying what was done to it,
by whom, with what. `identity` makes and checks a lab's signing certificates (with `cryptography`);
`sign` and `read` speak to `c2pa-python`, the optional `credentials` extra, imported lazily."""
