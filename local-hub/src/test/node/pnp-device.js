'use strict';
// A device on the unmodified Node MQTT transport that announces an IoT Plug and Play model id (setOptions modelId:
// the user name's &model-id=, written as it is), connects, prints "connected" and closes.
// Usage: node pnp-device.js <transport> <model id>. Environment: CONNECTION_STRING, LOCALHUB_CA.
const fs = require('fs');
const { Client } = require('azure-iot-device');
const { transport } = require('./transports');

async function main() {
  const [transportName, modelId] = process.argv.slice(2);
  const client = Client.fromConnectionString(process.env.CONNECTION_STRING, transport(transportName));
  await client.setOptions({ ca: fs.readFileSync(process.env.LOCALHUB_CA, 'utf8'), modelId: modelId });
  await client.open();
  console.log('connected');
  await client.close();
}

main().then(() => process.exit(0), (error) => {
  console.error('failed: ' + (error && error.stack || error));
  process.exit(1);
});
