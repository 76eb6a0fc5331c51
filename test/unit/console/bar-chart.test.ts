import { axis, barChart } from '../../../src/console/ui/bar-chart.js';

describe('the server-drawn bar chart', () => {
  it('rounds the axis up to 1, 2 or 5 times a power of ten, in four steps', () => {
    expect(axis(0)).toEqual([0, 1]);
    expect(axis(7)).toEqual([0, 2.5, 5, 7.5, 10]);
    expect(axis(1300)).toEqual([0, 500, 1000, 1500, 2000]);
    expect(axis(50)).toEqual([0, 12.5, 25, 37.5, 50]);
  });

  it('draws one bar per point with its value as a title, no inline style, and a table of the numbers', () => {
    const svg = barChart({ title: 'Requests', points: [{ label: '2026-11-01', value: 3 }, { label: '2026-11-02', value: 0 }, { label: '2026-11-03', value: 10 }] }).value;
    expect(svg.match(/<rect /g)).toHaveLength(3);
    expect(svg).toContain('<title>2026-11-03: 10</title>');
    expect(svg).toContain('aria-label="Requests: 13 in total"');
    expect(svg).not.toMatch(/style=/);
    expect(svg).toContain('<td>2026-11-02</td><td>0</td>');
  });

  it('escapes labels', () => {
    expect(barChart({ title: '<x>', points: [{ label: '<script>', value: 1 }] }).value).not.toContain('<script>');
  });
});
