// Devices: the registry list (polled every 2 s: the hub's stream carries telemetry only), create, enable or
// disable, delete. Other panels listen for the list to fill their device choosers.
import { $, el, formatTime } from './ui.js';

const POLL_MILLIS = 2000;

export class DevicesPanel {
  constructor(api, onDevices) {
    this.api = api;
    this.onDevices = onDevices;
    this.devices = [];
    $('create-device').addEventListener('submit', event => {
      event.preventDefault();
      this.create($('new-device-id').value.trim());
    });
    $('copy-connection-string').addEventListener('click', () => this.copy());
  }

  start() {
    this.refresh();
    setInterval(() => this.refresh(), POLL_MILLIS);
  }

  async refresh() {
    try {
      this.devices = await this.api.devices();
      $('devices-error').textContent = '';
      this.render();
      this.onDevices(this.devices);
    } catch (error) {
      $('devices-error').textContent = `Cannot list the devices: ${error.message}`;
    }
  }

  /** Updates rows in place, so a button that has the keyboard focus keeps it while the list refreshes. */
  render() {
    const body = $('devices-table').tBodies[0];
    const rows = new Map(Array.from(body.rows).map(row => [row.dataset.deviceId, row]));
    const listed = new Set(this.devices.map(device => device.deviceId));
    for (const [deviceId, row] of rows) {
      if (!listed.has(deviceId)) {
        row.remove();
      }
    }
    for (const device of this.devices) {
      let row = rows.get(device.deviceId);
      if (!row) {
        row = this.newRow(device.deviceId);
        body.append(row);
      }
      row.device = device;
      const [connection, activity, status] = Array.from(row.cells).slice(1, 4);
      connection.textContent = device.connectionState;
      connection.className = device.connectionState === 'Connected' ? 'connected' : 'disconnected';
      activity.textContent = formatTime(device.lastActivityTime);
      status.textContent = device.status;
      const toggle = row.querySelector('button.toggle');
      const verb = device.status === 'enabled' ? 'Disable' : 'Enable';
      toggle.textContent = verb;
      toggle.setAttribute('aria-label', `${verb} ${device.deviceId}`);
    }
  }

  newRow(deviceId) {
    const row = el('tr', { 'data-device-id': deviceId },
      el('th', { scope: 'row', text: deviceId }), el('td'), el('td'), el('td'),
      el('td', {},
        el('button', { type: 'button', class: 'toggle', onclick: () => {
          const device = row.device;
          this.act(() => this.api.setStatus(device, device.status === 'enabled' ? 'disabled' : 'enabled'));
        } }),
        el('button', { type: 'button', text: 'Delete', class: 'danger', 'aria-label': `Delete ${deviceId}`,
          onclick: () => {
            if (confirm(`Delete device ${deviceId}? Its keys, twin and connection go with it.`)) {
              this.act(() => this.api.deleteDevice(row.device));
            }
          } })));
    return row;
  }

  async act(call) {
    try {
      await call();
      $('devices-error').textContent = '';
    } catch (error) {
      $('devices-error').textContent = error.message;
    }
    this.refresh();
  }

  async create(deviceId) {
    try {
      const device = await this.api.createDevice(deviceId);
      const key = device.authentication.symmetricKey.primaryKey;
      $('created-label').textContent = `Connection string of ${device.deviceId} (keep it secret: it is the device's key)`;
      $('created-connection-string').value = `HostName=${location.hostname};DeviceId=${device.deviceId};SharedAccessKey=${key}`;
      $('created-device').hidden = false;
      $('new-device-id').value = '';
      $('devices-error').textContent = '';
    } catch (error) {
      $('devices-error').textContent = error.message;
    }
    this.refresh();
  }

  async copy() {
    const field = $('created-connection-string');
    try {
      await navigator.clipboard.writeText(field.value);
      $('copy-connection-string').textContent = 'Copied';
    } catch {
      field.select();
      $('copy-connection-string').textContent = 'Press Ctrl+C';
    }
    setTimeout(() => { $('copy-connection-string').textContent = 'Copy'; }, 2000);
  }
}
