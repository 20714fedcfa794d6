'use strict';
// A device with the unmodified Node device SDK: reports a property on its twin, prints the desired properties it
// receives, and answers one direct method call ('echo': status 200, the request's payload back), then closes.
// Usage: node device-twin-methods.js <Mqtt|MqttWs|Amqp|AmqpWs> <reported value>. Environment: CONNECTION_STRING,
// LOCALHUB_CA (the hub's CA, PEM).
const fs = require('fs');
const { Client } = require('azure-iot-device');
const { transport } = require('./transports');

async function main() {
  const [transportName, reported] = process.argv.slice(2);
  const client = Client.fromConnectionString(process.env.CONNECTION_STRING, transport(transportName));
  await client.setOptions({ ca: fs.readFileSync(process.env.LOCALHUB_CA, 'utf8') });
  await client.open();
  const answered = new Promise((resolve, reject) => {
    client.onDeviceMethod('echo', (request, response) => {
      response.send(200, request.payload).then(resolve, reject);
    });
  });
  const twin = await client.getTwin();
  twin.on('properties.desired', (desired) => console.log('desired: ' + JSON.stringify(desired)));
  await new Promise((resolve, reject) => twin.properties.reported.update({ node: reported },
    (error) => (error ? reject(error) : resolve())));
  console.log('reported');
  await answered;
  console.log('method answered');
  await client.close();
}

main().then(() => process.exit(0), (error) => {
  console.error('failed: ' + (error && error.stack || error));
  process.exit(1);
});
