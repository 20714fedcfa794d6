'use strict';
// A back-end with the unmodified Node service SDK (azure-iothub's Client, AMQP): sends one cloud-to-device message
// asking for full feedback and waits for the feedback record of that message, which it prints.
// Usage: node service-c2d-feedback.js <deviceId> <body>. Environment: CONNECTION_STRING; the hub's CA in
// NODE_EXTRA_CA_CERTS (the service SDK takes no CA option).
const { Client } = require('azure-iothub');
const { Message } = require('azure-iot-common');

async function main() {
  const [deviceId, body] = process.argv.slice(2);
  const client = Client.fromConnectionString(process.env.CONNECTION_STRING);
  await client.open();
  const receiver = await new Promise((resolve, reject) => client.getFeedbackReceiver(
    (error, feedbackReceiver) => (error ? reject(error) : resolve(feedbackReceiver))));
  const message = new Message(body);
  message.messageId = 'node-' + Date.now();
  message.ack = 'full';
  const feedback = new Promise((resolve, reject) => {
    receiver.on('error', reject);
    receiver.on('message', (batch) => {
      const records = JSON.parse(batch.data.toString());
      const mine = records.find((record) => record.originalMessageId === message.messageId);
      receiver.complete(batch, () => {});
      if (mine) {
        resolve(mine);
      }
    });
  });
  await client.send(deviceId, message);
  console.log('c2d sent ' + message.messageId);
  const record = await feedback;
  console.log('feedback: ' + record.statusCode + ' ' + record.deviceId + ' ' + record.originalMessageId);
  await client.close();
}

main().then(() => process.exit(0), (error) => {
  console.error('failed: ' + (error && error.stack || error));
  process.exit(1);
});
