"""A PNG bar chart of deliveries per hour (Pillow; pure, no I/O). Render it in a thread."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 960, 420
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 60, 20, 40, 50
BAR = (52, 120, 200)
AXIS = (90, 90, 90)
GRID = (225, 225, 225)


def deliveries_chart(
    per_hour: Sequence[tuple[float, int]], *, since: float, until: float, tz: str
) -> bytes:
    """Bars for every hour in [since, until) (hours without sends are empty), the
    y axis scaled to the busiest hour, a label at each local midnight. Only digits are
    drawn (Pillow's built-in font has no Cyrillic): the title goes in the caption."""
    zone = ZoneInfo(tz)
    first_hour = int(since // 3600)
    hours = max(1, int(until // 3600) - first_hour + 1)
    counts = [0] * hours
    for hour_start, n in per_hour:
        index = int(hour_start // 3600) - first_hour
        if 0 <= index < hours:
            counts[index] += n
    peak = max(counts) or 1

    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default()
    plot_w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    bottom = MARGIN_TOP + plot_h
    for step in range(5):  # horizontal grid with counts
        y = bottom - plot_h * step / 4
        draw.line([(MARGIN_LEFT, y), (WIDTH - MARGIN_RIGHT, y)], fill=GRID)
        draw.text((8, y - 6), f"{round(peak * step / 4)}", fill=AXIS, font=font)
    width = plot_w / hours
    for index, n in enumerate(counts):
        x0 = MARGIN_LEFT + index * width
        if n:
            top = bottom - plot_h * n / peak
            draw.rectangle([x0 + 0.5, top, x0 + max(1.0, width - 1), bottom], fill=BAR)
        moment = datetime.fromtimestamp((first_hour + index) * 3600, zone)
        if moment.hour == 0:
            draw.line([(x0, bottom), (x0, bottom + 5)], fill=AXIS)
            draw.text((x0 + 2, bottom + 8), moment.strftime("%d.%m"), fill=AXIS, font=font)
    draw.line([(MARGIN_LEFT, bottom), (WIDTH - MARGIN_RIGHT, bottom)], fill=AXIS)
    draw.line([(MARGIN_LEFT, MARGIN_TOP), (MARGIN_LEFT, bottom)], fill=AXIS)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
