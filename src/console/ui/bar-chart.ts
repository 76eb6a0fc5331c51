import { html, type Raw } from '../../oauth/interactions/html.js';

export interface ChartPoint {
  /** the x label, e.g. a UTC day */
  label: string;
  value: number;
}

const WIDTH = 720;
const HEIGHT = 220;
const PAD = { top: 16, right: 12, bottom: 32, left: 48 };

/** A round upper bound for the y axis (1, 2, 5 × 10^n) and its ticks. */
export function axis(max: number): number[] {
  if (max <= 0) return [0, 1];
  const magnitude = 10 ** Math.floor(Math.log10(max));
  const top = [1, 2, 5, 10].map((m) => m * magnitude).find((t) => t >= max)!;
  const step = top / 4;
  return [0, 1, 2, 3, 4].map((i) => Number((i * step).toPrecision(6)));
}

/**
 * A bar chart drawn on the server as SVG (no script, no inline style: presentation attributes
 * and classes only, so the console's CSP holds). It has a title for assistive technology and a
 * table of the same numbers beside it.
 */
export function barChart(o: { title: string; points: ChartPoint[] }): Raw {
  const ticks = axis(Math.max(0, ...o.points.map((p) => p.value)));
  const top = ticks[ticks.length - 1];
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const band = plotW / Math.max(1, o.points.length);
  const y = (v: number) => PAD.top + plotH - (v / top) * plotH;
  const every = Math.max(1, Math.ceil(o.points.length / 6));
  const bars = o.points.map((p, i) => {
    const h = Math.max(p.value > 0 ? 1 : 0, (p.value / top) * plotH);
    const x = PAD.left + i * band + band * 0.15;
    return html`<rect class="bar" x="${x.toFixed(1)}" y="${(PAD.top + plotH - h).toFixed(1)}" width="${(band * 0.7).toFixed(1)}" height="${h.toFixed(1)}"><title>${p.label}: ${p.value}</title></rect>`;
  });
  const xLabels = o.points.map((p, i) => (i % every === 0
    ? html`<text class="tick" x="${(PAD.left + i * band + band / 2).toFixed(1)}" y="${HEIGHT - 10}" text-anchor="middle">${p.label.slice(5)}</text>` : ''));
  const grid = ticks.map((t) => html`<line class="grid" x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}"></line>
<text class="tick" x="${PAD.left - 8}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end">${t}</text>`);
  const total = o.points.reduce((s, p) => s + p.value, 0);
  return html`<figure class="chart">
<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${o.title}: ${total} in total" preserveAspectRatio="xMidYMid meet">
${grid}${bars}${xLabels}
</svg>
<details class="chart-data"><summary>Show the numbers</summary>
<table><caption class="vh">${o.title}</caption><thead><tr><th scope="col">Day</th><th scope="col">Requests</th></tr></thead>
<tbody>${o.points.map((p) => html`<tr><td>${p.label}</td><td>${p.value}</td></tr>`)}</tbody></table></details>
</figure>`;
}
