// Telemetry: the hub's monitor stream as rows and a chart; pause, filter by device, replay from the hub's store.
import { $, el, fillDeviceSelect, formatTime } from './ui.js';
import { EventStream } from './event-stream.js';
import { TelemetryChart } from './chart.js';

const KEPT_MESSAGES = 2000;
const SHOWN_ROWS = 200;

export class TelemetryPanel {
  constructor(api) {
    this.messages = [];
    this.paused = false;
    this.unseen = 0;
    this.chart = new TelemetryChart($('telemetry-chart'));
    this.stream = new EventStream(api, event => this.received(event), (state, detail) => this.state(state, detail));
    $('telemetry-device').addEventListener('change', () => this.redraw());
    $('telemetry-pause').addEventListener('click', () => this.togglePause());
    $('telemetry-replay').addEventListener('click', () => this.replay());
  }

  start() {
    this.stream.open();
  }

  devicesChanged(devices) {
    fillDeviceSelect($('telemetry-device'), devices.map(device => device.deviceId), { allOption: 'All devices' });
  }

  /** Everything the hub stored, then live again; the view starts over. */
  replay() {
    this.messages = [];
    this.redraw();
    this.stream.open({ from: 0 });
  }

  togglePause() {
    this.paused = !this.paused;
    $('telemetry-pause').textContent = this.paused ? 'Resume' : 'Pause';
    $('telemetry-pause').setAttribute('aria-pressed', String(this.paused));
    if (!this.paused) {
      this.unseen = 0;
      this.redraw();
    }
    this.showStatus();
  }

  received(event) {
    if (event.type !== 'telemetry') {
      return;
    }
    const message = JSON.parse(event.data);
    this.messages.push(message);
    if (this.messages.length > KEPT_MESSAGES) {
      this.messages.shift();
    }
    if (this.paused) {
      this.unseen++;
      this.showStatus();
      return;
    }
    if (this.shows(message)) {
      $('telemetry-table').tBodies[0].prepend(this.row(message));
      const rows = $('telemetry-table').tBodies[0].rows;
      while (rows.length > SHOWN_ROWS) {
        rows[rows.length - 1].remove();
      }
      this.chart.add(message.deviceId, message.enqueuedTime, message.body);
    }
  }

  shows(message) {
    const filter = $('telemetry-device').value;
    return !filter || message.deviceId === filter;
  }

  redraw() {
    const shown = this.messages.filter(message => this.shows(message));
    $('telemetry-table').tBodies[0].replaceChildren(...shown.slice(-SHOWN_ROWS).reverse().map(message => this.row(message)));
    this.chart.clear();
    shown.forEach(message => this.chart.add(message.deviceId, message.enqueuedTime, message.body));
  }

  row(message) {
    const body = message.body !== undefined
      ? (typeof message.body === 'string' ? message.body : JSON.stringify(message.body))
      : `(binary, base64) ${message.bodyBase64}`;
    const properties = Object.entries(message.properties || {}).map(([name, value]) => `${name}=${value}`).join(', ');
    return el('tr', { 'data-sequence-number': message.sequenceNumber },
      el('td', { text: formatTime(message.enqueuedTime), 'data-enqueued-time': message.enqueuedTime }),
      el('td', { text: message.deviceId }),
      el('td', { class: 'body', text: body }),
      el('td', { text: properties }));
  }

  state(state, detail) {
    this.connection = state === 'open' ? 'Live' : state === 'error' ? `Stream interrupted: ${detail}` : 'Reconnecting…';
    this.showStatus();
  }

  showStatus() {
    $('telemetry-status').textContent = this.paused
      ? `Paused: ${this.unseen} new message(s) not shown.`
      : this.connection || '';
  }
}
