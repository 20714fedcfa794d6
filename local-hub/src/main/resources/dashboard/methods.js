// Direct methods: invoke one and show the device's status, payload and the round-trip time, with the back-end
// application's texts for the errors a quickstart user meets.
import { $, el, fillDeviceSelect } from './ui.js';

const DEVICE_NOT_ONLINE = 404103;
const DEVICE_NOT_FOUND = 404001;
const GATEWAY_TIMEOUT = 504101;

export class MethodsPanel {
  constructor(api) {
    this.api = api;
    $('method-form').addEventListener('submit', event => {
      event.preventDefault();
      this.invoke();
    });
  }

  devicesChanged(devices) {
    fillDeviceSelect($('method-device'), devices.map(device => device.deviceId));
  }

  async invoke() {
    const call = {
      deviceId: $('method-device').value,
      methodName: $('method-name').value.trim(),
      responseTimeoutInSeconds: Number($('method-response-timeout').value),
      connectTimeoutInSeconds: Number($('method-connect-timeout').value),
    };
    let payload;
    try {
      payload = JSON.parse($('method-payload').value);
    } catch (error) {
      this.show('error', `The payload is not JSON: ${error.message}`);
      return;
    }
    $('method-invoke').disabled = true;
    this.show('pending', `Invoking ${call.methodName} on ${call.deviceId}…`);
    const started = performance.now();
    try {
      const answer = await this.api.invokeMethod(call.deviceId, {
        methodName: call.methodName, payload,
        responseTimeoutInSeconds: call.responseTimeoutInSeconds, connectTimeoutInSeconds: call.connectTimeoutInSeconds,
      });
      const roundTrip = Math.round(performance.now() - started);
      const ok = answer.status >= 200 && answer.status < 300;
      $('method-result').replaceChildren(
        el('p', { class: ok ? 'ok' : 'error', id: 'method-status',
          text: `Device ${call.deviceId} answered status ${answer.status} in ${roundTrip} ms`
            + (ok ? '.' : ` (the device refused ${call.methodName}: check the method name and payload).`) }),
        el('pre', { id: 'method-payload-answer', text: JSON.stringify(answer.payload, null, 2) }));
    } catch (error) {
      this.show('error', explain(call, location.host, error));
    } finally {
      $('method-invoke').disabled = false;
    }
  }

  show(kind, text) {
    $('method-result').replaceChildren(el('p', { class: kind, id: 'method-status', text }));
  }
}

/** The back-end application's wording (OutcomeMapper), with the form's fields instead of its options. */
function explain(call, hub, error) {
  switch (error.errorCode) {
    case DEVICE_NOT_ONLINE:
      return `error: device ${call.deviceId} is not connected to the hub (waited ${call.connectTimeoutInSeconds} s): `
        + 'start the simulated device first, or raise the connect timeout';
    case DEVICE_NOT_FOUND:
      return `error: device ${call.deviceId} is not registered in the hub ${hub}: check the device, `
        + 'or create it on the Devices tab';
    case GATEWAY_TIMEOUT:
      return `error: device ${call.deviceId} did not answer ${call.methodName} within ${call.responseTimeoutInSeconds} s: `
        + 'check that the device is running and handles it, or raise the response timeout';
    default:
      return `error: the hub ${hub} answered with error ${error.errorCode}: ${error.message}`;
  }
}
