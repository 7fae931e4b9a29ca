"""The published colours of the X-Rite ColorChecker Classic (24 patches).

CIELAB D50 (2° observer) of the charts made from November 2014 on, as X-Rite publishes them for the
ColorChecker Classic (its data file, measured with an i1Pro 2, M0, no filter). Order: the chart's
rows from the brown "dark skin" patch, left to right, top to bottom; the last row is the gray
scale from white to black. Older charts (before 2014) differ by up to about 2 ΔE00 on some patches.
"""

from __future__ import annotations

import numpy as np

NAMES = (
    "dark skin", "light skin", "blue sky", "foliage", "blue flower", "bluish green",
    "orange", "purplish blue", "moderate red", "purple", "yellow green", "orange yellow",
    "blue", "green", "red", "yellow", "magenta", "cyan",
    "white 9.5", "neutral 8", "neutral 6.5", "neutral 5", "neutral 3.5", "black 2",
)  # fmt: skip

LAB_D50 = np.array(
    [
        (37.54, 14.37, 14.92), (64.66, 19.27, 17.50), (49.32, -3.82, -22.54),
        (43.46, -12.74, 22.72), (54.94, 9.61, -24.79), (70.48, -32.26, -0.37),
        (62.73, 35.83, 56.50), (39.43, 10.75, -45.17), (50.57, 48.64, 16.67),
        (30.10, 22.54, -20.87), (71.77, -24.13, 58.19), (71.51, 18.24, 67.37),
        (28.37, 15.42, -49.80), (54.38, -39.72, 32.27), (42.43, 51.05, 28.62),
        (81.80, 2.67, 80.41), (50.63, 51.28, -14.12), (49.57, -29.71, -28.32),
        (95.19, -1.03, 2.93), (81.29, -0.57, 0.44), (66.89, -0.75, -0.06),
        (50.76, -0.13, 0.14), (35.63, -0.46, -0.48), (20.64, 0.07, -0.46),
    ]
)  # fmt: skip
SOURCE = "X-Rite ColorChecker Classic, November 2014 and newer (CIELAB D50, 2°)"

D50 = np.array([0.96422, 1.0, 0.82521])
BRADFORD_D50_TO_D65 = np.array(
    [
        [0.9555766, -0.0230393, 0.0631636],
        [-0.0282895, 1.0099416, 0.0210077],
        [0.0122982, -0.0204830, 1.3299098],
    ]
)
XYZ_D65_TO_SRGB = np.array(
    [
        [3.2404542, -1.5371385, -0.4985314],
        [-0.9692660, 1.8760108, 0.0415560],
        [0.0556434, -0.2040259, 1.0572252],
    ]
)


def lab_d50_to_srgb(lab: np.ndarray) -> np.ndarray:
    """CIELAB D50 to sRGB (D65, Bradford-adapted), 0..1, clipped to the gamut."""
    lab = np.asarray(lab, np.float64)
    fy = (lab[..., 0] + 16.0) / 116.0
    f = np.stack([fy + lab[..., 1] / 500.0, fy, fy - lab[..., 2] / 200.0], axis=-1)
    xyz = np.where(f > 6.0 / 29.0, f**3, 3.0 * (6.0 / 29.0) ** 2 * (f - 4.0 / 29.0)) * D50
    linear = np.clip(xyz @ BRADFORD_D50_TO_D65.T @ XYZ_D65_TO_SRGB.T, 0.0, 1.0)
    return np.where(linear <= 0.0031308, 12.92 * linear, 1.055 * linear ** (1 / 2.4) - 0.055)


def srgb_to_lab_d50(rgb: np.ndarray) -> np.ndarray:
    """sRGB 0..1 (D65) to CIELAB D50 (Bradford-adapted): the inverse of `lab_d50_to_srgb`."""
    rgb = np.clip(np.asarray(rgb, np.float64), 0.0, 1.0)
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    xyz = linear @ np.linalg.inv(XYZ_D65_TO_SRGB).T @ np.linalg.inv(BRADFORD_D50_TO_D65).T / D50
    f = np.where(xyz > (6.0 / 29.0) ** 3, np.cbrt(xyz), xyz / (3.0 * (6.0 / 29.0) ** 2) + 4.0 / 29.0)
    return np.stack(
        [116.0 * f[..., 1] - 16.0, 500.0 * (f[..., 0] - f[..., 1]), 200.0 * (f[..., 1] - f[..., 2])], -1
    )


def reference_srgb() -> np.ndarray:
    """The 24 patches as sRGB 0..1 (24 x 3)."""
    return lab_d50_to_srgb(LAB_D50)
