import { html, type Raw } from '../../oauth/interactions/html.js';

export interface ChartPoint {
  /** the x label, e.g. a UTC day */
  label: string;
  value: number;
}

/** One stacked series: its name (legend, table heading) and CSS class (its colour). */
export interface ChartSeries {
  name: string;
  className: string;
}

/** One column of a stacked chart: its x label (short, under the axis), its full label (tooltip, table) and a value per series. */
export interface ChartColumn {
  label: string;
  full: string;
  values: number[];
}

const WIDTH = 720;
const HEIGHT = 220;
const PAD = { top: 16, right: 12, bottom: 32, left: 56 };

/** A round upper bound for the y axis (1, 2, 5 × 10^n) and its ticks. */
export function axis(max: number): number[] {
  if (max <= 0) return [0, 1];
  const magnitude = 10 ** Math.floor(Math.log10(max));
  const top = [1, 2, 5, 10].map((m) => m * magnitude).find((t) => t >= max)!;
  const step = top / 4;
  return [0, 1, 2, 3, 4].map((i) => Number((i * step).toPrecision(6)));
}

const sum = (values: readonly number[]) => values.reduce((s, v) => s + v, 0);

/**
 * A stacked bar chart drawn on the server as SVG (no script, no inline style: presentation
 * attributes and classes only, so the console's CSP holds). The SVG is an image named by its
 * title and total; its text alternative is a table of the same numbers in a `<details>` beside it.
 */
export function stackedChart(o: { title: string; columnHeading: string; series: ChartSeries[]; columns: ChartColumn[] }): Raw {
  const ticks = axis(Math.max(0, ...o.columns.map((c) => sum(c.values))));
  const top = ticks[ticks.length - 1];
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const band = plotW / Math.max(1, o.columns.length);
  const y = (v: number) => PAD.top + plotH - (v / top) * plotH;
  const every = Math.max(1, Math.ceil(o.columns.length / 6));
  const bars = o.columns.flatMap((c, i) => {
    const x = (PAD.left + i * band + band * 0.15).toFixed(1);
    let base = 0;
    return c.values.map((v, s) => {
      if (v <= 0) return '';
      const y0 = y(base);
      base += v;
      const h = Math.max(1, y0 - y(base));
      return html`<rect class="bar ${o.series[s].className}" x="${x}" y="${(y0 - h).toFixed(1)}" width="${(band * 0.7).toFixed(1)}" height="${h.toFixed(1)}"><title>${c.full}: ${v} ${o.series[s].name.toLowerCase()}</title></rect>`;
    });
  });
  const xLabels = o.columns.map((c, i) => (i % every === 0
    ? html`<text class="tick" x="${(PAD.left + i * band + band / 2).toFixed(1)}" y="${HEIGHT - 10}" text-anchor="middle">${c.label}</text>` : ''));
  const grid = ticks.map((t) => html`<line class="grid" x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}"></line>
<text class="tick" x="${PAD.left - 8}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end">${t}</text>`);
  const totals = o.series.map((s, i) => `${sum(o.columns.map((c) => c.values[i]))} ${s.name.toLowerCase()}`).join(', ');
  const stacked = o.series.length > 1;
  return html`<figure class="chart">
<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${o.title}: ${totals}" preserveAspectRatio="xMidYMid meet">
${grid}${bars}${xLabels}
</svg>
${stacked ? html`<ul class="legend" aria-hidden="true">${o.series.map((s) => html`<li><span class="swatch ${s.className}"></span>${s.name}</li>`)}</ul>` : ''}
<details class="chart-data"><summary>Show the numbers<span class="vh">: ${o.title}</span></summary>
<div class="table-scroll" tabindex="0" role="region" aria-label="${o.title}: the numbers"><table><caption class="vh">${o.title}</caption>
<thead><tr><th scope="col">${o.columnHeading}</th>${o.series.map((s) => html`<th scope="col">${s.name}</th>`)}${stacked ? html`<th scope="col">Total</th>` : ''}</tr></thead>
<tbody>${o.columns.map((c) => html`<tr><th scope="row">${c.full}</th>${c.values.map((v) => html`<td>${v}</td>`)}${stacked ? html`<td>${sum(c.values)}</td>` : ''}</tr>`)}</tbody></table></div></details>
</figure>`;
}

/** A one-series bar chart (e.g. a key's requests per day). */
export function barChart(o: { title: string; points: ChartPoint[] }): Raw {
  return stackedChart({
    title: o.title, columnHeading: 'Day', series: [{ name: 'Requests', className: 'series-0' }],
    columns: o.points.map((p) => ({ label: p.label.slice(5), full: p.label, values: [p.value] })),
  });
}
