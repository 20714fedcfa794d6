// Faults: sets off one of IoT Hub's fault injections on a device's connection (the local hub's POST
// /devices/{id}/faults, as 'local-hub fault' does), for a device that cannot send the fault message itself.
import { $, el, fillDeviceSelect } from './ui.js';

const DEVICE_NOT_ONLINE = 404103;
const REFUSALS = new Set(['InvokeThrottling', 'InvokeMaxMessageQuota', 'InvokeAuthError']);

export class FaultsPanel {
  constructor(api) {
    this.api = api;
    $('fault-form').addEventListener('submit', event => {
      event.preventDefault();
      this.inject();
    });
  }

  /** Only connected devices: a fault needs a connection to act on. */
  devicesChanged(devices) {
    fillDeviceSelect($('fault-device'), devices
      .filter(device => device.connectionState === 'Connected')
      .map(device => device.deviceId));
  }

  async inject() {
    const deviceId = $('fault-device').value;
    const fault = {
      type: $('fault-type').value,
      reason: $('fault-reason').value,
      delayInSeconds: Number($('fault-delay').value),
      durationInSeconds: REFUSALS.has($('fault-type').value) ? Number($('fault-duration').value) : 0,
    };
    if (!deviceId) {
      this.show('error', 'error: no device is connected: start one first');
      return;
    }
    $('fault-inject').disabled = true;
    try {
      const answer = await this.api.injectFault(deviceId, fault);
      this.show('ok', describe(deviceId, answer));
    } catch (error) {
      this.show('error', error.errorCode === DEVICE_NOT_ONLINE
        ? `error: device ${deviceId} is not connected, or its protocol has no ${fault.type} fault `
          + '(KillTcp works on every protocol; AMQP faults need an AMQP device)'
        : `error: the hub answered with error ${error.errorCode}: ${error.message}`);
    } finally {
      $('fault-inject').disabled = false;
    }
  }

  show(kind, text) {
    $('fault-result').replaceChildren(el('span', { class: kind, text }));
  }
}

function describe(deviceId, answer) {
  const when = answer.delayInSeconds > 0 ? `in ${answer.delayInSeconds} s` : 'now';
  return REFUSALS.has(answer.type)
    ? `${answer.type} set off for ${deviceId}: its telemetry is refused ${when}, for ${answer.durationInSeconds} s.`
    : `${answer.type} set off for ${deviceId}: its connection breaks ${when}.`;
}
