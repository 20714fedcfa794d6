'use strict';
// A module with the unmodified Node device SDK (ModuleClient): sends one telemetry message and closes.
// Usage: node module-telemetry.js <Mqtt|MqttWs|Amqp|AmqpWs|Http> <body>. Environment: CONNECTION_STRING (the module's),
// LOCALHUB_CA (the hub's CA, PEM).
const fs = require('fs');
const { ModuleClient, Message } = require('azure-iot-device');
const { transport } = require('./transports');

async function main() {
  const [transportName, body] = process.argv.slice(2);
  const client = ModuleClient.fromConnectionString(process.env.CONNECTION_STRING, transport(transportName));
  await client.setOptions({ ca: fs.readFileSync(process.env.LOCALHUB_CA, 'utf8') });
  await client.open();
  await client.sendEvent(new Message(body));
  console.log('telemetry sent');
  await client.close();
}

main().then(() => process.exit(0), (error) => {
  console.error('failed: ' + (error && error.stack || error));
  process.exit(1);
});
