"""IIIF: fetch a museum's master at full resolution from its Image API service (info.json and
tiles), or from a Presentation manifest's canvas. `service` reads what a server declares, `http`
speaks to it (stdlib urllib, bounded), `fetch` downloads the tiles, stitches and writes the master."""
