"""The side panels of the studio: each builds requests or shows state; none runs work itself."""
