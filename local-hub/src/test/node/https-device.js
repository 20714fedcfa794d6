'use strict';
// A Node device on the HTTP transport (azure-iot-device-http), as IoT Hub serves it on 443: one message, then a batch
// of two, each answered as IoT Hub answers (the script exits 1 on an error); then it polls for cloud-to-device
// messages for a few seconds and completes each one it gets (send some first with the Java MessagingClient to see
// it). Run against a running hub that listens on 443 (`npm install azure-iot-device azure-iot-device-http`):
//   DEVICE_CONNECTION_STRING='HostName=127.0.0.1;DeviceId=MyJavaDevice;SharedAccessKey=...' \
//     CA_FILE=<data-dir>/ca.pem node https-device.js
const fs = require('fs');
const { Client, Message } = require('azure-iot-device');
const { Http } = require('azure-iot-device-http');

const connectionString = process.env.DEVICE_CONNECTION_STRING;
if (!connectionString || !process.env.CA_FILE) {
  console.error('Set DEVICE_CONNECTION_STRING and CA_FILE (the hub\'s ca.pem).');
  process.exit(2);
}
const client = Client.fromConnectionString(connectionString, Http);
client.setOptions({ ca: fs.readFileSync(process.env.CA_FILE, 'utf8'), http: { receivePolicy: { interval: 1 } } });

function fail(what, error) {
  console.error(what + ' failed: ' + error.message);
  process.exit(1);
}

client.on('message', (message) => {
  console.log('cloud-to-device ' + message.messageId + ': ' + message.data.toString());
  client.complete(message, (error) => (error ? fail('complete', error) : console.log('completed')));
});
client.open((openError) => {
  if (openError) fail('open', openError);
  const single = new Message(JSON.stringify({ temperature: 21.5 }));
  single.messageId = 'node-http-1';
  single.contentType = 'application/json';
  single.contentEncoding = 'utf-8';
  single.properties.add('temperatureAlert', 'false');
  client.sendEvent(single, (sendError) => {
    if (sendError) fail('sendEvent', sendError);
    console.log('sent one message');
    client.sendEventBatch([new Message('batch 1'), new Message('batch 2')], (batchError) => {
      if (batchError) fail('sendEventBatch', batchError);
      console.log('sent a batch of two');
      setTimeout(() => client.close(() => process.exit(0)), 5000);
    });
  });
});
