// The live chart: every numeric field of the telemetry bodies over the last minutes, one line per device and field.
import uPlot from './vendor/uPlot.esm.js';
import { $ } from './ui.js';

const WINDOW_SECONDS = 5 * 60;
const COLORS = ['#0b5cad', '#b3261e', '#1b7a3a', '#8a4b00', '#6b3fa0', '#00707a'];

export class TelemetryChart {
  constructor(container) {
    this.container = container;
    this.times = [];
    this.series = new Map(); // "device · field" -> values aligned with times
    this.plot = null;
    new ResizeObserver(() => this.plot?.setSize(this.size())).observe(container);
  }

  clear() {
    this.times = [];
    this.series.clear();
    this.rebuild();
  }

  /** One message: a point for each of its numeric body fields. */
  add(deviceId, enqueuedTime, body) {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      return;
    }
    const numbers = Object.entries(body).filter(([, value]) => typeof value === 'number' && Number.isFinite(value));
    if (!numbers.length) {
      return;
    }
    const time = new Date(enqueuedTime).getTime() / 1000;
    let rebuild = false;
    for (const [field] of numbers) {
      const name = `${deviceId} · ${field}`;
      if (!this.series.has(name)) {
        this.series.set(name, this.times.map(() => null));
        rebuild = true;
      }
    }
    this.times.push(time);
    const values = new Map(numbers.map(([field, value]) => [`${deviceId} · ${field}`, value]));
    for (const [name, column] of this.series) {
      column.push(values.has(name) ? values.get(name) : null);
    }
    this.trim(time);
    if (rebuild || !this.plot) {
      this.rebuild();
    } else {
      this.plot.setData(this.data());
    }
    this.summarize();
  }

  trim(now) {
    let drop = 0;
    while (drop < this.times.length && this.times[drop] < now - WINDOW_SECONDS) {
      drop++;
    }
    if (drop) {
      this.times.splice(0, drop);
      for (const column of this.series.values()) {
        column.splice(0, drop);
      }
    }
  }

  data() {
    return [this.times, ...this.series.values()];
  }

  size() {
    return { width: Math.max(300, this.container.clientWidth), height: 260 };
  }

  rebuild() {
    this.plot?.destroy();
    this.plot = null;
    if (!this.series.size) {
      this.summarize();
      return;
    }
    const names = Array.from(this.series.keys());
    this.plot = new uPlot({
      ...this.size(),
      series: [{ label: 'time' }, ...names.map((name, index) => ({
        label: name, stroke: COLORS[index % COLORS.length], width: 2, spanGaps: true,
        points: { show: true, size: 5 },
      }))],
      axes: [{}, {}],
      scales: { x: { time: true } },
    }, this.data(), this.container);
  }

  summarize() {
    const points = Array.from(this.series.values()).reduce((sum, column) => sum + column.filter(v => v !== null).length, 0);
    const latest = Array.from(this.series.entries())
      .map(([name, column]) => {
        const last = [...column].reverse().find(value => value !== null);
        return last === undefined ? null : `${name} ${last}`;
      })
      .filter(Boolean);
    $('chart-summary').textContent = points
      ? `${points} points over the last ${WINDOW_SECONDS / 60} minutes. Latest: ${latest.join(', ')}.`
      : 'No numeric telemetry yet.';
    $('chart-summary').dataset.points = String(points);
  }
}
