'use strict';
// A twin PATCH {"properties":{"desired":null}} sent by the Node service SDK (Registry.updateTwin) removes every
// desired property, and a Node device on MQTT gets a desired patch naming each removed one with null. Exits 1
// otherwise. Run against a running hub:
//   NODE_EXTRA_CA_CERTS=<data-dir>/ca.pem IOTHUB_CONNECTION_STRING='HostName=...;SharedAccessKeyName=iothubowner;...' \
//     node twin-desired-null.js
const fs = require('fs');
const { Registry } = require('azure-iothub');
const { Client } = require('azure-iot-device');
const { Mqtt } = require('azure-iot-device-mqtt');

const connectionString = process.env.IOTHUB_CONNECTION_STRING;
if (!connectionString) {
  console.error('Set IOTHUB_CONNECTION_STRING to a connection string of policy iothubowner.');
  process.exit(2);
}
const registry = Registry.fromConnectionString(connectionString);
const hostName = /HostName=([^;]+)/.exec(connectionString)[1];
const deviceId = 'node-twin-null-' + process.pid;

async function main() {
  const created = (await registry.create({ deviceId })).responseBody;
  const device = Client.fromConnectionString(
    `HostName=${hostName};DeviceId=${deviceId};SharedAccessKey=${created.authentication.symmetricKey.primaryKey}`, Mqtt);
  device.setOptions({ ca: fs.readFileSync(process.env.NODE_EXTRA_CA_CERTS, 'utf8') });
  await device.open();
  const twin = await device.getTwin();
  const patches = [];
  twin.on('properties.desired', (patch) => patches.push(JSON.parse(JSON.stringify(patch))));

  await registry.updateTwin(deviceId, { properties: { desired: { interval: 7, mode: 'eco' } } }, '*');
  await registry.updateTwin(deviceId, { properties: { desired: null } }, '*');
  const after = (await registry.getTwin(deviceId)).responseBody;
  await new Promise((resolve) => setTimeout(resolve, 2000));

  const removal = patches.find((p) => 'interval' in p && p.interval === null);
  const desired = Object.keys(after.properties.desired).filter((k) => !k.startsWith('$'));
  console.log('desired after the null PATCH:', JSON.stringify(desired), '$version', after.properties.desired.$version);
  console.log('patches the device got:', JSON.stringify(patches));
  await device.close();
  await registry.delete(deviceId);
  const ok = desired.length === 0 && removal && removal.mode === null && removal.$version === after.properties.desired.$version;
  console.log(ok ? 'ok' : 'FAIL');
  process.exit(ok ? 0 : 1);
}

main().catch((error) => {
  console.error('failed:', error);
  process.exit(2);
});
