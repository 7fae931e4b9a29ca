"""Time travel: synthetic aging, damage detection, fidelity metrics and evaluation."""
