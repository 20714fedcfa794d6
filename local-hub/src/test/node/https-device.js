'use strict';
// A device on the unmodified Node HTTP transport (azure-iot-device-http), as IoT Hub serves it on 443: sends one
// message (message id <body>-single, application property sentBy=node-Http) and a batch of two (<body> batch 1 and 2),
// then polls (once a second) until it gets one cloud-to-device message, prints it and completes
// it. Usage: node https-device.js <body>. Environment: CONNECTION_STRING (the device's), LOCALHUB_CA (the hub's CA).
const fs = require('fs');
const { Client, Message } = require('azure-iot-device');
const { Http } = require('azure-iot-device-http');

async function main() {
  const [body] = process.argv.slice(2);
  const client = Client.fromConnectionString(process.env.CONNECTION_STRING, Http);
  // The HTTP transport answers setOptions only when it carries a receive policy (otherwise the promise never settles).
  await client.setOptions({ ca: fs.readFileSync(process.env.LOCALHUB_CA, 'utf8'), http: { receivePolicy: { interval: 1 } } });
  const received = new Promise((resolve, reject) => {
    client.on('message', (message) => {
      client.complete(message).then(() => resolve(message), reject);
    });
    client.on('error', reject);
  });
  await client.open();
  const single = new Message(body);
  single.messageId = body + '-single';
  single.properties.add('sentBy', 'node-Http');
  await client.sendEvent(single);
  console.log('telemetry sent');
  await client.sendEventBatch([new Message(body + ' batch 1'), new Message(body + ' batch 2')]);
  console.log('batch sent');
  const message = await received;
  console.log('c2d: ' + message.getData().toString());
  await client.close();
}

main().then(() => process.exit(0), (error) => {
  console.error('failed: ' + (error && error.stack || error));
  process.exit(1);
});
