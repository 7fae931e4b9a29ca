"""The restore pipeline: plan crops around the damage, run an engine on each, paste back through the
blend band, and keep every step as a layer."""
