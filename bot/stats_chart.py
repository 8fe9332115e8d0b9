"""A PNG bar chart of deliveries per hour (Pillow; pure, no I/O). Render it in a thread."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 960, 420
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 64, 20, 30, 60
FONT_PX = 16  # Telegram shows the chart about half size: the default 10 px font was unreadable
HOUR_LABELS = 6  # an hour label every 6 h, the date at local midnight
BAR = (52, 120, 200)
AXIS = (90, 90, 90)
GRID = (225, 225, 225)


def ticks(peak: int, most: int = 5) -> list[int]:
    """Whole-number grid values from 0 to at least `peak` in a round step (1, 2, 5 × 10ⁿ),
    at most `most` steps: a peak of 1 gives 0, 1 — never "0, 0, 0, 1, 1"."""
    peak = max(peak, 1)
    step = 1
    while -(-peak // step) > most:
        step = step * 2 if str(step)[0] in "15" else step * 5 // 2  # 1, 2, 5, 10, 20, …
    return list(range(0, -(-peak // step) * step + 1, step))


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
    marks = ticks(max(counts))
    peak = marks[-1]

    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=FONT_PX)
    plot_w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    bottom = MARGIN_TOP + plot_h
    for mark in marks:  # horizontal grid at whole counts
        y = bottom - plot_h * mark / peak
        draw.line([(MARGIN_LEFT, y), (WIDTH - MARGIN_RIGHT, y)], fill=GRID)
        label = str(mark)
        draw.text(
            (MARGIN_LEFT - 8 - draw.textlength(label, font=font), y - FONT_PX / 2),
            label,
            fill=AXIS,
            font=font,
        )
    width = plot_w / hours
    for index, n in enumerate(counts):
        x0 = MARGIN_LEFT + index * width
        if n:
            top = bottom - plot_h * n / peak
            draw.rectangle([x0 + 0.5, top, x0 + max(1.0, width - 1), bottom], fill=BAR)
        moment = datetime.fromtimestamp((first_hour + index) * 3600, zone)
        if moment.hour % HOUR_LABELS == 0:
            draw.line([(x0, bottom), (x0, bottom + 5)], fill=AXIS)
            draw.text((x0 + 2, bottom + 6), moment.strftime("%H"), fill=AXIS, font=font)
        if moment.hour == 0:
            draw.line([(x0, bottom), (x0, bottom + 26)], fill=AXIS)
            draw.text(
                (x0 + 2, bottom + 8 + FONT_PX), moment.strftime("%d.%m"), fill=AXIS, font=font
            )
    draw.line([(MARGIN_LEFT, bottom), (WIDTH - MARGIN_RIGHT, bottom)], fill=AXIS)
    draw.line([(MARGIN_LEFT, MARGIN_TOP), (MARGIN_LEFT, bottom)], fill=AXIS)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
