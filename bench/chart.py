"""A chart of each page's throughput ÷ the bare signed-in page's, per size (var/bench/chart.png).

Drawn as SVG and photographed by the system's Chromium through Playwright (both already used by the browser
tests); without Chromium the chart is skipped and the table stands alone.
"""

from __future__ import annotations

import html
import shutil
from pathlib import Path

from bench.report import MIN_TO_BARE

COLOURS = {"tiny": "#6c757d", "small": "#5b9bd5", "large": "#1d4f73"}
BAR, GAP, LABEL_WIDTH, PLOT_WIDTH = 9, 8, 250, 520


def chart_svg(measured: dict[str, dict]) -> str:
    sizes = list(measured)
    names = [name for name, page in next(iter(measured.values()))["pages"].items() if page["admin"]]
    row = BAR * len(sizes) + GAP
    height = 60 + row * len(names)
    top = max(1.0, *(r["pages"][n]["to_bare"] for r in measured.values() for n in names if n in r["pages"]))
    scale = PLOT_WIDTH / top
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{LABEL_WIDTH + PLOT_WIDTH + 40}" height="{height}" '
             'font-family="sans-serif" font-size="12">',
             '<rect width="100%" height="100%" fill="#fff"/>',
             f'<text x="10" y="18" font-size="14" font-weight="bold">Throughput ÷ the bare signed-in page '
             f'(target ≥ {MIN_TO_BARE:.2f}, dashed)</text>']
    for index, size in enumerate(sizes):
        parts.append(f'<rect x="{LABEL_WIDTH + index * 90}" y="28" width="10" height="10" fill="{COLOURS[size]}"/>'
                     f'<text x="{LABEL_WIDTH + index * 90 + 14}" y="37">{size}</text>')
    for position, name in enumerate(names):
        y = 50 + position * row
        parts.append(f'<text x="{LABEL_WIDTH - 6}" y="{y + row / 2}" text-anchor="end">{html.escape(name)}</text>')
        for index, size in enumerate(sizes):
            page = measured[size]["pages"].get(name)
            if page:
                parts.append(f'<rect x="{LABEL_WIDTH}" y="{y + index * BAR}" height="{BAR - 1}" '
                             f'width="{page["to_bare"] * scale:.1f}" fill="{COLOURS[size]}"/>')
    target = LABEL_WIDTH + MIN_TO_BARE * scale
    parts.append(f'<line x1="{target:.1f}" x2="{target:.1f}" y1="45" y2="{height - 5}" stroke="#b02a37" '
                 'stroke-dasharray="4 3"/></svg>')
    return "".join(parts)


def chart_png(measured: dict[str, dict], path: Path) -> Path | None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not measured or chromium is None:
        return None
    from playwright.sync_api import sync_playwright

    svg = chart_svg(measured)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        page = browser.new_page()
        page.set_content(f'<body style="margin:0">{svg}</body>')
        page.locator("svg").screenshot(path=str(path))
        browser.close()
    return path
