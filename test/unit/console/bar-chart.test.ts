import { axis, barChart, stackedChart } from '../../../src/console/ui/bar-chart.js';

describe('the server-drawn bar chart', () => {
  it('rounds the axis up to 1, 2 or 5 times a power of ten, in four steps', () => {
    expect(axis(0)).toEqual([0, 1]);
    expect(axis(7)).toEqual([0, 2.5, 5, 7.5, 10]);
    expect(axis(1300)).toEqual([0, 500, 1000, 1500, 2000]);
    expect(axis(50)).toEqual([0, 12.5, 25, 37.5, 50]);
  });

  it('draws one bar per non-zero point with its value as a title, no inline style, and a table of the numbers', () => {
    const svg = barChart({ title: 'Requests', points: [{ label: '2026-11-01', value: 3 }, { label: '2026-11-02', value: 0 }, { label: '2026-11-03', value: 10 }] }).value;
    expect(svg.match(/<rect /g)).toHaveLength(2);
    expect(svg).toContain('<title>2026-11-03: 10 requests</title>');
    expect(svg).toContain('aria-label="Requests: 13 requests"');
    expect(svg).not.toMatch(/style=/);
    expect(svg).toContain('<th scope="row">2026-11-02</th><td>0</td>');
  });

  it('stacks series on each other, the first at the bottom, and totals each row of its table', () => {
    const svg = stackedChart({
      title: 'Requests by outcome', columnHeading: 'Hour',
      series: [{ name: 'OK', className: 'ok' }, { name: 'Denied', className: 'denied' }],
      columns: [{ label: '10:00', full: '10:00', values: [30, 10] }, { label: '11:00', full: '11:00', values: [0, 0] }],
    }).value;
    // the axis tops at 50: 30 ok fill 60 % of the 172-pixel plot from its bottom (y 188), 10 denied sit on them
    expect(svg).toContain('class="bar ok" x="104.9" y="84.8" width="228.2" height="103.2"');
    expect(svg).toContain('class="bar denied" x="104.9" y="50.4" width="228.2" height="34.4"');
    expect(svg).toContain('aria-label="Requests by outcome: 30 ok, 10 denied"');
    expect(svg).toContain('<th scope="row">10:00</th><td>30</td><td>10</td><td>40</td>');
    expect(svg).toContain('<th scope="col">Total</th>');
  });

  it('escapes labels', () => {
    expect(barChart({ title: '<x>', points: [{ label: '<script>', value: 1 }] }).value).not.toContain('<script>');
  });
});
