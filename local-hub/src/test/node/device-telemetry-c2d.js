'use strict';
// A device with the unmodified Node device SDK: sends one telemetry message, then waits for one cloud-to-device
// message, prints it and completes it. Usage: node device-telemetry-c2d.js <Mqtt|MqttWs|Amqp|AmqpWs|Http> <body>
// Environment: CONNECTION_STRING, LOCALHUB_CA (the hub's CA, PEM).
const fs = require('fs');
const { Client, Message } = require('azure-iot-device');
const { transport } = require('./transports');

async function main() {
  const [transportName, body] = process.argv.slice(2);
  const client = Client.fromConnectionString(process.env.CONNECTION_STRING, transport(transportName));
  await client.setOptions({ ca: fs.readFileSync(process.env.LOCALHUB_CA, 'utf8') });
  const received = new Promise((resolve, reject) => {
    client.on('message', (message) => {
      client.complete(message).then(() => resolve(message), reject);
    });
    client.on('error', reject);
  });
  await client.open();
  const telemetry = new Message(body);
  telemetry.properties.add('sentBy', 'node-' + transportName);
  await client.sendEvent(telemetry);
  console.log('telemetry sent');
  const message = await received;
  console.log('c2d: ' + message.getData().toString());
  console.log('c2d properties: ' + JSON.stringify(message.properties.propertyList));
  await client.close();
}

main().then(() => process.exit(0), (error) => {
  console.error('failed: ' + (error && error.stack || error));
  process.exit(1);
});
