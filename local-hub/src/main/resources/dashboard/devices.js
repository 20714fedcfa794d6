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

  render() {
    const rows = this.devices.map(device => {
      const enabled = device.status === 'enabled';
      return el('tr', { 'data-device-id': device.deviceId },
        el('th', { scope: 'row', text: device.deviceId }),
        el('td', { class: device.connectionState === 'Connected' ? 'connected' : 'disconnected', text: device.connectionState }),
        el('td', { text: formatTime(device.lastActivityTime) }),
        el('td', { text: device.status }),
        el('td', {},
          el('button', { type: 'button', text: enabled ? 'Disable' : 'Enable',
            'aria-label': `${enabled ? 'Disable' : 'Enable'} ${device.deviceId}`,
            onclick: () => this.act(() => this.api.setStatus(device, enabled ? 'disabled' : 'enabled')) }),
          el('button', { type: 'button', text: 'Delete', class: 'danger', 'aria-label': `Delete ${device.deviceId}`,
            onclick: () => {
              if (confirm(`Delete device ${device.deviceId}? Its keys, twin and connection go with it.`)) {
                this.act(() => this.api.deleteDevice(device));
              }
            } })));
    });
    $('devices-table').tBodies[0].replaceChildren(...rows);
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
