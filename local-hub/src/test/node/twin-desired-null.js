'use strict';
// Twin PATCH {"properties":{"desired":null}} from the unmodified Node service SDK (Registry.updateTwin), seen by a
// Node device. The script creates <deviceId>, gives it desired properties interval and mode, connects it over
// <transport>, sends the null PATCH, and prints what each side then sees (the test asserts on these lines):
//   service desired before: <desired section of the twin, without $metadata>
//   service desired after: <the same after the null PATCH>
//   device got: <the first desired patch the device received that names a property with null, or 'none'>
//   device desired after: <the device twin's desired properties once that patch was merged>
// Then it deletes the device. Usage: node twin-desired-null.js <Mqtt|MqttWs|Amqp|AmqpWs> <deviceId>.
// Environment: CONNECTION_STRING (a policy with registry write), LOCALHUB_CA and NODE_EXTRA_CA_CERTS (the hub's CA).
const fs = require('fs');
const { Registry } = require('azure-iothub');
const { Client } = require('azure-iot-device');
const { transport } = require('./transports');

const PATCH_WAIT_MS = 10000;

function desiredOf(twin) {
  const { $metadata, ...desired } = twin.properties.desired;
  return JSON.stringify(desired);
}

async function main() {
  const [transportName, deviceId] = process.argv.slice(2);
  const registry = Registry.fromConnectionString(process.env.CONNECTION_STRING);
  const hostName = /HostName=([^;]+)/.exec(process.env.CONNECTION_STRING)[1];
  const created = (await registry.create({ deviceId })).responseBody;
  await registry.updateTwin(deviceId, { properties: { desired: { interval: 7, mode: 'eco' } } }, '*');
  console.log('service desired before: ' + desiredOf((await registry.getTwin(deviceId)).responseBody));

  const device = Client.fromConnectionString(
    `HostName=${hostName};DeviceId=${deviceId};SharedAccessKey=${created.authentication.symmetricKey.primaryKey}`,
    transport(transportName));
  await device.setOptions({ ca: fs.readFileSync(process.env.LOCALHUB_CA, 'utf8') });
  await device.open();
  const twin = await device.getTwin();
  const removal = new Promise((resolve) => {
    twin.on('properties.desired', (patch) => {
      if (Object.values(patch).some((value) => value === null)) {
        resolve(JSON.stringify(patch));
      }
    });
    setTimeout(() => resolve('none'), PATCH_WAIT_MS).unref();
  });
  // Adding the listener made the SDK ask for desired patches (an MQTT SUBSCRIBE, an AMQP PUT on the twin link); asking
  // once more with a callback waits for the hub's answer (SUBACK, or the PUT's status 200 over AMQP), so the PATCH
  // below cannot go unseen.
  await new Promise((resolve, reject) => twin.enableTwinDesiredPropertiesUpdates(
    (error) => (error ? reject(error) : resolve())));
  console.log('desired updates enabled');

  await registry.updateTwin(deviceId, { properties: { desired: null } }, '*');
  console.log('service desired after: ' + desiredOf((await registry.getTwin(deviceId)).responseBody));
  console.log('device got: ' + await removal);
  console.log('device desired after: ' + desiredOf(twin));
  await device.close();
  await registry.delete(deviceId);
}

main().then(() => process.exit(0), (error) => {
  console.error('failed: ' + (error && error.stack || error));
  process.exit(1);
});
